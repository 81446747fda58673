// Objects to put into the fake Stripe (its /_control/import) as Stripe stores them,
// for the demo's seed: a product with its monthly USD price.

export const unix = (date: Date) => Math.floor(date.getTime() / 1000);

export function productWithMonthlyPrice(ids: { product: string; price: string }, name: string, amountMinor: number, created: number) {
  const product = { id: ids.product, object: "product", active: true, name, description: null, metadata: {}, created };
  const price = {
    id: ids.price,
    object: "price",
    active: true,
    product: product.id,
    currency: "usd",
    unit_amount: amountMinor,
    currency_options: { usd: { unit_amount: amountMinor, tax_behavior: "unspecified" } },
    custom_unit_amount: null,
    recurring: { interval: "month", interval_count: 1 },
    type: "recurring",
    tax_behavior: "unspecified",
    metadata: {},
    created,
  };
  return { product, price };
}
