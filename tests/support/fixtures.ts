import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { db } from "../../lib/db/client";
import { withCommunity, type TenantTx } from "../../lib/db/scopes";
import { inCommunityScope, withClient } from "./test-database";

/** The migration owner's connection, for facts the application role may not see. */
export function asOwner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(inject("ownerUrl"), fn);
}

/** The jobs queued for a community (graphile-worker's own tables, read as the owner), oldest first. */
export async function queuedJobs<P = Record<string, unknown>>(communityId: string): Promise<{ kind: string; payload: P }[]> {
  return asOwner(
    async (client) =>
      (
        await client.query<{ kind: string; payload: P }>(
          "SELECT t.identifier AS kind, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.payload->>'communityId' = $1 ORDER BY j.id",
          [communityId],
        )
      ).rows,
  );
}

/**
 * The owner's query inside one community's scope. A non-superuser owner is
 * held by FORCE ROW LEVEL SECURITY like everyone else (a superuser is not).
 */
export async function asOwnerInScope<T extends pg.QueryResultRow>(communityId: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return asOwner((client) => inCommunityScope(client, communityId, async () => (await client.query<T>(sql, params)).rows));
}

/** Drops a role a test created, with what a non-superuser owner may do. */
export async function dropTestRole(role: string): Promise<void> {
  const ident = pg.escapeIdentifier(role);
  await asOwner(async (client) => {
    const { rows } = await client.query<{ db: string }>("SELECT current_database() AS db");
    await client.query(`REVOKE communityos_app FROM ${ident}`);
    await client.query(`REVOKE CONNECT ON DATABASE ${pg.escapeIdentifier(rows[0]!.db)} FROM ${ident}`);
    await client.query(`DROP ROLE IF EXISTS ${ident}`);
  });
}

export async function ownerIsSuperuser(): Promise<boolean> {
  return asOwner(async (client) => (await client.query<{ s: boolean }>("SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user")).rows[0]!.s);
}

export function snowflake(): string {
  return (BigInt("0x" + randomBytes(7).toString("hex")) + 100_000_000_000_000_000n).toString().slice(0, 19);
}

export async function createUser(name = "user") {
  const discordId = snowflake();
  return db.user.create({ data: { discordId, username: `${name}_${discordId.slice(-6)}` }, select: { id: true, discordId: true } });
}

export async function createCommunity(ownerId: string) {
  const guild = snowflake();
  return db.community.create({
    data: { name: `Community ${guild.slice(-5)}`, slug: `c-${guild}`, discordGuildId: guild, ownerId },
    select: { id: true, slug: true },
  });
}

export type TenantRows = {
  communityId: string;
  memberId: string;
  tierId: string;
  subscriptionId: string;
  paymentId: string;
  botConfigId: string;
  eventId: string;
  stripeEventId: string;
  roleSyncId: string;
  monthlyStatId: string;
  auditId: string;
  driftId: string;
  alertId: string;
  noticeId: string;
  accessGrantId: string;
  promotionCodeId: string;
  staffId: string;
  apiKeyId: string;
  webhookEndpointId: string;
  webhookDeliveryId: string;
  memberImportId: string;
  stripeImportId: string;
  analyticsMonthId: string;
  serverId: string;
  affiliatePayoutId: string;
  giftId: string;
};

