// The owner's member list: search, filters, sort and keyset pages, shared by
// the table's JSON route and the CSV export. Keyset (not OFFSET) pages stay as
// fast on page 2,000 as on page 1, on the (community_id, sort key, id) indexes.
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { inTurn, type TenantTx, rowKey } from "../db/scopes";
import { linkedServers } from "../discord/linked-servers";
import { GUILD_STATUSES } from "../discord/guild-join";
import { CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS } from "../utils/text";
import { readCheckoutAnswers } from "../communities/checkout-questions";
import { paidTotals, type PaidTotal } from "../billing/paid-totals";
import { pausable } from "../billing/pause-rules";

export { MEMBER_STATUSES } from "../billing/status-display";
import { MEMBER_STATUSES } from "../billing/status-display";
export const PAGE_SIZE = 50;
/** Every standing but "in the server" and "not checked yet". */
const NOT_IN_SERVER = GUILD_STATUSES.filter((s) => s !== "joined" && s !== "unknown");

const cursorSchema = z.object({ k: z.string().max(64), id: z.uuid() });

export const membersQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(100, "must be at most 100 characters")
    .refine((v) => !CONTROL_CHARACTERS.test(v), NO_CONTROL_CHARACTERS)
    .optional()
    .default(""),
  status: z.enum(MEMBER_STATUSES).or(z.literal("")).optional().default(""),
  tier: z
    .string()
    .trim()
    .max(100)
    .refine((v) => !CONTROL_CHARACTERS.test(v), NO_CONTROL_CHARACTERS)
    .optional()
    .default(""),
  // Where they stand in the community's own Discord server (in, out), or in one of its linked servers
  // (in:<guild id>, out:<guild id>): in it, or not (left, banned, not added: the reason shows per member).
  place: z
    .string()
    .regex(/^(in|out)(:\d{17,20})?$/, "is not a server standing")
    .or(z.literal(""))
    .optional()
    .default(""),
  sort: z.enum(["joined", "spent"]).optional().default("joined"),
  cursor: z
    .string()
    .max(400)
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      try {
        return cursorSchema.parse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
      } catch {
        ctx.addIssue({ code: "custom", message: "is not a valid page cursor" });
        return z.NEVER;
      }
    }),
});
export type MembersQuery = z.output<typeof membersQuerySchema>;

/** A member's standing as every list of members shows it (the table, the CSV export). */
export const memberStandingSelect = {
  id: true,
  discordUserId: true,
  nickname: true,
  subscriptionStatus: true,
  subscriptionTier: true,
  subscriptionExpiresAt: true,
  totalSpent: true,
  joinedAt: true,
  roles: true,
} as const;

export const memberRowSelect = {
  ...memberStandingSelect,
  guildStatus: true,
  serverStatus: true,
  user: { select: { username: true, globalName: true, avatarUrl: true } },
} as const;

/** What a keyset page needs of each row, whatever else a caller selects. */
type KeysetSelect = { id: true; joinedAt: true; totalSpent: true };

function filters(query: MembersQuery): Prisma.CommunityMemberWhereInput {
  const where: Prisma.CommunityMemberWhereInput[] = [];
  if (query.status) where.push({ subscriptionStatus: query.status });
  if (query.tier) where.push({ subscriptionTier: query.tier });
  if (query.place) where.push(placeFilter(query.place));
  if (query.q) {
    where.push(
      /^\d{17,20}$/.test(query.q)
        ? { discordUserId: query.q }
        : {
            OR: [
              { nickname: { contains: query.q, mode: "insensitive" } },
              { user: { username: { contains: query.q, mode: "insensitive" } } },
              { user: { globalName: { contains: query.q, mode: "insensitive" } } },
            ],
          },
    );
  }
  return { AND: where };
}

/** In a server, or not in it: the community's own (its column), or a linked one (the member's standings by server). */
function placeFilter(place: string): Prisma.CommunityMemberWhereInput {
  const [side, guildId] = place.split(":");
  const statuses = side === "in" ? ["joined"] : NOT_IN_SERVER;
  if (!guildId) return { guildStatus: { in: statuses } };
  return { OR: statuses.map((status) => ({ serverStatus: { path: [guildId], equals: status } })) };
}

function after(query: MembersQuery): Prisma.CommunityMemberWhereInput {
  const c = query.cursor;
  if (!c) return {};
  // The plain bound (<= k) lets the index start at the cursor; the OR then only settles ties.
  if (query.sort === "spent") {
    const spent = new Prisma.Decimal(c.k);
    return { totalSpent: { lte: spent }, OR: [{ totalSpent: { lt: spent } }, { id: { lt: c.id } }] };
  }
  const joined = new Date(c.k);
  return { joinedAt: { lte: joined }, OR: [{ joinedAt: { lt: joined } }, { id: { lt: c.id } }] };
}

type Row = Prisma.CommunityMemberGetPayload<{ select: typeof memberRowSelect }>;

export function encodeCursor(query: MembersQuery, row: { id: string; joinedAt: Date; totalSpent: Prisma.Decimal }): string {
  const k = query.sort === "spent" ? row.totalSpent.toFixed(2) : row.joinedAt.toISOString();
  return Buffer.from(JSON.stringify({ k, id: row.id })).toString("base64url");
}

/**
 * One page of members, newest (or biggest spenders) first, and the cursor of the
 * next page: the table's columns, or what a caller selects (the CSV export reads
 * only its own, as it reads every member).
 */
