// Revenue recovery end to end against the fakes (Stripe, Discord, a real SMTP
// catcher): a declined renewal sends the member an e-mail and a Discord
// message with the invoice's pay link, again on the community's schedule and
// never twice for one reminder; the member keeps their roles through the
// grace period, holds only the lapsed role in the restricted stage, and loses
// both when it ends (on a compressed clock); paying from the link recovers the
// revenue and stops the reminders. Receipts, welcomes, win-back and
// unsubscribe follow the owner's settings and the member's choice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../e2e/fakes/discord/server";
import { FAKE_APPLICATIONS } from "../e2e/fakes/discord/data";
import { overview } from "../lib/analytics/metrics";
import { sendPaymentReminder } from "../lib/billing/dunning";
import { advanceLapses } from "../lib/billing/lapse-sweep";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { syncMemberRoles } from "../lib/discord/role-sync";
import { sendPauseEndingNotice, sendReceipt, sendWelcomeMail, sendWinbacks } from "../lib/members/member-mail";
import { formatDay } from "../lib/billing/dunning";
import { unsubscribeMember } from "../lib/members/unsubscribe";
import { portalUrl, unsubscribeUrl } from "../lib/mail/links";
import { setCancelAtPeriodEnd } from "../lib/billing/portal";
import { acceptSaveOffer, SAVE_OFFER_ERRORS } from "../lib/billing/save-offer";
import { pauseForOwner, pauseMembership, resumeForOwner, resumeMembership } from "../lib/billing/pause";
import { OWNER_PAUSE_ERRORS, PAUSE_ERRORS, pausable } from "../lib/billing/pause-rules";
import { memberDetail } from "../lib/members/query";
import { seatsTaken } from "../lib/billing/seats";
import type { CaughtMail } from "../e2e/fakes/mail/server";
import { asOwner, queuedJobs, snowflake } from "./support/fixtures";
import { paidCommunity, payCheckout, startStripeHarness, type PaidCommunity, type StripeHarness } from "./support/stripe-webhooks";

const DAY = 86_400_000;
const TIER_ROLE = "123456789012345678"; // the role paidCommunity's tier grants
let h: StripeHarness;
let discord: FakeDiscord;

beforeAll(async () => {
  h = await startStripeHarness();
  discord = await startFakeDiscord();
  process.env.DISCORD_FAKE_URL = discord.url;
});
afterAll(async () => {
  await h.close();
  await discord.close();
  await db.$disconnect();
});

