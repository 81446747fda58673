// The owner's CommunityOS plan, bought through Stripe Checkout on the platform's
// own account (never the community's connected one), managed in the platform's
// customer portal, and kept in step by the platform endpoint's webhooks. A plan
// changes what the owner's dashboard offers and the fee on member payments; it
// never touches members' access.
import type Stripe from "stripe";
import { recordAudit } from "../audit/record";
import { ActionError, refusal } from "../core/errors";
import { db } from "../db/client";
import { parseId } from "../db/ids";
import { withCommunity } from "../db/scopes";
import { log } from "../observability/log";
import { ledgerRow } from "./stripe-ledger";
import { checkoutSessionSchema, subscriptionSchema, type StripeEventEnvelope, type StripeSubscription } from "./stripe-objects";
import { isMissingAtStripe } from "./stripe";
import { platformPlans } from "./plans";

export const PLAN_ERRORS = {
  notOffered: "This installation offers no paid plan.",
  alreadyPro: "You're on the paid plan already. Manage it from here.",
  noCustomer: "There's no plan to manage yet.",
  stripe: "Stripe didn't answer. Nothing was charged; try again in a moment.",
} as const;

/** Marks the platform's Checkout sessions and subscriptions that are owners' plans. */
const PLAN_METADATA = "communityos_plan";

type PlanCommunity = { id: string; name: string; planCustomerId: string | null };

/** Stripe keeps a plan while it retries a failed renewal (past_due); it lapses when Stripe gives up or the owner cancels. */
const LIVE = new Set(["active", "trialing", "past_due"]);

/** The owner's customer on the platform's account, made once per community. */
async function planCustomer(community: PlanCommunity, email: string | null, client: Stripe): Promise<string> {
  if (community.planCustomerId) return community.planCustomerId;
  const customer = await client.customers.create(
    { name: community.name, ...(email ? { email } : {}), metadata: { community_id: community.id } },
    { idempotencyKey: `plan-customer:${community.id}` },
  );
  await db.community.update({ where: { id: community.id }, data: { planCustomerId: customer.id }, select: { id: true } });
  return customer.id;
}

const PLAN_FIELDS = { id: true, slug: true, name: true, subscriptionTier: true, planCustomerId: true, planStatus: true, planPeriodEnd: true } as const;

/** A community's plan, for its owner's page. */
export async function readPlan(communityId: string) {
  return db.community.findUniqueOrThrow({ where: { id: communityId }, select: PLAN_FIELDS });
}

/** Checkout on the platform's account for Pro, for the community's owner; its URL. */
export async function startPlanCheckout(communityId: string, ownerId: string, client: Stripe, origin: string): Promise<string> {
  const community = await readPlan(communityId);
  const { email } = await db.user.findUniqueOrThrow({ where: { id: ownerId }, select: { email: true } });
  const pro = platformPlans().pro;
  if (!pro) throw refusal(PLAN_ERRORS, "notOffered");
  if (community.subscriptionTier === "pro" && community.planStatus && LIVE.has(community.planStatus)) throw refusal(PLAN_ERRORS, "alreadyPro");
  const back = `${origin}/dashboard/${community.slug}/payouts`;
  try {
    const customer = await planCustomer(community, email, client);
    const marks = { [PLAN_METADATA]: "pro", community_id: community.id };
    const session = await client.checkout.sessions.create({
      mode: "subscription",
      customer,
      client_reference_id: community.id,
      line_items: [{ price: pro.priceId, quantity: 1 }],
      metadata: marks,
      subscription_data: { metadata: marks },
      success_url: `${back}?plan=started`,
      cancel_url: back,
    });
    if (!session.url) throw new Error("Stripe returned a Checkout session without a URL");
    return session.url;
  } catch (error) {
    if (error instanceof ActionError) throw error;
    log.warn({ err: error, communityId }, "plan checkout failed at Stripe");
    throw refusal(PLAN_ERRORS, "stripe");
  }
}

