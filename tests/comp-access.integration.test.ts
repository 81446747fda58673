// Comp access: a tier the owner gives for free counts in the member's standing
// and roles like a paid one, ends on its date or when revoked (with an audit
// entry), never crosses communities, and a paid tier still wins the status.
import { afterAll, describe, expect, it } from "vitest";
import { advanceLapses } from "../lib/billing/lapse-sweep";
import { refreshMember } from "../lib/billing/member-refresh";
import { seatsTaken } from "../lib/billing/seats";
import { db } from "../lib/db/client";
import { sqlInCommunity, withCommunity, rowKey } from "../lib/db/scopes";
import { rolePlan } from "../lib/discord/desired-roles";
import { COMP_ERRORS, grantComp, grantCompSchema, revokeComp } from "../lib/members/comp-access";
import { asOwnerInScope, createCommunity, createUser } from "./support/fixtures";
import { behindMemberLock } from "./support/locks";

afterAll(() => db.$disconnect());

const DAY = 86_400_000;

async function community() {
  const owner = await createUser("comp_owner");
  const c = await createCommunity(owner.id);
  const actor = { id: owner.id, discordId: owner.discordId, username: "comp_owner" };
  const [gold, silver] = await withCommunity(c.id, async (tx) => [
    await tx.subscriptionTier.create({
      data: { communityId: c.id, name: "Gold", price: "10.00", interval: "monthly", discordRoleId: "700000000000000001" },
      select: { id: true },
    }),
    await tx.subscriptionTier.create({
      data: { communityId: c.id, name: "Silver", price: "5.00", interval: "monthly", discordRoleId: "700000000000000002" },
      select: { id: true },
    }),
  ]);
  const member = async (paying?: string) => {
    const user = await createUser("comp_member");
    return withCommunity(c.id, async (tx) => {
      const m = await tx.communityMember.create({ data: { communityId: c.id, userId: user.id, discordUserId: user.discordId }, select: { id: true } });
      if (paying) {
        await tx.subscription.create({
          data: {
            communityId: c.id,
            memberId: m.id,
            tierId: paying,
            stripeSubscriptionId: `sub_comp_${m.id}`,
            stripeCustomerId: "cus_comp",
            tierName: "Silver",
            status: "active",
            currentPeriodStart: new Date(),
            currentPeriodEnd: new Date(Date.now() + 30 * DAY),
          },
        });
        await refreshMember(tx, m.id, new Date());
      }
      return m.id;
    });
  };
  const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(c.id, fn);
  const standing = (memberId: string) =>
    inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: rowKey(memberId),
        select: { subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true },
      }),
    );
  const roles = async (memberId: string, now = new Date()) => [...((await inScope((tx) => rolePlan(tx, memberId, now)))?.desired ?? [])].sort();
  const grant = (memberId: string, fields: Partial<Record<"tierId" | "until" | "note", string>> = {}, now?: Date) =>
    inScope((tx) => grantComp(tx, c.id, actor, grantCompSchema.parse({ memberId, tierId: gold.id, until: "", note: "", ...fields }), now));
  return { id: c.id, actor, gold: gold.id, silver: silver.id, member, inScope, standing, roles, grant };
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