export async function listMembers<S extends KeysetSelect & Prisma.CommunityMemberSelect = typeof memberRowSelect>(
  tx: TenantTx,
  query: MembersQuery,
  limit = PAGE_SIZE,
  select: S = memberRowSelect as unknown as S,
): Promise<{ rows: Prisma.CommunityMemberGetPayload<{ select: S }>[]; nextCursor: string | null }> {
  const orderBy: Prisma.CommunityMemberOrderByWithRelationInput[] =
    query.sort === "spent" ? [{ totalSpent: "desc" }, { id: "desc" }] : [{ joinedAt: "desc" }, { id: "desc" }];
  const rows = (await tx.communityMember.findMany({
    where: { AND: [filters(query), after(query)] },
    orderBy,
    take: limit + 1,
    select,
  })) as Prisma.CommunityMemberGetPayload<{
    select: S;
  }>[];
  const page = rows.slice(0, limit);
  const last = page.at(-1) as unknown as { id: string; joinedAt: Date; totalSpent: Prisma.Decimal } | undefined;
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(query, last) : null };
}

/** One page of the members table: listMembers' rows, each with what the member paid per currency (their stored total adds currencies). */
export async function membersTablePage(tx: TenantTx, query: MembersQuery, limit = PAGE_SIZE) {
  const { rows, nextCursor } = await listMembers(tx, query, limit);
  // One statement for the page, on the payments' member index. (The CSV export does without: its total_spent column is as stored.)
  const totals = await paidTotals(
    tx,
    rows.map((r) => r.id),
  );
  return { rows: rows.map((r) => ({ ...r, totals: totals.get(r.id) ?? [] })), nextCursor };
}

export async function countMembers(tx: TenantTx, query: MembersQuery): Promise<number> {
  return tx.communityMember.count({ where: filters(query) });
}

/** Everything about one member the owner may see: subscriptions, payments, role changes and recent events. */
export async function memberDetail(tx: TenantTx, memberId: string, now = new Date()) {
  const member = await tx.communityMember.findUnique({
    where: rowKey(memberId),
    select: {
      ...memberRowSelect,
      userId: true,
      stripeCustomerId: true,
      isActive: true,
      removedAt: true,
      erasedAt: true,
      serverStatus: true,
      checkoutAnswers: true,
      referredByMemberId: true,
    },
  });
  if (!member) return null;
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  const [subscriptions, payments, roleSyncs, events, notices, accessGrants, linked, referral] = await inTurn(
    () =>
      tx.subscription.findMany({
        where: { memberId },
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          tierName: true,
          status: true,
          currentPeriodEnd: true,
          cancelAtPeriodEnd: true,
          canceledAt: true,
          createdAt: true,
          cancellationFeedback: true,
          cancellationComment: true,
          collectionPaused: true,
          resumesAt: true,
          tier: { select: { interval: true } },
        },
      }),
    () =>
      tx.payment.findMany({
        where: { memberId },
        orderBy: { createdAt: "desc" },
        take: 24,
        select: { id: true, amount: true, amountRefunded: true, currency: true, status: true, processedAt: true, description: true },
      }),
    () =>
      tx.discordRoleSync.findMany({
        where: { memberId },
        orderBy: { createdAt: "desc" },
        take: 10,
        select: { id: true, outcome: true, added: true, removed: true, reason: true, createdAt: true },
      }),
    // Bounded in time: only the last year's partitions are read.
    () =>
      tx.analyticsEvent.findMany({
        where: { userId: member.userId, timestamp: { gte: yearAgo } },
        orderBy: { timestamp: "desc" },
        take: 20,
        select: { id: true, eventName: true, timestamp: true },
      }),
    // What was sent to them (receipts, reminders, win-back): the owner sees the recovery at work.
    () =>
      tx.memberNotice.findMany({
        where: { memberId, status: "sent" },
        orderBy: { createdAt: "desc" },
        take: 10,
        select: { id: true, kind: true, channel: true, sentAt: true },
      }),
    () =>
      tx.accessGrant.findMany({
        where: { memberId },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { id: true, kind: true, until: true, note: true, createdAt: true, revokedAt: true, tier: { select: { name: true } } },
      }),
    () => linkedServers(tx),
    // Who brought them (an invite link), and whom they brought.
    async () => ({
      by: member.referredByMemberId
        ? await tx.communityMember.findUnique({ where: rowKey(member.referredByMemberId), select: { user: { select: { username: true, globalName: true } } } })
        : null,
      brought: await tx.communityMember.count({ where: { referredByMemberId: memberId } }),
    }),
  );
  const { userId: _userId, serverStatus, checkoutAnswers, referredByMemberId: _by, ...visible } = member;
  const referredBy = referral.by ? (referral.by.user.globalName ?? referral.by.user.username) : null;
  // Where they stand in each linked server ("unknown" until the bot first looked).
  const known = (serverStatus ?? {}) as Record<string, string>;
  const servers = linked.map((s) => ({ name: s.name, status: known[s.guildId] ?? "unknown" }));
  return {
    member: visible,
    answers: readCheckoutAnswers(checkoutAnswers),
    referrals: { referredBy, brought: referral.brought },
    // Whether the owner may pause its billing (the drawer offers it), by the members' own rule.
    subscriptions: subscriptions.map(({ tier, ...sub }) => ({ ...sub, pausable: pausable({ ...sub, interval: tier?.interval }) === null })),
    payments,
    roleSyncs,
    events,
    notices,
    accessGrants,
    servers,
  };
}

/** A value as a JSON answer carries it: dates and decimals become strings. */
export type AsJson<T> = T extends Date
  ? string
  : T extends Prisma.Decimal
    ? string
    : T extends (infer U)[]
      ? AsJson<U>[]
      : T extends object
        ? { [K in keyof T]: AsJson<T[K]> }
        : T;

/** One row of the members list as its route answers it (the table's shape). */
export type MemberRowJson = AsJson<Row & { totals: PaidTotal[] }>;