/** The platform's customer portal for the owner's plan (change card, cancel, invoices). */
export async function openPlanPortal(communityId: string, client: Stripe, origin: string): Promise<string> {
  const community = await readPlan(communityId);
  if (!community.planCustomerId) throw refusal(PLAN_ERRORS, "noCustomer");
  try {
    const session = await client.billingPortal.sessions.create({
      customer: community.planCustomerId,
      return_url: `${origin}/dashboard/${community.slug}/payouts`,
    });
    return session.url;
  } catch (error) {
    log.warn({ err: error, communityId }, "plan portal failed at Stripe");
    throw refusal(PLAN_ERRORS, "stripe");
  }
}

/** The plan subscription an event of the platform's account is about, as Stripe has it now; null when the event is not about a plan. */
export async function planSubscriptionOf(type: string, object: Record<string, unknown>, client: Stripe): Promise<StripeSubscription | null> {
  let id: string | null | undefined;
  let eventCopy: unknown = undefined;
  if (type === "checkout.session.completed") {
    const session = checkoutSessionSchema.safeParse(object);
    if (!session.success || session.data.metadata[PLAN_METADATA] === undefined) return null;
    id = session.data.subscription;
  } else if (type.startsWith("customer.subscription.")) {
    const sub = subscriptionSchema.safeParse(object);
    if (!sub.success || sub.data.metadata[PLAN_METADATA] === undefined) return null;
    id = sub.data.id;
    eventCopy = object;
  }
  if (!id) return null;
  // Stripe does not order deliveries: apply what is true now, as the member side does.
  try {
    return subscriptionSchema.parse(await client.subscriptions.retrieve(id));
  } catch (error) {
    if (isMissingAtStripe(error) && eventCopy !== undefined) return subscriptionSchema.parse(eventCopy);
    throw error;
  }
}

export type PlanChange = "upgraded" | "lapsed" | "updated" | "duplicate" | "ignored";

/**
 * Brings the community's plan to the subscription's state, once per event (the
 * community's Stripe ledger), audited. Live: Pro. Ended: Free, and members keep
 * exactly the access they had.
 */
export async function applyPlanSubscription(event: StripeEventEnvelope, sub: StripeSubscription, now: Date): Promise<PlanChange> {
  const communityId = sub.metadata.community_id;
  let id: string;
  try {
    id = parseId(communityId, "community_id");
  } catch {
    return "ignored";
  }
  return withCommunity(id, async (tx) => {
    // Locked: the session's and the subscription's events arrive together, and each must see the other's change.
    const [community] = await tx.$queryRaw<{ tier: string; subscriptionId: string | null }[]>`
      SELECT subscription_tier AS tier, plan_subscription_id AS "subscriptionId" FROM communities WHERE id = ${id}::uuid FOR UPDATE`;
    if (!community) return "ignored";
    // A second plan subscription (bought twice) does not end the one in force.
    if (!LIVE.has(sub.status) && community.subscriptionId && community.subscriptionId !== sub.id) return "ignored";
    const claimed = await tx.stripeEvent.createMany({ data: [ledgerRow(event, id, now, "processed")], skipDuplicates: true });
    if (claimed.count === 0) return "duplicate";
    const live = LIVE.has(sub.status);
    const tier = live ? "pro" : "free";
    await tx.community.update({
      where: { id },
      data: {
        subscriptionTier: tier,
        planStatus: sub.status,
        planSubscriptionId: sub.id,
        planCustomerId: sub.customer,
        planPeriodEnd: new Date(sub.periodEnd * 1000),
      },
      select: { id: true },
    });
    const change: PlanChange = tier === community.tier ? "updated" : live ? "upgraded" : "lapsed";
    if (change !== "updated") {
      await recordAudit(tx, id, null, {
        action: change === "upgraded" ? "plan.upgraded" : "plan.lapsed",
        objectType: "community",
        objectId: id,
        details: { plan: tier, status: sub.status },
      });
    }
    return change;
  });
}