async function control<T = Record<string, unknown>>(path: string, body?: object): Promise<T> {
  const response = await fetch(`${discord.url}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined });
  return response.json() as Promise<T>;
}
type GuildState = {
  members: Record<string, string[]>;
  messages: { channelId: string; content: string }[];
  threads: Record<string, { parentId: string; members: string[] }>;
};

async function inbox(to: string): Promise<CaughtMail[]> {
  const response = await fetch(`${process.env.MAIL_INBOX_URL}/messages?to=${encodeURIComponent(to)}`);
  return (await response.json()) as CaughtMail[];
}

async function deliverPending() {
  for (const d of await h.take()) await h.deliver(d);
}

type Setup = {
  paid: PaidCommunity;
  guildId: string;
  lapsedRole: string;
  payChannel: string;
  memberId: string;
  subscriptionId: string;
  localSubscriptionId: string;
  discordId: string;
  email: string | null;
};

/** A paying member of a community with a bot, a lapsed role and a pay channel, in the server with their tier role. */
async function payingMember(options: { settings?: Record<string, unknown>; email?: boolean } = {}): Promise<Setup> {
  const paid = await paidCommunity(h);
  const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { discordGuildId: true } });
  // Ids of their own: one made from the server's id by changing its last digits was, one run in a hundred, the server's id itself (its @everyone).
  const [lapsedRole, payChannel] = [snowflake(), snowflake()];
  await control("guilds", {
    id: guildId,
    roles: [
      { id: TIER_ROLE, name: "Gold" },
      { id: lapsedRole, name: "Lapsed" },
    ],
    channels: [{ id: payChannel, name: "pay-here" }],
  });
  await asOwner((c) =>
    c.query("UPDATE communities SET settings = settings || $2::jsonb WHERE id = $1", [
      paid.community.id,
      JSON.stringify({ gracePeriodDays: 3, restrictedDays: 7, dunningIntervalHours: 48, ...options.settings }),
    ]),
  );
  await paid.inScope((tx) =>
    tx.discordBotConfig.create({
      data: {
        communityId: paid.community.id,
        usesPlatformBot: true,
        clientId: FAKE_APPLICATIONS[0]!.id,
        permissions: 0n,
        lapsedRoleId: lapsedRole,
        payChannelId: payChannel,
      },
    }),
  );
  const { actor, subscriptionId } = await payCheckout(h, paid, "recovering");
  const email = options.email === false ? null : `member-${actor.discordId}@example.com`;
  if (email) await db.user.update({ where: { id: actor.id }, data: { email } });
  await control(`guilds/${guildId}/members/${actor.discordId}`, { join: true });
  await deliverPending();
  const sub = await paid.inScope((tx) =>
    tx.subscription.findFirstOrThrow({ where: { stripeSubscriptionId: subscriptionId }, select: { id: true, memberId: true } }),
  );
  await syncMemberRoles(paid.community.id, sub.memberId, { reason: "test" });
  return { paid, guildId, lapsedRole, payChannel, memberId: sub.memberId, subscriptionId, localSubscriptionId: sub.id, discordId: actor.discordId, email };
}

async function rolesOf(s: Setup) {
  return (await control<GuildState>(`guilds/${s.guildId}`)).members[s.discordId] ?? [];
}

async function failRenewal(s: Setup) {
  h.fake.simulate.renewal(s.subscriptionId, "failed");
  await deliverPending();
}

const status = (s: Setup) =>
  s.paid.inScope((tx) =>
    tx.communityMember.findUniqueOrThrow({ where: rowKey(s.memberId), select: { subscriptionStatus: true, subscriptionExpiresAt: true } }),
  );

describe("a declined renewal", () => {
  it("reminds the member by e-mail and Discord with the invoice's pay link, once per reminder, on the owner's schedule", async () => {
    const s = await payingMember();
    await failRenewal(s);
    const jobs = await queuedJobs<{ attempt: number }>(s.paid.community.id);
    expect(jobs.filter((j) => j.kind === "billing:dunning").map((j) => j.payload.attempt)).toEqual([1]);

    const now = new Date();
    const first = await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 1, now);
    expect(first.sent).toEqual(["email", "discord"]);
    expect(first.next!.getTime() - now.getTime()).toBe(48 * 3_600_000);

    const [mail] = await inbox(s.email!);
    expect(mail!.subject).toMatch(/payment .* failed/i);
    const payUrl = /Pay now: (\S+)/.exec(mail!.text)![1]!;
    const invoice = [...h.fake.objects.values()].find(
      (o) =>
        o.object === "invoice" &&
        o.status === "open" &&
        (o.parent as { subscription_details: { subscription: string } }).subscription_details.subscription === s.subscriptionId,
    )!;
    expect(payUrl).toBe(invoice.hosted_invoice_url);
    expect(mail!.html).toContain(payUrl);
    const dm = (await control<GuildState>(`guilds/${s.guildId}`)).messages.filter((m) => m.content.includes(payUrl));
    expect(dm).toHaveLength(1);

    // The job retried (or run twice) sends nothing more; the next reminder is a new one.
    const again = await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 1, now);
    expect(again.sent).toEqual([]);
    expect(await inbox(s.email!)).toHaveLength(1);
    const second = await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 2, first.next!);
    expect(second.sent).toEqual(["email", "discord"]);
    expect(await inbox(s.email!)).toHaveLength(2);
    const notices = await s.paid.inScope((tx) =>
      tx.memberNotice.findMany({ where: { memberId: s.memberId, kind: "dunning" }, select: { channel: true, status: true } }),
    );
    expect(notices).toHaveLength(4);
    expect(notices.every((n) => n.status === "sent")).toBe(true);

    // The reminders end with the restricted stage: none is scheduled past it.
    const late = await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 6, new Date(now.getTime() + 9 * DAY));
    expect(late.sent).toEqual(["email", "discord"]);
    expect(late.next).toBeNull();
    expect((await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 7, new Date(now.getTime() + 11 * DAY))).stopped).toBe("access removed");
  });

  it("goes grace -> restricted -> removed on a compressed clock: roles follow each stage, the audit trail records it", async () => {
    const s = await payingMember();
    expect(await rolesOf(s)).toEqual([TIER_ROLE]);
    const start = new Date();
    await failRenewal(s);
    expect((await status(s)).subscriptionStatus).toBe("past_due");
    await syncMemberRoles(s.paid.community.id, s.memberId, { reason: "test", now: start });
    expect(await rolesOf(s)).toEqual([TIER_ROLE]);

    const day4 = new Date(start.getTime() + 4 * DAY);
    expect(await advanceLapses(s.paid.community.id, day4)).toEqual([{ memberId: s.memberId, status: "restricted" }]);
    await syncMemberRoles(s.paid.community.id, s.memberId, { reason: "test", now: day4 });
    expect(await rolesOf(s)).toEqual([s.lapsedRole]);

    // Nothing moves before its time.
    expect(await advanceLapses(s.paid.community.id, new Date(start.getTime() + 9 * DAY))).toEqual([]);
    const day11 = new Date(start.getTime() + 11 * DAY);
    expect(await advanceLapses(s.paid.community.id, day11)).toEqual([{ memberId: s.memberId, status: "unpaid" }]);
    await syncMemberRoles(s.paid.community.id, s.memberId, { reason: "test", now: day11 });
    expect(await rolesOf(s)).toEqual([]);

    const audit = await s.paid.inScope((tx) =>
      tx.auditLog.findMany({ where: { objectId: s.memberId, action: { startsWith: "membership." } }, orderBy: { createdAt: "asc" }, select: { action: true } }),
    );
    expect(audit.map((a) => a.action)).toEqual(["membership.grace_started", "membership.restricted", "membership.removed_for_nonpayment"]);
  });

  it("without a restricted stage (0 days), access ends with the grace period", async () => {
    const s = await payingMember({ settings: { restrictedDays: 0 } });
    const start = new Date();
    await failRenewal(s);
    expect(await advanceLapses(s.paid.community.id, new Date(start.getTime() + 4 * DAY))).toEqual([{ memberId: s.memberId, status: "unpaid" }]);
    await syncMemberRoles(s.paid.community.id, s.memberId, { reason: "test", now: new Date(start.getTime() + 4 * DAY) });
    expect(await rolesOf(s)).toEqual([]);
  });

  it("paying from the link recovers the revenue, restores the roles, stops the reminders and shows on the overview", async () => {
    const s = await payingMember();
    await failRenewal(s);
    const now = new Date();
    await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 1, now);
    const before = await overview(s.paid.community.id, s.paid.inScope);
    expect(before.recovery.inRecoveryCount).toBe(1);
    expect(before.recovery.inRecovery).toEqual([{ currency: "USD", amount: "10.00" }]);
    expect(before.recovery.rate).toBe(0);

    const payUrl = /Pay now: (\S+)/.exec((await inbox(s.email!))[0]!.text)![1]!;
    const paid = await fetch(payUrl, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    await deliverPending();

    expect((await status(s)).subscriptionStatus).toBe("active");
    const payment = await s.paid.inScope((tx) =>
      tx.payment.findFirstOrThrow({ where: { failedAt: { not: null } }, select: { status: true, recoveredAt: true } }),
    );
    expect(payment.status).toBe("succeeded");
    expect(payment.recoveredAt).not.toBeNull();
    expect((await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 2, new Date(now.getTime() + 2 * DAY))).stopped).toBe("nothing to pay");

    const after = await overview(s.paid.community.id, s.paid.inScope);
    expect(after.recovery).toEqual({
      inRecovery: [],
      inRecoveryCount: 0,
      recoveredLast30Days: [{ currency: "USD", amount: "10.00" }],
      failed90: 1,
      recovered90: 1,
      rate: 1,
    });
    const audit = await s.paid.inScope((tx) => tx.auditLog.findMany({ where: { objectId: s.memberId, action: "membership.recovered" }, select: { id: true } }));
    expect(audit).toHaveLength(1);
  });

  it("reaches a member whose DMs are closed in a private thread of the pay channel", async () => {
    const s = await payingMember();
    await control(`users/${s.discordId}`, { dmsOpen: false });
    await failRenewal(s);
    const outcome = await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 1);
    expect(outcome.sent).toEqual(["email", "discord"]);
    const guild = await control<GuildState>(`guilds/${s.guildId}`);
    const [threadId, thread] = Object.entries(guild.threads)[0]!;
    expect(thread.parentId).toBe(s.payChannel);
    expect(thread.members).toContain(s.discordId);
    expect(guild.messages.filter((m) => m.channelId === threadId)).toHaveLength(1);
    // The next reminder goes to the same thread, not a new one.
    expect((await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 2)).sent).toEqual(["email", "discord"]);
    const after = await control<GuildState>(`guilds/${s.guildId}`);
    expect(Object.keys(after.threads)).toEqual([threadId]);
    expect(after.messages.filter((m) => m.channelId === threadId)).toHaveLength(2);
  });

  it("a member without an e-mail on Discord gets the Discord reminder only", async () => {
    const s = await payingMember({ email: false });
    await failRenewal(s);
    const outcome = await sendPaymentReminder(s.paid.community.id, s.localSubscriptionId, 1);
    expect(outcome.sent).toEqual(["discord"]);
    // No claim is left behind for the e-mail that could not go.
    const claims = await s.paid.inScope((tx) => tx.memberNotice.findMany({ where: { memberId: s.memberId }, select: { channel: true } }));
    expect(claims.map((c) => c.channel)).toEqual(["discord"]);
  });
});

describe("receipts, welcome and win-back", () => {
  it("e-mails a receipt once per payment, unless the owner lets Stripe send receipts", async () => {
    const s = await payingMember();
    const payment = await s.paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { status: "succeeded" }, select: { id: true } }));
    expect(await sendReceipt(s.paid.community.id, payment.id)).toBe("sent");
    expect(await sendReceipt(s.paid.community.id, payment.id)).toBe("already_sent");
    const receipts = (await inbox(s.email!)).filter((m) => m.subject.startsWith("Receipt from"));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.text).toContain("Amount paid: $10.00");

    const stripeSends = await payingMember({ settings: { receipts: "stripe" } });
    const other = await stripeSends.paid.inScope((tx) => tx.payment.findFirstOrThrow({ where: { status: "succeeded" }, select: { id: true } }));
    expect(await sendReceipt(stripeSends.paid.community.id, other.id)).toBe("skipped");
    expect(await inbox(stripeSends.email!)).toEqual([]);
  });

  it("welcomes a new member with Open Discord and the portal link", async () => {
    const s = await payingMember();
    expect(await sendWelcomeMail(s.paid.community.id, s.memberId)).toBe("sent");
    const [welcome] = await inbox(s.email!);
    expect(welcome!.subject).toMatch(/^Welcome to/);
    expect(welcome!.text).toContain(`Open Discord: https://discord.com/channels/${s.guildId}`);
    expect(welcome!.text).toMatch(/Your memberships: http\S+\/portal/);
  });

  it("sends one win-back e-mail after the owner's delay, with one-click unsubscribe, and none after unsubscribing", async () => {
    const s = await payingMember({ settings: { winbackDays: 5 } });
    await h.client.subscriptions.cancel(s.subscriptionId, {}, { stripeAccount: s.paid.account });
    await deliverPending();
    expect(await sendWinbacks(s.paid.community.id)).toBe(0); // not yet
    const later = new Date(Date.now() + 6 * DAY);
    expect(await sendWinbacks(s.paid.community.id, later)).toBe(1);
    expect(await sendWinbacks(s.paid.community.id, later)).toBe(0);
    const [winback] = (await inbox(s.email!)).filter((m) => m.subject.endsWith("misses you"));
    expect(winback!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(winback!.headers["list-unsubscribe"]).toContain(unsubscribeUrl(s.paid.community.id, s.memberId));

    const second = await payingMember({ settings: { winbackDays: 5 } });
    const link = new URL(unsubscribeUrl(second.paid.community.id, second.memberId));
    const params = { c: link.searchParams.get("c")!, m: link.searchParams.get("m")!, s: link.searchParams.get("s")! };
    // A forged signature, or another member's, changes nothing.
    expect(await unsubscribeMember({ ...params, s: "x".repeat(43) })).toBe(false);
    expect(await unsubscribeMember({ ...params, m: s.memberId })).toBe(false);
    expect(await unsubscribeMember(params)).toBe(true);
    await h.client.subscriptions.cancel(second.subscriptionId, {}, { stripeAccount: second.paid.account });
    await deliverPending();
    expect(await sendWinbacks(second.paid.community.id, later)).toBe(0);
    expect((await inbox(second.email!)).filter((m) => m.subject.endsWith("misses you"))).toEqual([]);
  });

  it("sends no win-back when the owner left it off (the default)", async () => {
    const s = await payingMember({ settings: { winbackDays: 0 } });
    await h.client.subscriptions.cancel(s.subscriptionId, {}, { stripeAccount: s.paid.account });
    await deliverPending();
    expect(await sendWinbacks(s.paid.community.id, new Date(Date.now() + 30 * DAY))).toBe(0);
  });
});

