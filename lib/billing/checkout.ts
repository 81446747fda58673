import Stripe from "stripe";
import { ActionError, refusal } from "../core/errors";
import { type Actor, type CommunityRef } from "../core/actors";
import { db } from "../db/client";
import { statementInCommunity, type TenantTx, rowKey } from "../db/scopes";
import { enterCommunity } from "../members/membership";
import { Prisma } from "../generated/prisma/client";
import { LIVE_SUBSCRIPTION, FULL_ACCESS } from "./member-standing";
import { applicationFeeAmount, applicationFeePercent } from "./plans";
import { toMinorUnits } from "./money";
import { currencyOptions } from "../tiers/stripe-sync";
import { onSaleAtStripe } from "../tiers/on-sale";
import { tierPriceIn } from "../tiers/prices";
import { hasFreeSeat } from "./seats";
import { promotionAppliesIn, usablePromotion } from "./promotions";
import { grantInForce, paidAccessTo } from "./grants";
import { readSettings } from "../communities/validation";
import { readCheckoutQuestions, stripeCustomFields } from "../communities/checkout-questions";
import { readReferralProgram } from "../referrals/program";
import { referrerForCode } from "../referrals/referrals";
import { CHECKOUT_CODES } from "./checkout-codes";

import { stripe } from "./stripe";

export type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;

export { SEAT_HOLDING } from "./member-standing";

/** Stripe refuses a Checkout's subscription_data.trial_end nearer than 48 hours. */
export const MIN_TRIAL_END_MS = 48 * 3_600_000;

export const CHECKOUT_ERRORS = {
  paymentsOff: "This community isn't taking payments yet.",
  closed: "This community isn't taking new members right now.",
  unknownTier: "That tier isn't available.",
  soldOut: "That tier is sold out.",
  already: "You already have this membership. Manage it from your memberships page.",
  otherTier: "You already subscribe to another tier here. Switch to this one instead: you pay only the prorated difference.",
  promoInvalid: "That promotion code can't be used for this tier any more. Subscribe without it, or ask the community for a new one.",
  passHeld: "You already hold a pass here. It shows in your memberships.",
  currency: "That tier isn't sold in that currency.",
} as const;

/**
 * Starts a Stripe Checkout for one tier. Only the tier id comes from the
 * client; price, currency, trial and fee are read here. Nothing is granted:
 * access follows the webhook, never this redirect. Database steps run in short
 * scopes; Stripe calls run between them.
 */
