import type Stripe from "stripe";
import { Prisma } from "../generated/prisma/client";
import { ActionError } from "../core/errors";
import { type CommunityRef } from "../core/actors";
import { stripe } from "../billing/stripe";
import type { TenantTx } from "../db/scopes";
import { syncTierToStripe, taxBehavior, type TierForStripe } from "./stripe-sync";
import { db } from "../db/client";
import { readSettings } from "../communities/validation";
import { tierError } from "./errors";
import type { TierInput } from "./validation";
import { SEAT_HOLDING } from "../billing/member-standing";
import { log } from "../observability/log";

import { rowKey } from "../db/scopes";
import { tierRoles } from "../discord/desired-roles";
import { tierServerRoles } from "./server-roles";
import { enqueueJob, JOB_KINDS } from "../jobs/enqueue";
type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;

const tierForStripe = {
  id: true,
  communityId: true,
  name: true,
  description: true,
  price: true,
  currency: true,
  interval: true,
  isActive: true,
  stripeProductId: true,
  stripePriceId: true,
  payWhatYouWant: true,
  suggestedPrice: true,
  currencyPrices: true,
} as const;

const NAME_TAKEN = "Please correct the highlighted fields.";

function nameTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002" && JSON.stringify(error.meta ?? {}).includes("name");
}

function toColumns(input: TierInput) {
  const { features, ...rest } = input;
  return { ...rest, features };
}

/** A save not mirrored says why: Stripe refused the tier (its words), or did not answer. */
export type SyncOutcome = { synced: boolean; warning?: "refused" | "unanswered" };

/**
 * Mirrors the tier to Stripe when the community has a connected account, then
 * records the ids. The tier itself is already saved: if Stripe fails, nothing
 * is lost; the tier keeps why (stripe_problem, shown on the Tiers tab, and
 * checkout refuses the tier meanwhile: its Stripe Price may be an older one),
 * and "Sync to Stripe" (or the next save) finishes with the same idempotency keys.
 */
async function mirror(community: Pick<CommunityRef, "stripeAccountId">, tier: TierForStripe, inScope: InScope, client?: Stripe): Promise<SyncOutcome> {
  if (!community.stripeAccountId) return { synced: false };
  const record = (data: { stripeProductId?: string; stripePriceId?: string; stripeProblem: string | null }, retry = false) =>
    inScope(async (tx) => {
      await tx.subscriptionTier.update({ where: rowKey(tier.id), data });
      // No answer: the worker tries again (with backoff) and the tier goes on sale once Stripe answers.
      if (retry) await enqueueJob(tx, JOB_KINDS.syncTiers, { communityId: tier.communityId }, { key: `sync_tiers:${tier.communityId}` });
    });
  try {
    // Whether Stripe Tax adds to the price or is in it is part of the Price (a change makes a new one).
    const { settings } = await db.community.findUniqueOrThrow({ where: { id: tier.communityId }, select: { settings: true } });
    const ids = await syncTierToStripe(client ?? stripe(), community.stripeAccountId, tier, taxBehavior(readSettings(settings).taxMode));
    await record({ stripeProductId: ids.productId, stripePriceId: ids.priceId, stripeProblem: null });
    return { synced: true };
  } catch (error) {
    // A 400 is Stripe's refusal of what was asked (a currency the account cannot charge in, say): trying again will not help.
    const refusal = (error as { statusCode?: number }).statusCode === 400 ? ((error as Error).message || "invalid request").slice(0, 400) : null;
    log.error({ err: error, tierId: tier.id }, refusal ? "Stripe refused the tier" : "tier sync to Stripe failed");
    await record({ stripeProblem: refusal ? `Stripe refused it: ${refusal}` : "Stripe didn't answer." }, !refusal);
    return { synced: false, warning: refusal ? "refused" : "unanswered" };
  }
}

export async function createTier(input: TierInput, community: CommunityRef, inScope: InScope, client?: Stripe) {
  const tier = await inScope(async (tx) => {
    const last = await tx.subscriptionTier.aggregate({ _max: { sortOrder: true } });
    try {
      return await tx.subscriptionTier.create({
        data: { ...toColumns(input), communityId: community.id, sortOrder: (last._max.sortOrder ?? -1) + 1 },
        select: tierForStripe,
      });
    } catch (error) {
      if (nameTaken(error)) throw new ActionError(NAME_TAKEN, { name: ["is already used by another tier"] });
      throw error;
    }
  });
  return { tierId: tier.id, ...(await mirror(community, tier, inScope, client)) };
}