describe("the save offer", () => {
  it("a member about to cancel takes the community's discount instead, once", async () => {
    const s = await payingMember({ settings: { saveOfferPercent: 20, saveOfferMonths: 3 } });
    const userId = (await s.paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(s.memberId), select: { userId: true } }))).userId;
    await setCancelAtPeriodEnd(userId, s.localSubscriptionId, true, h.client, { reason: "too_expensive" });
    expect(await acceptSaveOffer(userId, s.localSubscriptionId, h.client)).toEqual({ percent: 20, months: 3 });

    // At Stripe: a coupon of the connected account, on the subscription, and the cancellation withdrawn.
    const subscription = h.fake.objects.get(s.subscriptionId)!;
    expect(subscription.cancel_at_period_end).toBe(false);
    const coupon = (subscription.discount as { coupon: Record<string, unknown> }).coupon;
    expect(coupon).toMatchObject({ percent_off: 20, duration: "repeating", duration_in_months: 3, max_redemptions: 1, times_redeemed: 1 });
    await deliverPending();
    const row = await s.paid.inScope((tx) => tx.subscription.findUniqueOrThrow({ where: rowKey(s.localSubscriptionId), select: { cancelAtPeriodEnd: true } }));
    expect(row.cancelAtPeriodEnd).toBe(false);
    const audit = await s.paid.inScope((tx) => tx.auditLog.count({ where: { action: "membership.save_offer_accepted", actorUserId: userId } }));
    expect(audit).toBe(1);

    // Once per member: a second try is refused and creates no coupon.
    const coupons = [...h.fake.objects.values()].filter((o) => o.object === "coupon").length;
    await expect(acceptSaveOffer(userId, s.localSubscriptionId, h.client)).rejects.toThrow(SAVE_OFFER_ERRORS.used);
    expect([...h.fake.objects.values()].filter((o) => o.object === "coupon")).toHaveLength(coupons);
  });

  it("is refused where the community makes no offer, and nobody else's subscription can take it", async () => {
    const s = await payingMember();
    const userId = (await s.paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(s.memberId), select: { userId: true } }))).userId;
    await expect(acceptSaveOffer(userId, s.localSubscriptionId, h.client)).rejects.toThrow(SAVE_OFFER_ERRORS.none);
    const other = await payingMember({ settings: { saveOfferPercent: 50 } });
    await expect(acceptSaveOffer(userId, other.localSubscriptionId, h.client)).rejects.toThrow("We couldn't find that membership.");
  });
});