export async function startCheckout(
  tierId: string,
  ctx: {
    actor: Actor;
    community: CommunityRef;
    inScope: InScope;
    origin: string;
    promo?: string | null;
    currency?: string | null;
    /** A referrer's share code from the link the member came by (an unknown one is ignored, never a reason to refuse). */
    ref?: string | null;
  },
  client: Stripe = stripe(),
): Promise<{ url: string }> {
  const { actor, community, inScope, origin } = ctx;
  const settings = await db.community.findUniqueOrThrow({
    where: { id: community.id },
    select: { status: true, stripeChargesEnabled: true, stripeAccountId: true, settings: true },
  });
  const { taxMode } = readSettings(settings.settings);
  const questions = readCheckoutQuestions(settings.settings);
  const program = readReferralProgram(settings.settings);
  if (settings.status !== "active") throw refusal(CHECKOUT_ERRORS, "closed");
  if (!settings.stripeChargesEnabled || !settings.stripeAccountId) throw refusal(CHECKOUT_ERRORS, "paymentsOff");
  const stripeAccount = settings.stripeAccountId;

  const { tier, member, promotion, severalCurrencies, referrer, paidUntil } = await inScope(async (tx) => {
    const tier = await tx.subscriptionTier.findUnique({
      where: rowKey(tierId),
      select: {
        id: true,
        name: true,
        isActive: true,
        stripePriceId: true,
        maxMembers: true,
        trialDays: true,
        trialWithoutCard: true,
        interval: true,
        price: true,
        currency: true,
        currencyPrices: true,
        stripeProblem: true,
      },
    });
    if (!tier || !onSaleAtStripe(tier)) throw refusal(CHECKOUT_ERRORS, "unknownTier");
    // Subscribing makes you a member; the subscription itself arrives by webhook.
    // Subscribing again after the owner removed you makes you a member again.
    const member = await enterCommunity(tx, community.id, { userId: actor.id, discordUserId: actor.discordId });
    if (tier.interval === "once" && (await heldPass(tx, member.id))) throw new ActionError(CHECKOUT_ERRORS.passHeld, undefined, CHECKOUT_CODES.alreadyThisTier);
    // One live subscription per member and community: another tier is a switch (prorated), not a second bill.
    const live = tier.interval === "once" ? null : await liveSubscriptionOf(tx, member.id);
    if (live?.tierId === tier.id || live?.tierName === tier.name) throw new ActionError(CHECKOUT_ERRORS.already, undefined, CHECKOUT_CODES.alreadyThisTier);
    if (live) throw new ActionError(CHECKOUT_ERRORS.otherTier, undefined, CHECKOUT_CODES.alreadyOtherTier);
    if (!(await hasFreeSeat(tx, tier))) throw refusal(CHECKOUT_ERRORS, "soldOut");
    // A shared link's code (/c/<slug>?promo=CODE); Stripe checks its limits when the session is made.
    const promotion = ctx.promo ? await usablePromotion(tx, ctx.promo, tier.id) : null;
    if (ctx.promo && !promotion) throw refusal(CHECKOUT_ERRORS, "promoInvalid");
    if (promotion && !promotionAppliesIn(promotion, ctx.currency ?? tier.currency))
      throw new ActionError(`That code takes an amount off in ${promotion.currency}: pick prices in ${promotion.currency} to use it, or subscribe without it.`);
    // Only a returning customer's subscription Checkouts can clash in currency (see below).
    const severalCurrencies = tier.interval !== "once" && !!member.stripeCustomerId && (await sellsInSeveralCurrencies(tx, tier.currency));
    const referrer = program && ctx.ref ? await referrerForCode(tx, ctx.ref, member.id) : null;
    // The tier already paid for by a pass or a gift: the subscription bills from its end.
    const paidUntil = tier.interval === "once" ? null : ((await paidAccessTo(tx, member.id, tier.id))?.until ?? null);
    return { tier, member, promotion, severalCurrencies, referrer, paidUntil };
  });

  const metadata = {
    community_id: community.id,
    member_id: member.id,
    tier_id: tier.id,
    ...(promotion ? { promotion_code: promotion.code } : {}),
    // The referral and the program's terms now: the webhook keeps them with the member once they pay.
    ...(referrer && program ? { referrer_member_id: referrer, referral_percent: String(program.percent), referral_months: String(program.months) } : {}),
  };
  const customerId = await memberCustomer(client, stripeAccount, { member, actor, metadata, inScope });

  const page = `${origin}/c/${community.slug}`;
  // The currency the member chose (or the page picked for them), if the tier is sold in it.
  const chosen = ctx.currency?.toUpperCase();
  const presentIn = chosen && chosen !== tier.currency && chosen.toLowerCase() in currencyOptions(tier) ? chosen.toLowerCase() : null;
  if (chosen && chosen !== tier.currency && !presentIn) throw refusal(CHECKOUT_ERRORS, "currency");
  const once = tier.interval === "once";
  // Stripe takes a trial end at least 48 hours ahead; a gift ending sooner overlaps the first period by those hours.
  const billFrom = paidUntil && paidUntil.getTime() - Date.now() > MIN_TRIAL_END_MS ? Math.floor(paidUntil.getTime() / 1000) : null;
  const trialDays = billFrom ? 0 : tier.trialDays;
  // A pass is one payment (the fee as an amount, in the currency paid: the tier's price
  // there, or its minimum for pay what you want).
  const paidIn = presentIn ?? tier.currency;
  const passPrice = toMinorUnits(tierPriceIn(tier, paidIn)!, paidIn);
  const purchase = once
    ? {
        mode: "payment" as const,
        payment_intent_data: {
          metadata,
          application_fee_amount: applicationFeeAmount(passPrice, paidIn, community.subscriptionTier),
        },
      }
    : {
        mode: "subscription" as const,
        subscription_data: {
          metadata,
          application_fee_percent: applicationFeePercent(community.subscriptionTier),
          ...(billFrom ? { trial_end: billFrom } : {}),
          ...(trialDays > 0 ? { trial_period_days: trialDays } : {}),
          // A trial started without a card ends in cancellation if none was added (access ends with it).
          ...(trialDays > 0 && tier.trialWithoutCard ? { trial_settings: { end_behavior: { missing_payment_method: "cancel" as const } } } : {}),
        },
        ...(trialDays > 0 && tier.trialWithoutCard ? { payment_method_collection: "if_required" as const } : {}),
      };
  // Stripe bills a customer in one currency at a time and refuses a subscription Checkout in
  // another while one is open (the member went back and picked another currency): those
  // abandoned Checkouts are closed first: one Stripe call, made only where the community
  // sells in several currencies and the customer existed before.
  if (severalCurrencies) await closeCheckoutsInOtherCurrencies(client, stripeAccount, customerId, (presentIn ?? tier.currency).toLowerCase());
  const session = await client.checkout.sessions
    .create(
      {
        ...purchase,
        ...(presentIn ? { currency: presentIn } : {}),
        customer: customerId,
        client_reference_id: member.id,
        line_items: [{ price: tier.stripePriceId!, quantity: 1 }],
        // A code from the link is applied; otherwise the member may type one (Stripe takes one or the other).
        ...(promotion ? { discounts: [{ promotion_code: promotion.stripePromotionCodeId }] } : { allow_promotion_codes: true }),
        metadata,
        // The community's questions, asked by Checkout; the answers come back with checkout.session.completed.
        ...(questions.length > 0 ? { custom_fields: stripeCustomFields(questions) } : {}),
        // Stripe Tax, the community's own account liable; Checkout asks for the address it needs and saves it on the customer.
        ...(taxMode !== "off" ? { automatic_tax: { enabled: true, liability: { type: "self" as const } }, customer_update: { address: "auto" as const } } : {}),
        success_url: `${page}/welcome?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${page}?checkout=canceled`,
      },
      { stripeAccount },
    )
    .catch((error: unknown) => {
      // The code reached a limit only Stripe knows (redemptions, first-time customers).
      if (promotion && error instanceof Stripe.errors.StripeInvalidRequestError && error.param?.startsWith("discounts"))
        throw new ActionError(`${CHECKOUT_ERRORS.promoInvalid} (${error.message})`);
      throw error;
    });
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");

  await inScope((tx) =>
    tx.analyticsEvent.create({
      data: {
        communityId: community.id,
        eventType: "billing",
        eventName: "checkout_started",
        userId: actor.id,
        discordUserId: actor.discordId,
        properties: { tier_id: tier.id, session_id: session.id },
      },
    }),
  );
  return { url: session.url };
}

