// What the REST API serves: each resource's public shape as a zod schema (the
// OpenAPI document is generated from these) and its reads, every one in the
// caller's community scope. Lists are keyset pages, newest first.
import { z } from "zod";
import type { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";
import { MEMBER_STATUSES } from "../members/query";

import { rowKey } from "../db/scopes";
import { tierServerRoles } from "../tiers/server-roles";
import { readCheckoutAnswers } from "../communities/checkout-questions";
import { paidTotals, type PaidTotal } from "../billing/paid-totals";
const id = z.uuid();
const when = z.iso.datetime({ offset: true });
const money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: 'A decimal amount in the currency\'s major unit, e.g. "9.00".' });

export const Member = z
  .object({
    id,
    discord_user_id: z.string().nullable().meta({ description: "Null once the member erased their account." }),
    username: z.string().nullable(),
    status: z.enum(MEMBER_STATUSES),
    tier: z.string().nullable(),
    access_until: when.nullable(),
    total_spent: money.meta({
      description: "Every payment net of refunds, added as one number whatever its currency (kept for sorting and compatibility); `spent` has it per currency.",
    }),
    spent: z.array(z.object({ currency: z.string().length(3), amount: money })).meta({
      description: "What the member paid, net of refunds, per currency: the currency paid in last first; none if nothing was paid or all was refunded.",
    }),
    active: z.boolean(),
    joined_at: when,
    checkout_answers: z
      .array(z.object({ question: z.string(), answer: z.string() }))
      .meta({ description: "What the member answered to the community's checkout questions at their last Checkout, each with the question as asked." }),
  })
  .meta({ id: "Member" });

export const Subscription = z
  .object({
    id,
    member_id: id,
    tier_id: id.nullable(),
    tier: z.string(),
    status: z.string().meta({ description: "Stripe's subscription status." }),
    currency: z.string().nullable(),
    current_period_end: when,
    cancel_at_period_end: z.boolean(),
    canceled_at: when.nullable(),
    stripe_subscription_id: z.string().nullable(),
    created_at: when,
  })
  .meta({ id: "Subscription" });

export const Payment = z
  .object({
    id,
    member_id: id,
    subscription_id: id.nullable(),
    amount: money,
    amount_refunded: money,
    tax: money,
    currency: z.string(),
    status: z.string(),
    description: z.string().nullable(),
    created_at: when,
  })
  .meta({ id: "Payment" });

export const Tier = z
  .object({
    id,
    name: z.string(),
    description: z.string().nullable(),
    price: money,
    currency: z.string(),
    interval: z.enum(["monthly", "yearly", "once"]),
    discord_role_id: z.string().nullable(),
    extra_role_ids: z.array(z.string()).meta({ description: "Further roles the tier grants in the community's own server." }),
    server_roles: z
      .array(z.object({ guild_id: z.string(), role_id: z.string() }))
      .meta({ description: "Roles the tier grants in the community's linked servers." }),
    max_members: z.number().int().nullable(),
    active: z.boolean(),
  })
  .meta({ id: "Tier" });

export const CompAccess = z
  .object({ id, member_id: id, tier_id: id, until: when.nullable(), note: z.string().nullable(), revoked_at: when.nullable(), created_at: when })
  .meta({ id: "CompAccess" });

export const ApiError = z.object({ error: z.string(), details: z.record(z.string(), z.array(z.string())).optional() }).meta({ id: "Error" });

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: id.nullable().meta({ description: "Pass as starting_after for the next page." }),
  });
}

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  starting_after: z.uuid("must be an id from a previous page's next_cursor").optional(),
});
export const memberListQuery = listQuery.extend({ status: z.enum(MEMBER_STATUSES).optional() });

export const compAccessInput = z
  .object({
    member_id: z.uuid(),
    tier_id: z.uuid(),
    until: z.iso.date().optional().meta({ description: "Last day of access (UTC); omit for good." }),
    note: z.string().trim().max(500).optional(),
  })
  .meta({ id: "CompAccessInput" });

const iso = (d: Date | null) => d?.toISOString() ?? null;
const decimal = (d: Prisma.Decimal) => d.toFixed(2);

type Keyset = { limit: number; starting_after?: string };
type Row = { id: string; createdAt: Date };

/** Newest first, then by id: stable across pages while rows are added. */
async function keyset<T extends Row>(query: Keyset, cursorOf: (id: string) => Promise<Row | null>, find: (where: object, take: number) => Promise<T[]>) {
  let where: object = {};
  if (query.starting_after) {
    const cursor = await cursorOf(query.starting_after);
    if (!cursor) return null;
    where = { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] };
  }
  const rows = await find(where, query.limit + 1);
  const more = rows.length > query.limit;
  const data = rows.slice(0, query.limit);
  return { rows: data, has_more: more, next_cursor: more ? data.at(-1)!.id : null };
}

/** The public page: the rows in their API shape, never the database's. */
function pageOut<T extends Row, O>(found: Awaited<ReturnType<typeof keyset<T>>>, out: (row: T) => O) {
  return found && { data: found.rows.map(out), has_more: found.has_more, next_cursor: found.next_cursor };
}

