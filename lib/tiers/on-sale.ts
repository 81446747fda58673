// Whether members can buy a tier now (checkout, a switch, the setup checklist,
// the community page): active, and on Stripe as last saved. A tier whose save
// Stripe refused or did not answer (`stripe_problem`) may have an older Price
// there, so it is not sold until Stripe has it.
export const onSaleAtStripe = (tier: { isActive?: boolean; stripePriceId: string | null; stripeProblem: string | null }) =>
  tier.isActive !== false && tier.stripePriceId !== null && tier.stripeProblem === null;

/** What selling a tier reads (whether it is on sale, its price in each currency, its cap): a gift's Checkout and a switch. */
export const sellableTierSelect = {
  id: true,
  name: true,
  isActive: true,
  stripePriceId: true,
  stripeProblem: true,
  interval: true,
  accessDays: true,
  payWhatYouWant: true,
  maxMembers: true,
  price: true,
  currency: true,
  currencyPrices: true,
} as const;