describe("comp access", () => {
  it("gives a tier for good: the member's status, tier and roles follow, and a seat is taken", async () => {
    const c = await community();
    const m = await c.member();
    expect(await c.roles(m)).toEqual([]);
    const granted = await c.grant(m, { note: "moderator" });
    expect(granted).toMatchObject({ tier: "Gold", until: null, status: "comp" });
    expect(await c.standing(m)).toEqual({ subscriptionStatus: "comp", subscriptionTier: "Gold", subscriptionExpiresAt: null });
    expect(await c.roles(m)).toEqual(["700000000000000001"]);
    expect(await c.inScope((tx) => seatsTaken(tx, "Gold"))).toBe(1);
    const jobs = await c.inScope(
      (tx) => tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'memberId' = ${m}`,
    );
    expect(jobs[0]!.n).toBeGreaterThan(0); // the role sync is queued
  });

  it("ends on its date: the sweep moves the member on, takes the roles, and says so in the audit trail", async () => {
    const c = await community();
    const m = await c.member();
    const now = new Date();
    await c.grant(m, { until: isoDay(new Date(now.getTime() + 2 * DAY)) });
    const expiry = (await c.standing(m)).subscriptionExpiresAt!;
    expect(expiry.toISOString()).toBe(`${isoDay(new Date(now.getTime() + 2 * DAY))}T23:59:59.999Z`);
    expect(await advanceLapses(c.id, new Date(now.getTime() + DAY))).toEqual([]);
    const later = new Date(now.getTime() + 3 * DAY);
    expect(await advanceLapses(c.id, later)).toEqual([{ memberId: m, status: "none" }]);
    expect(await c.roles(m, later)).toEqual([]);
    const audit = await c.inScope((tx) => tx.auditLog.findMany({ where: { objectId: m }, select: { action: true } }));
    expect(audit.map((a) => a.action)).toContain("membership.comp_ended");
  });

  it("beside a paid tier: the paid status stands, and both tiers' roles are held", async () => {
    const c = await community();
    const m = await c.member(c.silver);
    await c.grant(m);
    expect(await c.standing(m)).toMatchObject({ subscriptionStatus: "active", subscriptionTier: "Silver" });
    expect(await c.roles(m)).toEqual(["700000000000000001", "700000000000000002"]);
  });

  it("is revocable once: the status and roles go back", async () => {
    const c = await community();
    const m = await c.member();
    const { grantId } = await c.grant(m);
    expect(await c.inScope((tx) => revokeComp(tx, c.id, c.actor, { memberId: m, grantId }))).toEqual({ status: "none" });
    expect(await c.roles(m)).toEqual([]);
    await expect(c.inScope((tx) => revokeComp(tx, c.id, c.actor, { memberId: m, grantId }))).rejects.toThrow(COMP_ERRORS.notFound);
  });

  it("takes the member's lock before any of their rows, as a billing event does, so the two cannot deadlock", async () => {
    const c = await community();
    const m = await c.member();
    const { grantId } = await behindMemberLock(
      m,
      () => c.grant(m),
      // No grant written yet: its insert would share-lock the member's row, which stays free meanwhile.
      async () => expect(await asOwnerInScope(c.id, "SELECT 1 AS free FROM community_members WHERE id = $1 FOR UPDATE NOWAIT", [m])).toEqual([{ free: 1 }]),
    );
    const revoked = await behindMemberLock(
      m,
      () => c.inScope((tx) => revokeComp(tx, c.id, c.actor, { memberId: m, grantId })),
      async () =>
        expect(await asOwnerInScope(c.id, "SELECT revoked_at FROM access_grants WHERE id = $1 FOR UPDATE NOWAIT", [grantId])).toEqual([{ revoked_at: null }]),
    );
    expect(revoked).toEqual({ status: "none" });
  });

  it("counts the same in the webhooks' plain-pg transaction as in Prisma's", async () => {
    const c = await community();
    const m = await c.member();
    const until = isoDay(new Date(Date.now() + 5 * DAY));
    await c.grant(m, { until });
    const refreshed = await sqlInCommunity(c.id, (tx) => refreshMember(tx, m, new Date()));
    expect(refreshed.after).toEqual({ status: "comp", tier: "Gold", expiresAt: new Date(`${until}T23:59:59.999Z`) });
  });

  it("refuses a date in the past, and another community's member or tier", async () => {
    const c = await community();
    const other = await community();
    const m = await c.member();
    await expect(c.grant(m, { until: "2020-01-01" })).rejects.toThrow("Please correct the highlighted fields.");
    await expect(c.grant(m, { tierId: other.gold })).rejects.toThrow("Please correct the highlighted fields.");
    const theirs = await other.member();
    await expect(c.grant(theirs)).rejects.toThrow(COMP_ERRORS.memberGone);
    expect(grantCompSchema.safeParse({ memberId: m, tierId: c.gold, until: "next week", note: "" }).success).toBe(false);
    expect(await other.inScope((tx) => tx.accessGrant.count())).toBe(0);
  });
});