/** The member's Stripe customer on the connected account: theirs, or made now (once, by its idempotency key) and kept on the member. */
export async function memberCustomer(
  client: Stripe,
  stripeAccount: string,
  {
    member,
    actor,
    metadata,
    inScope,
  }: { member: { id: string; stripeCustomerId: string | null }; actor: Actor; metadata: Record<string, string>; inScope: InScope },
): Promise<string> {
  if (member.stripeCustomerId) return member.stripeCustomerId;
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true, globalName: true, username: true } });
  const customer = await client.customers.create(
    { name: user.globalName ?? user.username, ...(user.email ? { email: user.email } : {}), metadata: { ...metadata, user_id: actor.id } },
    { stripeAccount, idempotencyKey: `member-${member.id}-customer` },
  );
  await inScope((tx) => tx.communityMember.update({ where: rowKey(member.id), data: { stripeCustomerId: customer.id } }));
  return customer.id;
}

/** Whether the community sells in another currency than this one (only then can a member's Checkouts differ in currency). */
async function sellsInSeveralCurrencies(tx: TenantTx, currency: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ several: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM subscription_tiers WHERE is_active AND (currency <> ${currency} OR currency_prices <> '{}'::jsonb)) AS several`;
  return row?.several ?? false;
}

/** Expires the customer's open subscription Checkouts in a currency other than this one. */
async function closeCheckoutsInOtherCurrencies(client: Stripe, stripeAccount: string, customer: string, currency: string) {
  const open = await client.checkout.sessions.list({ customer, status: "open", limit: 100 }, { stripeAccount });
  for (const session of open.data) {
    if (session.mode !== "subscription" || session.currency === currency) continue;
    // Completed meanwhile: nothing to close (Stripe says so with a 400).
    await client.checkout.sessions.expire(session.id, {}, { stripeAccount }).catch((error: unknown) => {
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    });
  }
}

/** A pass the member holds now (not expired, its payment not refunded), if any. */
export function heldPass(tx: TenantTx, memberId: string, now = new Date()) {
  return tx.accessGrant.findFirst({
    where: { memberId, kind: "pass", ...grantInForce(now) },
    select: { id: true, until: true },
  });
}

/** The member's one live subscription in this community (duplicates being refunded aside), if any. */
export function liveSubscriptionOf(tx: TenantTx, memberId: string) {
  return tx.subscription.findFirst({
    where: { memberId, status: { in: LIVE_SUBSCRIPTION }, duplicateOf: null },
    orderBy: { createdAt: "asc" },
    select: { id: true, tierId: true, tierName: true, status: true },
  });
}

/**
 * The user's membership state in one community, which the welcome page polls
 * every second or two while a payment is confirmed: one statement in the
 * community's scope (statementInCommunity), no interactive transaction.
 */
export async function membershipStatus(communityId: string, userId: string) {
  const [member] = await statementInCommunity<{ id: string; status: string; tier: string | null; guild_status: string }>(
    communityId,
    Prisma.sql`SELECT id, subscription_status AS status, subscription_tier AS tier, guild_status FROM community_members WHERE user_id = ${userId}::uuid`,
  );
  return {
    memberId: member?.id ?? null,
    status: member?.status ?? "none",
    tier: member?.tier ?? null,
    active: !!member && FULL_ACCESS.includes(member.status),
    // Whether the bot has put them into the server yet (and if not, why).
    guildStatus: member?.guild_status ?? "unknown",
  };
}
