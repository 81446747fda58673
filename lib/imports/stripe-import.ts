// Import from the community's connected Stripe account: its recurring prices
// (the owner maps each to a tier, or has a tier made from it) and its live
// subscriptions, each a membership waiting for its Discord account. Nothing is
// charged: the subscriptions stay as they are at Stripe, and once claimed our
// webhooks take them over. A run reads one page per job and keeps its cursor,
// so it resumes where it stopped and can run again without doubles.
import type Stripe from "stripe";
import { z } from "zod";
import { ActionError } from "../core/errors";
import { type Actor, type CommunityRef } from "../core/actors";
import { withCommunity, type TenantTx, rowKey } from "../db/scopes";
import { enqueueJob, JOB_KINDS } from "../jobs/enqueue";
import { fromMinorUnits } from "../billing/money";
import { givesAccess } from "../billing/member-standing";
import { createTier } from "../tiers/service";
import { tierInputSchema } from "../tiers/validation";
import { newClaimCode } from "./claim-code";

export const PAGE = 100;

export type CatalogPrice = { id: string; product: string; amount: string | null; currency: string; interval: "monthly" | "yearly" | null; active: boolean };

/** The account's recurring prices not made by CommunityOS (our tiers' own are left out). */
export async function stripeCatalog(client: Stripe, stripeAccount: string, ourPriceIds: Set<string>, communityId: string): Promise<CatalogPrice[]> {
  const prices: CatalogPrice[] = [];
  for await (const price of client.prices.list({ type: "recurring", limit: 100, expand: ["data.product"] }, { stripeAccount })) {
    const product = typeof price.product === "string" ? null : (price.product as Stripe.Product);
    if (ourPriceIds.has(price.id) || product?.metadata?.community_id === communityId) continue;
    const interval =
      price.recurring?.interval === "month" && price.recurring.interval_count === 1
        ? "monthly"
        : price.recurring?.interval === "year" && price.recurring.interval_count === 1
          ? "yearly"
          : null;
    prices.push({
      id: price.id,
      product: product?.name ?? (typeof price.product === "string" ? price.product : "a product"),
      amount: price.unit_amount == null ? null : fromMinorUnits(price.unit_amount, price.currency),
      currency: price.currency.toUpperCase(),
      interval,
      active: price.active,
    });
    if (prices.length >= 500) break;
  }
  return prices;
}

/** Form fields `map[<price id>]` = a tier id, "new" or "" (skip). */
export const startImportSchema = z.preprocess(
  (input) => {
    const fields = (input ?? {}) as Record<string, unknown>;
    const map = Object.fromEntries(
      Object.entries(fields).flatMap(([key, value]) => {
        const priceId = /^map\[(.+)\]$/.exec(key)?.[1];
        return priceId ? [[priceId, value]] : [];
      }),
    );
    return { map, sendEmails: fields.sendEmails };
  },
  z.object({
    map: z.record(z.string().regex(/^price_\w{1,90}$/, "is not a Stripe price"), z.union([z.literal(""), z.literal("new"), z.uuid()])),
    sendEmails: z
      .enum(["on"])
      .optional()
      .transform((v) => v === "on"),
  }),
);

type InScope = <T>(fn: (tx: TenantTx) => Promise<T>) => Promise<T>;

/**
 * The owner's mapping with every "new" made into a tier first: named after the
 * price's product, at its amount and interval (synced to Stripe like any tier).
 */
export async function resolveMapping(map: Record<string, string>, community: CommunityRef, inScope: InScope, client: Stripe): Promise<Record<string, string>> {
  const wanted = Object.entries(map).filter(([, to]) => to !== "");
  const mapping: Record<string, string> = Object.fromEntries(wanted.filter(([, to]) => to !== "new"));
  const toCreate = wanted.filter(([, to]) => to === "new").map(([priceId]) => priceId);
  if (!toCreate.length) return mapping;
  if (!community.stripeAccountId) throw new ActionError("Connect Stripe on the Payouts tab first.");
  const ours = await inScope((tx) => tx.subscriptionTier.findMany({ select: { stripePriceId: true } }));
  const catalog = await stripeCatalog(
    client,
    community.stripeAccountId,
    new Set(ours.map((t) => t.stripePriceId).filter((p): p is string => !!p)),
    community.id,
  );
  for (const priceId of toCreate) {
    const price = catalog.find((p) => p.id === priceId);
    if (!price?.amount || !price.interval)
      throw new ActionError("A price can become a tier only if it is a fixed monthly or yearly amount; map it to an existing tier instead.");
    const input = tierInputSchema.parse({
      name: price.product.slice(0, 100),
      description: "",
      price: price.amount,
      currency: price.currency,
      interval: price.interval,
      features: "",
      discordRoleId: "",
      maxMembers: "",
      trialDays: "0",
    });
    mapping[priceId] = (await createTier(input, community, inScope, client)).tierId;
  }
  return mapping;
}