describe("pausing instead of cancelling", () => {
  const userOf = async (s: Setup) =>
    (await s.paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(s.memberId), select: { userId: true } }))).userId;
  const subscriptionRow = (s: Setup) =>
    s.paid.inScope((tx) =>
      tx.subscription.findUniqueOrThrow({ where: rowKey(s.localSubscriptionId), select: { status: true, collectionPaused: true, resumesAt: true } }),
    );
  const payments = (s: Setup) => s.paid.inScope((tx) => tx.payment.count({ where: { memberId: s.memberId } }));

  it("a member pauses for what the community allows: nothing charged, no paid roles, the seat kept; all back when Stripe resumes", async () => {
    const s = await payingMember({ settings: { pauseMonths: 2 } });
    const userId = await userOf(s);
    expect(await rolesOf(s)).toEqual([TIER_ROLE]);
    await expect(pauseMembership(userId, s.localSubscriptionId, 3, h.client)).rejects.toThrow(PAUSE_ERRORS.tooLong);

    const now = new Date();
    const { resumesAt } = await pauseMembership(userId, s.localSubscriptionId, 2, h.client, now);
    const resumesAtSeconds = Math.floor(new Date(resumesAt).getTime() / 1000);
    expect(new Date(resumesAt).getUTCMonth()).toBe((now.getUTCMonth() + 2) % 12);
    // At Stripe: collection paused, invoices voided, the subscription still "active".
    expect(h.fake.objects.get(s.subscriptionId)).toMatchObject({ status: "active", pause_collection: { behavior: "void", resumes_at: resumesAtSeconds } });
    await deliverPending();
    expect(await subscriptionRow(s)).toEqual({ status: "paused", collectionPaused: true, resumesAt: new Date(resumesAtSeconds * 1000) });
    expect(await status(s)).toMatchObject({ subscriptionStatus: "paused", subscriptionExpiresAt: new Date(resumesAtSeconds * 1000) });
    await syncMemberRoles(s.paid.community.id, s.memberId, { reason: "test" });
    expect(await rolesOf(s)).toEqual([]);
    expect(await s.paid.inScope((tx) => seatsTaken(tx, "Gold"))).toBe(1);
    // Not revenue while paused, not paying, not churned: on a break.
    expect(await overview(s.paid.community.id, s.paid.inScope)).toMatchObject({ mrr: [], payingMembers: 0, pausedMembers: 1, churnedThisMonth: 0 });
    // Paused once is enough.
    await expect(pauseMembership(userId, s.localSubscriptionId, 1, h.client)).rejects.toThrow(PAUSE_ERRORS.notActive);

    // Three days before it ends, the member hears that access and billing resume; once.
    const [notice] = await asOwner(
      async (c) =>
        (
          await c.query<{ run_at: Date; payload: unknown }>(
            "SELECT j.run_at, j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'mail:pause_ending' AND j.payload->>'communityId' = $1",
            [s.paid.community.id],
          )
        ).rows,
    );
    expect(notice).toEqual({
      run_at: new Date(resumesAtSeconds * 1000 - 3 * DAY),
      payload: { communityId: s.paid.community.id, subscriptionId: s.localSubscriptionId },
    });
    expect(await sendPauseEndingNotice(s.paid.community.id, s.localSubscriptionId)).toEqual({ email: "sent", discord: "sent" });
    expect(await sendPauseEndingNotice(s.paid.community.id, s.localSubscriptionId)).toEqual({ email: "already_sent", discord: "already_sent" });
    const [mail] = (await inbox(s.email!)).filter((m) => /resumes on/.test(m.subject));
    expect(mail!.subject).toBe(`Your ${s.paid.community.name} membership resumes on ${formatDay(new Date(resumesAtSeconds * 1000))}`);
    expect(mail!.text).toContain("your roles come back, and billing continues on your usual billing date");
    // And on Discord, where a member without an e-mail hears it too.
    const dms = (await control<GuildState>(`guilds/${s.guildId}`)).messages.filter(
      (m) => m.content.includes("membership of") && m.content.includes("resumes on"),
    );
    expect(dms.map((m) => m.content)).toEqual([
      `<@${s.discordId}> your Gold membership of ${s.paid.community.name} resumes on ${formatDay(new Date(resumesAtSeconds * 1000))}: your roles come back, and billing continues on your usual billing date. To cancel instead, or to resume sooner: ${portalUrl()}`,
    ]);

    // A billing date inside the pause: Stripe voids the invoice; nothing is paid or granted.
    const before = await payments(s);
    expect(h.fake.simulate.renewal(s.subscriptionId, "paid")).toMatchObject({ status: "void", amount_paid: 0 });
    await deliverPending();
    expect(await payments(s)).toBe(before);
    expect((await status(s)).subscriptionStatus).toBe("paused");

    // Stripe resumes by itself once resumes_at has passed (moved to the past here instead of waiting two months).
    (h.fake.objects.get(s.subscriptionId)!.pause_collection as { resumes_at: number }).resumes_at = Math.floor(Date.now() / 1000) - 1;
    await expect.poll(() => h.fake.objects.get(s.subscriptionId)!.pause_collection, { timeout: 5000 }).toBeNull();
    await deliverPending();
    expect(await subscriptionRow(s)).toEqual({ status: "active", collectionPaused: false, resumesAt: null });
    expect((await status(s)).subscriptionStatus).toBe("active");
    await syncMemberRoles(s.paid.community.id, s.memberId, { reason: "test" });
    expect(await rolesOf(s)).toEqual([TIER_ROLE]);
    // Over: a notice still queued for it sends nothing.
    expect(await sendPauseEndingNotice(s.paid.community.id, s.localSubscriptionId)).toBeNull();
    const audit = await s.paid.inScope((tx) => tx.auditLog.findMany({ where: { actorUserId: userId }, select: { action: true, details: true } }));
    expect(audit).toEqual([{ action: "membership.paused", details: { months: 2, resumesAt } }]);
  });

  it("is refused where not offered, for a membership set to end, for a yearly one; a member may resume early", async () => {
    const off = await payingMember();
    await expect(pauseMembership(await userOf(off), off.localSubscriptionId, 1, h.client)).rejects.toThrow(PAUSE_ERRORS.notOffered);
    expect(h.fake.objects.get(off.subscriptionId)!.pause_collection).toBeNull();

    const s = await payingMember({ settings: { pauseMonths: 1 } });
    const userId = await userOf(s);
    await setCancelAtPeriodEnd(userId, s.localSubscriptionId, true, h.client);
    await deliverPending();
    await expect(pauseMembership(userId, s.localSubscriptionId, 1, h.client)).rejects.toThrow(PAUSE_ERRORS.ending);
    await setCancelAtPeriodEnd(userId, s.localSubscriptionId, false, h.client);
    await deliverPending();
    await expect(resumeMembership(userId, s.localSubscriptionId, h.client)).rejects.toThrow(PAUSE_ERRORS.notPaused);
    // Nobody else's membership.
    await expect(pauseMembership(await userOf(off), s.localSubscriptionId, 1, h.client)).rejects.toThrow("We couldn't find that membership.");
    expect(pausable({ status: "active", cancelAtPeriodEnd: false, interval: "yearly" })).toBe("monthlyOnly");

    await pauseMembership(userId, s.localSubscriptionId, 1, h.client);
    await deliverPending();
    expect((await status(s)).subscriptionStatus).toBe("paused");
    await resumeMembership(userId, s.localSubscriptionId, h.client);
    expect(h.fake.objects.get(s.subscriptionId)!.pause_collection).toBeNull();
    await deliverPending();
    expect(await subscriptionRow(s)).toEqual({ status: "active", collectionPaused: false, resumesAt: null });
    expect((await status(s)).subscriptionStatus).toBe("active");
    const actions = await s.paid.inScope((tx) =>
      tx.auditLog.findMany({ where: { actorUserId: userId, action: { startsWith: "membership." } }, select: { action: true } }),
    );
    expect(actions.map((a) => a.action).sort()).toEqual(["membership.paused", "membership.resumed"]);
  });

  it("an owner pauses a member's billing from the drawer (offered to members or not), and resumes it; not another community's, not a yearly or ending one", async () => {
    const s = await payingMember();
    const { paid } = s;
    const canPause = async () => (await paid.inScope((tx) => memberDetail(tx, s.memberId)))!.subscriptions.map((x) => x.pausable);
    expect(await canPause()).toEqual([true]);

    // Another community's owner cannot reach it: not found in their scope, nothing asked of Stripe.
    const other = await payingMember();
    await expect(pauseForOwner(other.paid.community, s.localSubscriptionId, 1, other.paid.inScope, h.client)).rejects.toThrow(OWNER_PAUSE_ERRORS.notFound);
    expect(h.fake.objects.get(s.subscriptionId)!.pause_collection).toBeNull();

    const now = new Date();
    const paused = await pauseForOwner(paid.community, s.localSubscriptionId, 3, paid.inScope, h.client, now);
    expect(paused).toMatchObject({ tierName: "Gold", months: 3 });
    expect(new Date(paused.resumesAt).getUTCMonth()).toBe((now.getUTCMonth() + 3) % 12);
    expect(h.fake.objects.get(s.subscriptionId)).toMatchObject({
      status: "active",
      pause_collection: { behavior: "void", resumes_at: Math.floor(new Date(paused.resumesAt).getTime() / 1000) },
    });
    await deliverPending();
    expect((await status(s)).subscriptionStatus).toBe("paused");
    await syncMemberRoles(paid.community.id, s.memberId, { reason: "test" });
    expect(await rolesOf(s)).toEqual([]);
    expect(await canPause()).toEqual([false]);
    await expect(pauseForOwner(paid.community, s.localSubscriptionId, 1, paid.inScope, h.client)).rejects.toThrow(OWNER_PAUSE_ERRORS.notActive);
    await expect(resumeForOwner(other.paid.community, s.localSubscriptionId, other.paid.inScope, h.client)).rejects.toThrow(OWNER_PAUSE_ERRORS.notFound);

    expect(await resumeForOwner(paid.community, s.localSubscriptionId, paid.inScope, h.client)).toEqual({ tierName: "Gold" });
    expect(h.fake.objects.get(s.subscriptionId)!.pause_collection).toBeNull();
    await deliverPending();
    expect((await status(s)).subscriptionStatus).toBe("active");
    await syncMemberRoles(paid.community.id, s.memberId, { reason: "test" });
    expect(await rolesOf(s)).toEqual([TIER_ROLE]);
    await expect(resumeForOwner(paid.community, s.localSubscriptionId, paid.inScope, h.client)).rejects.toThrow(OWNER_PAUSE_ERRORS.notPaused);

    // Set to end: the owner is told, and the drawer offers nothing.
    await setCancelAtPeriodEnd(await userOf(s), s.localSubscriptionId, true, h.client);
    await deliverPending();
    expect(await canPause()).toEqual([false]);
    await expect(pauseForOwner(paid.community, s.localSubscriptionId, 1, paid.inScope, h.client)).rejects.toThrow(OWNER_PAUSE_ERRORS.ending);
    // A yearly membership would lose paid months.
    await paid.inScope((tx) => tx.subscriptionTier.update({ where: rowKey(paid.tierId), data: { interval: "yearly" }, select: { id: true } }));
    await expect(pauseForOwner(paid.community, s.localSubscriptionId, 1, paid.inScope, h.client)).rejects.toThrow(OWNER_PAUSE_ERRORS.monthlyOnly);
  });

  it("Stripe's refusals: a resume date in the past, an unknown behavior", async () => {
    const s = await payingMember({ settings: { pauseMonths: 1 } });
    const update = (pause: { behavior: "void"; resumes_at: number }) =>
      h.client.subscriptions.update(s.subscriptionId, { pause_collection: pause }, { stripeAccount: s.paid.account });
    await expect(update({ behavior: "void", resumes_at: Math.floor(Date.now() / 1000) - 60 })).rejects.toThrow(/in the future/);
    await expect(update({ behavior: "sleep" as "void", resumes_at: Math.floor(Date.now() / 1000) + 60 })).rejects.toThrow(/pause_collection\[behavior\]/);
    expect(h.fake.objects.get(s.subscriptionId)!.pause_collection).toBeNull();
  });
});

describe("member_notices is tenant data", () => {
  it("another community can neither read nor write a member's notices", async () => {
    const a = await payingMember();
    const b = await payingMember();
    await failRenewal(a);
    await sendPaymentReminder(a.paid.community.id, a.localSubscriptionId, 1);
    expect(await withCommunity(b.paid.community.id, (tx) => tx.memberNotice.count({ where: { memberId: a.memberId } }))).toBe(0);
    await expect(
      withCommunity(b.paid.community.id, (tx) =>
        tx.memberNotice.create({ data: { communityId: a.paid.community.id, memberId: a.memberId, kind: "dunning", channel: "email", dedupeKey: "intruder" } }),
      ),
    ).rejects.toThrow();
    const updated = await withCommunity(b.paid.community.id, (tx) =>
      tx.memberNotice.updateMany({ where: { memberId: a.memberId }, data: { status: "sending" } }),
    );
    expect(updated.count).toBe(0);
  });
});