export async function updateTier(tierId: string, input: TierInput, community: CommunityRef, inScope: InScope, client?: Stripe) {
  const tier = await inScope(async (tx) => {
    try {
      const before = await tx.subscriptionTier.findUnique({ where: rowKey(tierId), select: { discordRoleId: true, extraRoleIds: true, serverRoles: true } });
      const { count } = await tx.subscriptionTier.updateMany({ where: { id: tierId }, data: toColumns(input) });
      if (count === 0 || !before) throw tierError("gone");
      // The tier's members hold the old roles: a sweep gives them the new ones now, not at the next scheduled one.
      if (rolesKey(before) !== rolesKey(input)) await enqueueJob(tx, JOB_KINDS.reconcile, { communityId: community.id }, { key: `reconcile:${community.id}` });
      return await tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tierId), select: tierForStripe });
    } catch (error) {
      if (nameTaken(error)) throw new ActionError(NAME_TAKEN, { name: ["is already used by another tier"] });
      throw error;
    }
  });
  return { tierId, ...(await mirror(community, tier, inScope, client)) };
}

/** Every role a tier grants, in any server, as one comparable value. */
function rolesKey(tier: { discordRoleId: string | null; extraRoleIds: string[]; serverRoles: unknown }): string {
  const own = tierRoles(tier).sort();
  const others = tierServerRoles(tier)
    .map((r) => `${r.guildId}:${r.roleId}`)
    .sort();
  return JSON.stringify([own, others]);
}

export async function setTierActive(tierId: string, active: boolean, community: CommunityRef, inScope: InScope, client?: Stripe) {
  const tier = await inScope(async (tx) => {
    const { count } = await tx.subscriptionTier.updateMany({ where: { id: tierId }, data: { isActive: active } });
    if (count === 0) throw tierError("gone");
    return tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(tierId), select: tierForStripe });
  });
  return { tierId, ...(await mirror(community, tier, inScope, client)) };
}

export async function syncTier(tierId: string, community: CommunityRef, inScope: InScope, client?: Stripe) {
  if (!community.stripeAccountId) throw tierError("connect_first");
  const tier = await inScope((tx) => tx.subscriptionTier.findUnique({ where: rowKey(tierId), select: tierForStripe }));
  if (!tier) throw tierError("gone");
  const outcome = await mirror(community, tier, inScope, client);
  if (!outcome.synced) throw tierError(outcome.warning === "refused" ? "stripe_refused" : "stripe_down");
  return outcome;
}

/**
 * Every tier not yet on Stripe as saved, mirrored now: what connecting Stripe does by
 * itself (on return from onboarding, and when Stripe says charges are enabled),
 * so no owner has to click "Sync to Stripe" tier by tier.
 */
export async function syncAllTiers(
  community: Pick<CommunityRef, "id" | "stripeAccountId">,
  inScope: InScope,
  client?: Stripe,
  options: { all?: boolean } = {},
): Promise<{ synced: number; failed: number; refused: number }> {
  if (!community.stripeAccountId) return { synced: 0, failed: 0, refused: 0 };
  const pending = await inScope((tx) =>
    tx.subscriptionTier.findMany({ where: options.all ? {} : { OR: [{ stripePriceId: null }, { stripeProblem: { not: null } }] }, select: tierForStripe }),
  );
  const outcomes: SyncOutcome[] = [];
  for (const tier of pending) outcomes.push(await mirror(community, tier, inScope, client));
  const count = (test: (o: SyncOutcome) => boolean) => outcomes.filter(test).length;
  return { synced: count((o) => o.synced), failed: count((o) => !o.synced), refused: count((o) => o.warning === "refused") };
}

/** Swaps a tier with its neighbour in the display order. */
export async function moveTier(tierId: string, direction: "up" | "down", tx: TenantTx) {
  const tiers = await tx.subscriptionTier.findMany({ orderBy: [{ sortOrder: "asc" }, { createdAt: "asc" }], select: { id: true } });
  const from = tiers.findIndex((t) => t.id === tierId);
  if (from === -1) throw tierError("gone");
  const to = direction === "up" ? from - 1 : from + 1;
  if (to < 0 || to >= tiers.length) return { moved: false };
  [tiers[from], tiers[to]] = [tiers[to]!, tiers[from]!];
  // Renumber all: sort orders stay dense and unique whatever they were before.
  for (const [index, t] of tiers.entries()) await tx.subscriptionTier.update({ where: rowKey(t.id), data: { sortOrder: index } });
  return { moved: true };
}

/** The owner's view: every tier with its paying members, for "sold out" and the cap. */
export async function listTiersForOwner(tx: TenantTx) {
  const tiers = await tx.subscriptionTier.findMany({ orderBy: [{ sortOrder: "asc" }, { createdAt: "asc" }] });
  const counts = await tx.communityMember.groupBy({ by: ["subscriptionTier"], where: { subscriptionStatus: { in: SEAT_HOLDING } }, _count: true });
  const members = new Map(counts.map((c) => [c.subscriptionTier, c._count]));
  return tiers.map((tier) => {
    const paying = members.get(tier.name) ?? 0;
    return { ...tier, price: tier.price.toFixed(2), paying, soldOut: tier.maxMembers !== null && paying >= tier.maxMembers };
  });
}
