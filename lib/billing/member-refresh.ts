import { Prisma } from "../generated/prisma/client";
import { inOrder, type SqlTx } from "../db/scopes";
import { LAPSE_STAGES, memberStanding, type Standing } from "./member-standing";
import { VOIDED_PAYMENT_STATUSES } from "./payment-records";
import { recordAudit } from "../audit/record";
import { emitOwnerEvent, memberEventFor } from "../webhooks/events";

/** Payment statuses whose money the member has spent (less any refund). */
export const SPENT_STATUSES = ["succeeded", "partially_refunded", "refunded", "disputed"];

type MemberFacts = {
  id: string;
  communityId: string;
  userId: string;
  discordUserId: string;
  subscriptionStatus: string;
  subscriptionTier: string | null;
  subscriptionExpiresAt: Date | null;
  totalSpent: Prisma.Decimal;
  subscriptions: {
    status: string;
    tierName: string;
    currentPeriodEnd: string;
    gracePeriodEndsAt: string | null;
    restrictedUntil: string | null;
    canceledAt: string | null;
    resumesAt: string | null;
  }[];
  hasGrants: boolean;
  openDisputes: number;
  spent: Prisma.Decimal;
};

export type MemberRefresh = {
  member: { id: string; userId: string; discordUserId: string };
  before: Standing;
  after: Standing;
  /** Status or tier changed: the member's Discord roles may need to follow. */
  changed: boolean;
  /** With `deferUpdate`: the member row's update, for the caller to run in its next statement. */
  pendingUpdate: Prisma.Sql | null;
};

/** The advisory lock that serialises every change to one member's standing. */
export const memberLockKey = (memberId: string) => `member:${memberId}`;