/** One row in every tenant table, written through the community's scope. */
export async function createTenantRows(communityId: string, userId: string, discordUserId: string): Promise<TenantRows> {
  return withCommunity(communityId, async (tx: TenantTx) => {
    const member = await tx.communityMember.create({ data: { communityId, userId, discordUserId }, select: { id: true } });
    const tier = await tx.subscriptionTier.create({
      data: { communityId, name: "Gold", price: "9.99", interval: "monthly" },
      select: { id: true },
    });
    const subscription = await tx.subscription.create({
      data: {
        communityId,
        memberId: member.id,
        stripeSubscriptionId: `sub_${snowflake()}`,
        stripeCustomerId: "cus_test",
        tierName: "Gold",
        status: "active",
        currentPeriodStart: new Date(),
        currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
      },
      select: { id: true },
    });
    const payment = await tx.payment.create({
      data: { communityId, memberId: member.id, subscriptionId: subscription.id, amount: "9.99", currency: "USD", status: "succeeded" },
      select: { id: true },
    });
    const botConfig = await tx.discordBotConfig.create({
      data: { communityId, botTokenEncrypted: "v1:test", clientId: snowflake(), permissions: 268435456n },
      select: { id: true },
    });
    const event = await tx.analyticsEvent.create({
      data: { communityId, eventType: "page", eventName: "community_page_viewed", userId },
      select: { id: true },
    });
    const stripeEvent = await tx.stripeEvent.create({
      data: { id: `evt_${snowflake()}`, communityId, type: "invoice.paid", stripeCreatedAt: new Date(), receivedAt: new Date(), outcome: "processed" },
      select: { id: true },
    });
    const alert = await tx.communityAlert.create({
      data: { communityId, kind: "dispute_opened", title: "A dispute", dedupeKey: `dispute:${snowflake()}` },
      select: { id: true },
    });
    const roleSync = await tx.discordRoleSync.create({
      data: { communityId, memberId: member.id, reason: "fixture", outcome: "synced" },
      select: { id: true },
    });
    const drift = await tx.discordRoleDrift.create({ data: { communityId, memberId: member.id, missingRoles: ["1"] }, select: { id: true } });
    const monthlyStat = await tx.communityMonthlyStat.create({
      data: { communityId, month: new Date("2026-01-01"), membersTotal: 1, payingTotal: 1 },
      select: { id: true },
    });
    const audit = await tx.auditLog.create({
      data: { communityId, actorUserId: userId, action: "fixture.created", objectType: "community" },
      select: { id: true },
    });
    const notice = await tx.memberNotice.create({
      data: { communityId, memberId: member.id, kind: "receipt", channel: "email", dedupeKey: `receipt:${payment.id}` },
      select: { id: true },
    });
    const comp = await tx.accessGrant.create({ data: { communityId, memberId: member.id, tierId: tier.id, note: "fixture" }, select: { id: true } });
    const promo = await tx.promotionCode.create({
      data: {
        communityId,
        code: `FIX${snowflake().slice(-8)}`,
        stripeCouponId: "coupon_fixture",
        stripePromotionCodeId: `promo_${snowflake()}`,
        percentOff: "10.00",
        duration: "once",
      },
      select: { id: true },
    });
    const staff = await tx.communityStaff.create({ data: { communityId, discordUserId: snowflake(), role: "viewer" }, select: { id: true } });
    const apiKey = await tx.apiKey.create({
      data: { communityId, name: "fixture", hint: "abcd", secretHash: randomBytes(32).toString("hex"), scope: "read" },
      select: { id: true },
    });
    const endpoint = await tx.webhookEndpoint.create({
      data: { communityId, url: "https://example.com/hook", secretEncrypted: "v1.fixture", active: false },
      select: { id: true },
    });
    const delivery = await tx.webhookDelivery.create({
      data: { communityId, endpointId: endpoint.id, eventId: randomUUID(), eventType: "ping", payload: {} },
      select: { id: true },
    });
    const memberImport = await tx.memberImport.create({
      data: { communityId, source: "csv", tierId: tier.id, email: "fixture@example.com", claimCode: randomBytes(18).toString("base64url") },
      select: { id: true },
    });
    const stripeImport = await tx.stripeImport.create({ data: { communityId, mapping: {}, status: "done" }, select: { id: true } });
    const analyticsMonth = await tx.communityAnalyticsMonth.create({
      data: { communityId, month: new Date("2026-01-01"), currency: "USD", payload: {} },
      select: { id: true },
    });
    const server = await tx.communityServer.create({ data: { communityId, guildId: snowflake(), name: "Fixture server" }, select: { id: true } });
    const payout = await tx.affiliatePayout.create({
      data: { communityId, referrerMemberId: member.id, amount: "1.00", currency: "USD", note: "Fixture payout" },
      select: { id: true },
    });
    const gift = await tx.gift.create({
      data: { communityId, tierId: tier.id, months: 3, buyerMemberId: member.id, paymentId: payment.id, stripeCheckoutSessionId: `cs_${snowflake()}` },
      select: { id: true },
    });
    return {
      giftId: gift.id,
      affiliatePayoutId: payout.id,
      serverId: server.id,
      analyticsMonthId: analyticsMonth.id,
      staffId: staff.id,
      apiKeyId: apiKey.id,
      webhookEndpointId: endpoint.id,
      webhookDeliveryId: delivery.id,
      memberImportId: memberImport.id,
      stripeImportId: stripeImport.id,
      promotionCodeId: promo.id,
      accessGrantId: comp.id,
      noticeId: notice.id,
      auditId: audit.id,
      monthlyStatId: monthlyStat.id,
      roleSyncId: roleSync.id,
      driftId: drift.id,
      stripeEventId: stripeEvent.id,
      alertId: alert.id,
      communityId,
      memberId: member.id,
      tierId: tier.id,
      subscriptionId: subscription.id,
      paymentId: payment.id,
      botConfigId: botConfig.id,
      eventId: event.id,
    };
  });
}

export async function createTenant(name: string) {
  const owner = await createUser(`${name}_owner`);
  const community = await createCommunity(owner.id);
  const rows = await createTenantRows(community.id, owner.id, owner.discordId);
  return { owner, community, rows };
}