const newest = [{ createdAt: "desc" as const }, { id: "desc" as const }];
const cursorSelect = { id: true, createdAt: true } as const;

export async function listMembers(tx: TenantTx, query: z.output<typeof memberListQuery>) {
  const found = await keyset(
    query,
    (id) => tx.communityMember.findUnique({ where: rowKey(id), select: cursorSelect }),
    (where, take) =>
      tx.communityMember.findMany({
        where: { AND: [where, query.status ? { subscriptionStatus: query.status } : {}] },
        orderBy: newest,
        take,
        select: { ...memberSelect, createdAt: true },
      }),
  );
  const totals = await paidTotals(tx, found?.rows.map((m) => m.id) ?? []);
  return pageOut(found, (m) => memberOut(m, totals.get(m.id) ?? []));
}

const memberSelect = {
  id: true,
  discordUserId: true,
  subscriptionStatus: true,
  subscriptionTier: true,
  subscriptionExpiresAt: true,
  totalSpent: true,
  isActive: true,
  joinedAt: true,
  erasedAt: true,
  checkoutAnswers: true,
  user: { select: { username: true } },
} as const satisfies Prisma.CommunityMemberSelect;
type MemberRow = Prisma.CommunityMemberGetPayload<{ select: typeof memberSelect }>;

function memberOut(m: MemberRow, spent: PaidTotal[]): z.output<typeof Member> {
  return {
    id: m.id,
    discord_user_id: m.erasedAt ? null : m.discordUserId,
    username: m.erasedAt ? null : m.user.username,
    status: m.subscriptionStatus as z.output<typeof Member>["status"],
    tier: m.subscriptionTier,
    access_until: iso(m.subscriptionExpiresAt),
    total_spent: decimal(m.totalSpent),
    spent,
    active: m.isActive,
    joined_at: m.joinedAt.toISOString(),
    checkout_answers: readCheckoutAnswers(m.checkoutAnswers)?.answers ?? [],
  };
}

export async function getMember(tx: TenantTx, memberId: string) {
  const m = await tx.communityMember.findUnique({ where: rowKey(memberId), select: memberSelect });
  return m && memberOut(m, (await paidTotals(tx, [m.id])).get(m.id) ?? []);
}

export async function listSubscriptions(tx: TenantTx, query: z.output<typeof listQuery>) {
  const found = await keyset(
    query,
    (id) => tx.subscription.findUnique({ where: rowKey(id), select: cursorSelect }),
    (where, take) => tx.subscription.findMany({ where, orderBy: newest, take }),
  );
  return pageOut(found, (s) => ({
    id: s.id,
    member_id: s.memberId,
    tier_id: s.tierId,
    tier: s.tierName,
    status: s.status,
    currency: s.currency,
    current_period_end: s.currentPeriodEnd.toISOString(),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    canceled_at: iso(s.canceledAt),
    stripe_subscription_id: s.stripeSubscriptionId,
    created_at: s.createdAt.toISOString(),
  }));
}

export async function listPayments(tx: TenantTx, query: z.output<typeof listQuery>) {
  const found = await keyset(
    query,
    (id) => tx.payment.findUnique({ where: rowKey(id), select: cursorSelect }),
    (where, take) => tx.payment.findMany({ where, orderBy: newest, take }),
  );
  return pageOut(found, (p) => ({
    id: p.id,
    member_id: p.memberId,
    subscription_id: p.subscriptionId,
    amount: decimal(p.amount),
    amount_refunded: decimal(p.amountRefunded),
    tax: decimal(p.taxAmount),
    currency: p.currency,
    status: p.status,
    description: p.description,
    created_at: p.createdAt.toISOString(),
  }));
}

export async function listTiers(tx: TenantTx) {
  const tiers = await tx.subscriptionTier.findMany({ orderBy: [{ sortOrder: "asc" }, { createdAt: "asc" }] });
  return tiers.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    price: decimal(t.price),
    currency: t.currency,
    interval: t.interval as "monthly" | "yearly" | "once",
    discord_role_id: t.discordRoleId,
    extra_role_ids: t.extraRoleIds,
    server_roles: tierServerRoles(t).map((r) => ({ guild_id: r.guildId, role_id: r.roleId })),
    max_members: t.maxMembers,
    active: t.isActive,
  }));
}

export function compOut(g: {
  id: string;
  memberId: string;
  tierId: string;
  until: Date | null;
  note: string | null;
  revokedAt: Date | null;
  createdAt: Date;
}): z.output<typeof CompAccess> {
  return {
    id: g.id,
    member_id: g.memberId,
    tier_id: g.tierId,
    until: iso(g.until),
    note: g.note,
    revoked_at: iso(g.revokedAt),
    created_at: g.createdAt.toISOString(),
  };
}

export async function listCompAccess(tx: TenantTx, query: z.output<typeof listQuery>) {
  const found = await keyset(
    query,
    (id) => tx.accessGrant.findFirst({ where: { id, kind: "comp" }, select: cursorSelect }),
    (where, take) => tx.accessGrant.findMany({ where: { AND: [where, { kind: "comp" }] }, orderBy: newest, take }),
  );
  return pageOut(found, compOut);
}