export async function startStripeImport(tx: TenantTx, community: CommunityRef, actor: Actor, mapping: Record<string, string>, sendEmails: boolean) {
  if (!community.stripeAccountId) throw new ActionError("Connect Stripe on the Payouts tab first.");
  if (Object.keys(mapping).length === 0) throw new ActionError("Pick a tier for at least one price: subscriptions on unmapped prices are left out.");
  const tiers = await tx.subscriptionTier.findMany({ where: { id: { in: Object.values(mapping) } }, select: { id: true } });
  if (tiers.length !== new Set(Object.values(mapping)).size) throw new ActionError("One of the chosen tiers no longer exists; reload the page.");
  const running = await tx.stripeImport.findFirst({ where: { status: "running" }, select: { id: true } });
  if (running) throw new ActionError("An import is already running; it shows its progress below.");
  const run = await tx.stripeImport.create({ data: { communityId: community.id, mapping, sendEmails, startedBy: actor.id }, select: { id: true } });
  await enqueueJob(tx, JOB_KINDS.stripeImport, { communityId: community.id, runId: run.id }, { key: `stripe_import:${run.id}` });
  return { runId: run.id };
}

type Ctx = { client: Stripe; communityId: string; runId: string };

/**
 * One page of the run: its subscriptions become pending memberships (once
 * each: a subscription already imported is counted as skipped), then the
 * cursor moves on and the next page is queued, in one transaction.
 */
export async function importStripePage({ client, communityId, runId }: Ctx): Promise<"more" | "done" | "stopped"> {
  const run = await withCommunity(communityId, (tx) =>
    tx.stripeImport.findUnique({ where: rowKey(runId), include: { community: { select: { stripeAccountId: true } } } }),
  );
  if (!run || run.status !== "running") return "stopped";
  const stripeAccount = run.community.stripeAccountId;
  if (!stripeAccount) {
    await withCommunity(communityId, (tx) =>
      tx.stripeImport.update({ where: rowKey(runId), data: { status: "failed", error: "Stripe was disconnected.", finishedAt: new Date() } }),
    );
    return "stopped";
  }
  const mapping = run.mapping as Record<string, string>;
  const page = await client.subscriptions.list(
    { status: "all", limit: PAGE, expand: ["data.customer"], ...(run.cursor ? { starting_after: run.cursor } : {}) },
    { stripeAccount },
  );
  return withCommunity(communityId, async (tx) => {
    let imported = 0;
    let skipped = 0;
    for (const sub of page.data) {
      const priceId = sub.items.data[0]?.price.id;
      const tierId = priceId ? mapping[priceId] : undefined;
      const customer = typeof sub.customer === "string" ? null : (sub.customer as Stripe.Customer | Stripe.DeletedCustomer);
      // Ours already (made by our Checkout), not live, or on a price the owner left out.
      if (!tierId || !givesAccess(sub.status) || sub.metadata?.community_id) {
        skipped++;
        continue;
      }
      const email = customer && !("deleted" in customer && customer.deleted) ? ((customer as Stripe.Customer).email ?? null) : null;
      const created = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO member_imports (community_id, source, tier_id, email, stripe_customer_id, stripe_subscription_id, claim_code)
        VALUES (${communityId}::uuid, 'stripe', ${tierId}::uuid, ${email?.toLowerCase() ?? null}, ${typeof sub.customer === "string" ? sub.customer : sub.customer.id}, ${sub.id}, ${newClaimCode()})
        ON CONFLICT (community_id, stripe_subscription_id) DO NOTHING RETURNING id`;
      if (!created[0]) {
        skipped++;
        continue;
      }
      imported++;
      if (email && run.sendEmails) await enqueueJob(tx, JOB_KINDS.claimMail, { communityId, importId: created[0].id }, { key: `claim_mail:${created[0].id}` });
    }
    const last = page.data.at(-1)?.id ?? run.cursor;
    const more = page.has_more && !!last;
    await tx.stripeImport.update({
      where: rowKey(runId),
      data: {
        cursor: last,
        seen: { increment: page.data.length },
        imported: { increment: imported },
        skipped: { increment: skipped },
        ...(more ? {} : { status: "done", finishedAt: new Date() }),
      },
    });
    if (more) await enqueueJob(tx, JOB_KINDS.stripeImport, { communityId, runId }, { key: `stripe_import:${runId}` });
    return more ? "more" : "done";
  });
}

/** A run whose job gave up: marked failed with the reason, to be resumed from its cursor. */
export async function failStripeImport(communityId: string, runId: string, reason: string) {
  await withCommunity(communityId, (tx) =>
    tx.stripeImport.updateMany({ where: { id: runId, status: "running" }, data: { status: "failed", error: reason.slice(0, 500), finishedAt: new Date() } }),
  );
}

export const resumeImportSchema = z.object({ runId: z.uuid() });

/** Goes on from where a failed run stopped: the same mapping, the saved cursor. */
export async function resumeStripeImport(tx: TenantTx, communityId: string, runId: string) {
  const running = await tx.stripeImport.findFirst({ where: { status: "running" }, select: { id: true } });
  if (running) throw new ActionError("An import is already running.");
  const { count } = await tx.stripeImport.updateMany({ where: { id: runId, status: "failed" }, data: { status: "running", error: null, finishedAt: null } });
  if (!count) throw new ActionError("Only a stopped import can be resumed.");
  await enqueueJob(tx, JOB_KINDS.stripeImport, { communityId, runId }, { key: `stripe_import:${runId}` });
  return { runId };
}