/** Takes the member's lock (memberLockKey) for the rest of the transaction. */
export const memberLockSql = (memberId: string) => Prisma.sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${memberLockKey(memberId)}))`;

/**
 * Takes the member's lock now: before any of the member's rows is written or
 * locked, in every path (docs/architecture.md, "Pitfalls"), so two cannot deadlock.
 */
export async function lockMember(tx: SqlTx, memberId: string): Promise<void> {
  await tx.$executeRaw(memberLockSql(memberId));
}

/**
 * Everything the standing rule reads of a member, in one statement: this runs
 * for every billing event. Free access and passes are only asked whether there
 * are any: most members have none, and their three-table read (memberGrantsSql)
 * was a third of this statement's planning on every payment.
 */
export const memberFactsSql = (memberId: string) => Prisma.sql`
    SELECT m.id, m.community_id AS "communityId", m.user_id AS "userId", m.discord_user_id AS "discordUserId",
           m.subscription_status AS "subscriptionStatus", m.subscription_tier AS "subscriptionTier",
           m.subscription_expires_at AS "subscriptionExpiresAt", m.total_spent AS "totalSpent",
           coalesce((SELECT json_agg(json_build_object('status', s.status, 'tierName', s.tier_name, 'currentPeriodEnd', s.current_period_end,
                                                       'gracePeriodEndsAt', s.grace_period_ends_at, 'restrictedUntil', s.restricted_until, 'canceledAt', s.canceled_at,
                                                       'resumesAt', s.resumes_at))
                       FROM subscriptions s WHERE s.community_id = m.community_id AND s.member_id = m.id AND s.duplicate_of IS NULL), '[]') AS subscriptions,
           EXISTS (SELECT FROM access_grants g WHERE g.community_id = m.community_id AND g.member_id = m.id AND g.revoked_at IS NULL) AS "hasGrants",
           (SELECT count(*)::int FROM payments p WHERE p.community_id = m.community_id AND p.member_id = m.id AND p.status = 'disputed') AS "openDisputes",
           (SELECT coalesce(sum(p.amount - p.amount_refunded), 0) FROM payments p
             WHERE p.community_id = m.community_id AND p.member_id = m.id AND p.status = ANY(${SPENT_STATUSES})) AS spent
      FROM community_members m WHERE m.id = ${memberId}::uuid`;

/**
 * The member's free access and passes that count: not revoked, and not bought
 * with a payment since voided (grants.ts's rule); whether an open dispute of
 * that payment holds it back (a gift's recipient is suspended, as its payer is).
 */
const memberGrantsSql = (memberId: string) => Prisma.sql`
    SELECT t.name AS "tierName", g.until, g.kind, coalesce(gp.status = 'disputed', false) AS disputed
      FROM access_grants g JOIN subscription_tiers t ON t.community_id = g.community_id AND t.id = g.tier_id
      LEFT JOIN payments gp ON gp.community_id = g.community_id AND gp.id = g.payment_id
     WHERE g.member_id = ${memberId}::uuid AND g.revoked_at IS NULL AND (gp.id IS NULL OR NOT gp.status = ANY(${VOIDED_PAYMENT_STATUSES}))`;

/**
 * Recomputes the member's status, tier, expiry and total spent from their
 * subscriptions and payments, and writes what changed. Serialised per member so
 * two events for the same member cannot each miss the other's write.
 */
export async function refreshMember(
  tx: SqlTx,
  memberId: string,
  now: Date,
  options: {
    locked?: boolean;
    deferUpdate?: boolean;
    /** memberFactsSql's rows, read under the lock with the caller's own statements. */ facts?: unknown[];
  } = {},
): Promise<MemberRefresh> {
  // The caller may hold the member's lock already (taken with its own first read: one round trip less).
  const facts = options.facts ?? (await inOrder(tx, [...(options.locked ? [] : [memberLockSql(memberId)]), memberFactsSql(memberId)])).at(-1)!;
  const member = facts[0] as MemberFacts | undefined;
  if (!member) throw new Error(`member ${memberId} is not in this community's scope`);
  const subscriptions = member.subscriptions.map((sub) => ({
    status: sub.status,
    tierName: sub.tierName,
    currentPeriodEnd: new Date(sub.currentPeriodEnd),
    gracePeriodEndsAt: sub.gracePeriodEndsAt ? new Date(sub.gracePeriodEndsAt) : null,
    restrictedUntil: sub.restrictedUntil ? new Date(sub.restrictedUntil) : null,
    canceledAt: sub.canceledAt ? new Date(sub.canceledAt) : null,
    resumesAt: sub.resumesAt ? new Date(sub.resumesAt) : null,
  }));
  const totalSpent = new Prisma.Decimal(member.spent);
  const before: Standing = { status: member.subscriptionStatus, tier: member.subscriptionTier, expiresAt: member.subscriptionExpiresAt };
  const grants = member.hasGrants
    ? await tx.$queryRaw<{ tierName: string; until: Date | null; kind: "comp" | "pass"; disputed: boolean }[]>(memberGrantsSql(memberId))
    : [];
  // The member's own disputed payments, and those that paid for what they hold (a gift's recipient).
  const openDisputes = member.openDisputes + grants.filter((g) => g.disputed).length;
  const after = memberStanding(subscriptions, { openDisputes, now, grants });

  const changed = before.status !== after.status || before.tier !== after.tier;
  const expiryChanged = before.expiresAt?.getTime() !== after.expiresAt?.getTime();
  let pendingUpdate: Prisma.Sql | null = null;
  if (changed || expiryChanged || !totalSpent.equals(member.totalSpent)) {
    const update = Prisma.sql`UPDATE community_members
       SET subscription_status = ${after.status}, subscription_tier = ${after.tier}, subscription_expires_at = ${after.expiresAt}::timestamptz,
           total_spent = ${totalSpent.toFixed(2)}::numeric, updated_at = now()
     WHERE id = ${memberId}::uuid`;
    // A renewal's caller writes it with its analytics statement: one round trip less.
    if (options.deferUpdate && !changed) pendingUpdate = update;
    else await tx.$executeRaw(update);
  }
  const auditAction = changed ? standingAuditAction(before.status, after.status) : null;
  if (auditAction) {
    await recordAudit(tx, member.communityId, null, {
      action: auditAction,
      objectType: "member",
      objectId: memberId,
      details: { from: before.status, to: after.status, tier: after.tier, until: after.expiresAt?.toISOString() ?? null },
    });
  }
  const event = changed ? await memberEventFor(tx, before, after) : null;
  if (event) {
    await emitOwnerEvent(tx, {
      communityId: member.communityId,
      type: event.type,
      at: now,
      data: {
        member_id: memberId,
        discord_user_id: member.discordUserId,
        status: after.status,
        tier: after.tier,
        access_until: after.expiresAt?.toISOString() ?? null,
        ...event.extra,
      },
    });
  }
  return { member: { id: member.id, userId: member.userId, discordUserId: member.discordUserId }, before, after, changed, pendingUpdate };
}

const LAPSING = Object.keys(LAPSE_STAGES);

/** Changes of standing no owner action explains, in the community's audit trail: a failed payment's stages and recovery, a comp's end. */
function standingAuditAction(from: string, to: string): string | null {
  // A comp's start is the owner's own act (audited there); its end may be the calendar's.
  if (from === "comp" && to !== "comp") return "membership.comp_ended";
  if (from === "pass" && to !== "pass") return "membership.pass_ended";
  if (to === "past_due") return "membership.grace_started";
  if (to === "restricted") return "membership.restricted";
  if (to === "unpaid" && LAPSING.includes(from)) return "membership.removed_for_nonpayment";
  if ((to === "active" || to === "trialing") && LAPSING.includes(from)) return "membership.recovered";
  return null;
}
