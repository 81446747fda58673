// Demo data: three communities with owners, tiers, members, subscriptions in
// several states, 12 months of payments and analytics events. Written as the
// application role through withCommunity, like the app itself. In the keyless
// demo the same history is put into the local fakes (prisma/seed-fakes.ts):
// the communities are connected at the fake Stripe with their tiers synced and
// their members' customers, subscriptions, invoices and charges there; the
// members are in the fake Discord servers with their roles. So every portal
// and dashboard action works on seeded data as on new data.
import { pathToFileURL } from "node:url";
import { db } from "../lib/db/client";
import type { Prisma } from "../lib/generated/prisma/client";
import { withCommunity, type TenantTx, rowKey } from "../lib/db/scopes";
import type { CheckoutAnswers, CheckoutQuestion } from "../lib/communities/checkout-questions";
import { serverEnv } from "../lib/env";
import { DEMO_BOT } from "../lib/discord/demo";
import { BOT_PERMISSIONS } from "../lib/discord/platform-bot";
import { demoPlanIds, mirrorPlatformPlans } from "../e2e/fakes/stripe/platform-plans";
import { mirrorToFakeDiscord, mirrorToFakeStripe, type SeededCommunity } from "./seed-fakes";
import { describeGiftLength } from "../lib/gifts/offer";

export const DEMO_USERS = {
  owner: { discordId: "100000000000000001", username: "alice", globalName: "Alice Owner" },
  member: { discordId: "100000000000000002", username: "bob", globalName: "Bob Member" },
  secondOwner: { discordId: "100000000000000003", username: "carol", globalName: "Carol Owner" },
} as const;

type TierSeed = { name: string; price: string; interval: "monthly" | "yearly"; features: string[]; roleId: string; maxMembers?: number };
type CommunitySeed = {
  slug: string;
  name: string;
  guildId: string;
  owner: keyof typeof DEMO_USERS;
  description: string;
  memberCount: number;
  /** The platform's bot is in the server (as the fake Discord has it); a lapsed role and pay channel for failed payments. */
  bot?: { announceChannel: string; adminChannel: string; lapsedRoleId?: string; payChannelId?: string };
  /** Owner settings beyond the defaults (lib/communities/validation.ts). */
  settings?: Record<string, unknown>;
  /** A referral program, and which seeded members (by position) came through Bob's link (Bob is the first member). */
  referrals?: { percent: number; months: number; referred: number[] };
  /** Gift memberships on, and gifts seeded members (by position) bought: one waiting with a known link, others refunded. */
  gifts?: { buyer: number; tier: string; months: number; message?: string; code?: string; refunded?: boolean }[];
  /** Questions Stripe Checkout asks paying members (optional ones: the e2e journeys pay without answering); seeded payers have answered them. */
  questions?: CheckoutQuestion[];
  tiers: TierSeed[];
  /** Subscriptions sold on the connected Stripe account before CommunityOS (the Import tab's demo). */
  legacyStripe?: { product: string; price: string; count: number };
  /** The owner's CommunityOS plan (Free unless said), held on the platform's Stripe account. */
  plan?: "pro";
};

// Roles and channels are those of the fake Discord's servers (e2e/fakes/discord/data.ts).
/** The demo's waiting gift (Bob's three months of Pro in Pixel Guild): /c/pixel-guild/gift/<this>. */
export const DEMO_GIFT_CODE = "6f1c2e7a4b6d8f0a1c3e5a7b9d0f2468";

export const DEMO_COMMUNITIES: CommunitySeed[] = [
  {
    slug: "pixel-guild",
    name: "Pixel Guild",
    guildId: "200000000000000001",
    owner: "owner",
    description: "Indie game developers shipping together: weekly playtests, devlogs and a job board.",
    memberCount: 42,
    bot: { announceChannel: "400000000000000001", adminChannel: "410000000000000001" },
    // Moved from another platform: its members still pay on Stripe, waiting to be imported.
    legacyStripe: { product: "Guild Pass (old platform)", price: "10.00", count: 120 },
    // Its owner pays for CommunityOS Pro (Analytics); Study Hall is on Free.
    plan: "pro",
    referrals: { percent: 20, months: 3, referred: [3, 8, 13] },
    gifts: [
      { buyer: 0, tier: "Pro", months: 3, message: "Happy holidays! See you at the playtests.", code: DEMO_GIFT_CODE },
      { buyer: 2, tier: "Supporter", months: 12, refunded: true },
    ],
    tiers: [
      { name: "Supporter", price: "5.00", interval: "monthly", features: ["Supporter role", "Devlog channel"], roleId: "300000000000000001" },
      {
        name: "Pro",
        price: "12.00",
        interval: "monthly",
        features: ["Everything in Supporter", "Weekly playtests", "Job board"],
        roleId: "300000000000000002",
      },
      {
        name: "Patron",
        price: "120.00",
        interval: "yearly",
        features: ["Everything in Pro", "Credits in our showcase"],
        roleId: "300000000000000003",
        maxMembers: 50,
      },
    ],
  },
  {
    slug: "study-hall",
    name: "Study Hall",
    guildId: "200000000000000002",
    owner: "owner",
    description: "Focused co-working rooms and accountability partners for students.",
    memberCount: 18,
    // A failed payment goes grace (3 days) -> restricted (7 days, only the Lapsed role) -> removed; win-back a week after.
    bot: { announceChannel: "400000000000000002", adminChannel: "410000000000000002", lapsedRoleId: "300000000000000019", payChannelId: "400000000000000002" },
    // Members may pause for a month instead of cancelling.
    settings: { restrictedDays: 7, winbackDays: 7, pauseMonths: 1 },
    tiers: [{ name: "Focus", price: "4.00", interval: "monthly", features: ["Quiet rooms", "Accountability pairing"], roleId: "300000000000000011" }],
  },
  {
    // No bot yet: Carol adds it with one click (the demo of "Add the bot to your server").
    slug: "trading-desk",
    name: "Trading Desk",
    guildId: "200000000000000003",
    owner: "secondOwner",
    description: "Market commentary, trade journals and live sessions with working traders.",
    memberCount: 27,
    questions: [
      { label: "Your TradingView username (for the indicator invites)", type: "text", choices: [], optional: true },
      { label: "Your trading experience", type: "dropdown", choices: ["Beginner", "Intermediate", "Professional"], optional: true },
    ],
    tiers: [
      { name: "Analyst", price: "19.00", interval: "monthly", features: ["Daily notes", "Trade journal reviews"], roleId: "300000000000000021" },
      { name: "Desk", price: "290.00", interval: "yearly", features: ["Everything in Analyst", "Live sessions"], roleId: "300000000000000022" },
    ],
  },
];

const DAY = 86_400_000;

type Person = { id: string; discordId: string; username: string };

/** A small deterministic PRNG so every fresh demo looks the same. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function addMonths(date: Date, months: number): Date {
  const next = new Date(date);
  next.setUTCMonth(next.getUTCMonth() + months);
  return next;
}

type Lifecycle = "active" | "trialing" | "past_due" | "canceled" | "none";
const LIFECYCLES: Lifecycle[] = ["active", "active", "active", "active", "active", "active", "trialing", "past_due", "canceled", "canceled", "none"];

/** What a seeded payer answered at checkout: their name for a text question, a choice by their position for a list (no draw from the PRNG, so the rest of the demo is unchanged). */
function demoAnswers(questions: CheckoutQuestion[], username: string, index: number, at: Date): CheckoutAnswers {
  const answers = questions.map((q) => ({
    question: q.label,
    answer: q.type === "dropdown" ? q.choices[index % q.choices.length]! : `${username.replace(/\W/g, "")}_tv`,
  }));
  return { answeredAt: at.toISOString(), answers };
}

async function upsertUser(discordId: string, username: string, globalName: string) {
  return db.user.upsert({
    where: { discordId },
    update: {},
    create: { discordId, username, globalName, email: `${username}@example.com`, locale: "en-US" },
    select: { id: true, discordId: true, username: true },
  });
}

async function seedCommunity(spec: CommunitySeed, ownerId: string, rand: () => number, now: Date): Promise<SeededCommunity> {
  const community = await db.community.create({
    data: {
      slug: spec.slug,
      name: spec.name,
      discordGuildId: spec.guildId,
      ownerId,
      description: spec.description,
      settings: {
        gracePeriodDays: 3,
        ...spec.settings,
        ...(spec.questions ? { checkoutQuestions: spec.questions } : {}),
        ...(spec.referrals ? { referrals: { percent: spec.referrals.percent, months: spec.referrals.months } } : {}),
        ...(spec.gifts ? { gifts: true } : {}),
      },
      ...(spec.plan === "pro"
        ? {
            subscriptionTier: "pro",
            planStatus: "active",
            planCustomerId: demoPlanIds(spec.slug).customer,
            planSubscriptionId: demoPlanIds(spec.slug).subscription,
            planPeriodEnd: new Date(now.getTime() + 25 * DAY),
          }
        : {}),
    },
    select: { id: true, slug: true, name: true, ownerId: true, stripeAccountId: true, subscriptionTier: true },
  });

  const people: Person[] = [];
  const bob = await upsertUser(DEMO_USERS.member.discordId, DEMO_USERS.member.username, DEMO_USERS.member.globalName);
  people.push(bob);
  for (let i = 1; i < spec.memberCount; i++) {
    const n = String(i).padStart(3, "0");
    people.push(await upsertUser(`1100000000000${n}${spec.guildId.slice(-2)}`.slice(0, 18), `${spec.slug.split("-")[0]}_fan_${n}`, `Fan ${n}`));
  }

  const rows = await withCommunity(community.id, (tx) => seedTenantRows(tx, community.id, spec, people, rand, now), { timeout: 60_000 });
  if (spec.gifts) await withCommunity(community.id, (tx) => seedGifts(tx, community.id, spec.gifts!, rows, now));
  if (spec.bot) {
    await withCommunity(community.id, (tx) =>
      tx.discordBotConfig.create({
        data: {
          communityId: community.id,
          usesPlatformBot: true,
          clientId: DEMO_BOT.applicationId,
          permissions: BOT_PERMISSIONS,
          welcomeMessage: `Welcome to ${spec.name}, {user}! Your {tier} perks are unlocked.`,
          farewellMessage: "Thanks for being a member of {community}, {user}. Come back any time.",
          paymentVerificationChannel: spec.bot!.announceChannel,
          adminChannel: spec.bot!.adminChannel,
          lapsedRoleId: spec.bot!.lapsedRoleId ?? null,
          payChannelId: spec.bot!.payChannelId ?? null,
        },
      }),
    );
  }
  return { community, guildId: spec.guildId, ...rows };
}

async function seedTenantRows(tx: TenantTx, communityId: string, spec: CommunitySeed, people: Person[], rand: () => number, now: Date) {
  const tiers = await Promise.all(
    spec.tiers.map((tier, index) =>
      tx.subscriptionTier.create({
        data: {
          communityId,
          name: tier.name,
          description: `${tier.name} membership of ${spec.name}.`,
          price: tier.price,
          currency: "USD",
          interval: tier.interval,
          features: tier.features,
          discordRoleId: tier.roleId,
          maxMembers: tier.maxMembers ?? null,
          sortOrder: index,
        },
        select: { id: true, name: true, price: true, interval: true, discordRoleId: true },
      }),
    ),
  );

  const payments: Prisma.PaymentCreateManyInput[] = [];
  const events: Prisma.AnalyticsEventCreateManyInput[] = [];
  const members: SeededCommunity["members"] = [];

  for (const [index, person] of people.entries()) {
    // Bob (index 0) is always an active Pro-ish member, so the demo member has something to see.
    const lifecycle: Lifecycle = index === 0 ? "active" : LIFECYCLES[Math.floor(rand() * LIFECYCLES.length)]!;
    const tier = tiers[index === 0 ? Math.min(1, tiers.length - 1) : Math.floor(rand() * tiers.length)]!;
    const joinedAt = new Date(now.getTime() - Math.floor(rand() * 360 + 5) * DAY);
    const months = tier.interval === "yearly" ? 12 : 1;
    // A customer per member and community, as Stripe keeps them per connected account.
    const customerId = `cus_demo_${spec.slug}_${index}`;
    const hasAccess = lifecycle === "active" || lifecycle === "trialing" || lifecycle === "past_due";
    const member = await tx.communityMember.create({
      data: {
        communityId,
        userId: person.id,
        discordUserId: person.discordId,
        nickname: rand() < 0.3 ? `${person.username}-nick` : null,
        joinedAt,
        roles: hasAccess ? [tier.discordRoleId!] : [],
        stripeCustomerId: lifecycle === "none" ? null : customerId,
        ...(spec.questions && lifecycle !== "none" ? { checkoutAnswers: demoAnswers(spec.questions, person.username, index, joinedAt) } : {}),
        ...(spec.referrals?.referred.includes(index) && members[0]
          ? {
              referredByMemberId: members[0].memberId,
              referredAt: joinedAt,
              referralPercent: spec.referrals.percent,
              referralMonths: spec.referrals.months,
            }
          : {}),
        guildStatus: "joined",
        guildStatusAt: joinedAt,
      },
      select: { id: true },
    });
    const seeded: SeededCommunity["members"][number] = {
      memberId: member.id,
      userId: person.id,
      discordUserId: person.discordId,
      name: person.username,
      roles: hasAccess ? [tier.discordRoleId!] : [],
      subscription: null,
    };
    members.push(seeded);
    events.push({
      communityId,
      eventType: "membership",
      eventName: "member_joined",
      userId: person.id,
      discordUserId: person.discordId,
      timestamp: joinedAt,
      sessionId: `demo-${index}`,
      ipAddress: `203.0.113.0`,
      userAgent: "Mozilla/5.0 (demo)",
    });
    if (lifecycle === "none") continue;

    // Walk the subscription's billing periods from joining until it ended or now.
    const trialDays = lifecycle === "trialing" ? 7 : 0;
    const start = lifecycle === "trialing" ? new Date(now.getTime() - 2 * DAY) : joinedAt;
    const canceledAt = lifecycle === "canceled" ? new Date(Math.min(now.getTime() - DAY, addMonths(start, 1 + Math.floor(rand() * 5)).getTime())) : null;
    const periodStarts: Date[] = [];
    if (lifecycle !== "trialing") {
      for (let p = new Date(start); p <= (canceledAt ?? now); p = addMonths(p, months)) periodStarts.push(p);
    }
    const periodStart = lifecycle === "trialing" ? start : periodStarts[periodStarts.length - 1]!;
    const periodEnd = lifecycle === "trialing" ? new Date(start.getTime() + trialDays * DAY) : addMonths(periodStart, months);
    const stripeSubscriptionId = `sub_demo_${spec.slug}_${index}`;
    const subscription = await tx.subscription.create({
      data: {
        communityId,
        memberId: member.id,
        stripeSubscriptionId,
        stripeCustomerId: customerId,
        tierId: tier.id,
        tierName: tier.name,
        status: lifecycle,
        currentPeriodStart: periodStart,
        currentPeriodEnd: periodEnd,
        cancelAtPeriodEnd: false,
        canceledAt,
        trialStart: trialDays ? start : null,
        trialEnd: trialDays ? periodEnd : null,
        metadata: { community_id: communityId, member_id: member.id, tier_id: tier.id },
        createdAt: start,
      },
      select: { id: true },
    });
    seeded.subscription = {
      id: stripeSubscriptionId,
      customerId,
      tierId: tier.id,
      status: lifecycle,
      created: start,
      periodStart,
      periodEnd,
      canceledAt,
      trialDays,
      invoices: [],
    };

    let spent = 0;
    for (const [p, paidAt] of periodStarts.entries()) {
      const failed = lifecycle === "past_due" && p === periodStarts.length - 1;
      const recovered = !failed && p > 0 && p === periodStarts.length - 1 && index % 5 === 0;
      const ids = {
        invoice: `in_demo_${spec.slug}_${index}_${p}`,
        paymentIntent: `pi_demo_${spec.slug}_${index}_${p}`,
        charge: `ch_demo_${spec.slug}_${index}_${p}`,
      };
      payments.push({
        communityId,
        memberId: member.id,
        subscriptionId: subscription.id,
        stripeInvoiceId: ids.invoice,
        stripePaymentIntentId: ids.paymentIntent,
        stripeChargeId: ids.charge,
        amount: tier.price,
        currency: "USD",
        status: failed ? "failed" : "succeeded",
        description: `${tier.name} (${tier.interval})`,
        processedAt: paidAt,
        createdAt: paidAt,
        metadata: { stripe_invoice_id: ids.invoice, billing_reason: p === 0 ? "subscription_create" : "subscription_cycle" },
        // Some renewals were paid only after a failed attempt and a reminder (the overview's recovery).
        ...(failed ? { failedAt: paidAt } : recovered ? { failedAt: new Date(paidAt.getTime() - 2 * 86_400_000), recoveredAt: paidAt } : {}),
      });
      seeded.subscription.invoices.push({ ...ids, amount: tier.price.toFixed(2), paidAt, failed, first: p === 0 });
      if (!failed) spent += Number(tier.price);
      events.push({
        communityId,
        eventType: "billing",
        eventName: failed ? "payment_failed" : "payment_succeeded",
        userId: person.id,
        discordUserId: person.discordId,
        timestamp: paidAt,
        properties: { amount: tier.price.toFixed(2), currency: "USD" },
      });
    }
    events.push({
      communityId,
      eventType: "billing",
      eventName: "subscription_started",
      userId: person.id,
      discordUserId: person.discordId,
      timestamp: start,
      properties: { tier: tier.name },
    });
    if (canceledAt)
      events.push({
        communityId,
        eventType: "billing",
        eventName: "subscription_canceled",
        userId: person.id,
        discordUserId: person.discordId,
        timestamp: canceledAt,
        properties: { tier: tier.name },
      });

    await tx.communityMember.update({
      where: rowKey(member.id),
      data: {
        subscriptionStatus: lifecycle,
        subscriptionTier: tier.name,
        subscriptionExpiresAt: periodEnd,
        totalSpent: spent.toFixed(2),
      },
    });
  }

  // Page views spread over the year, for the analytics charts (addresses truncated, as recorded).
  for (let i = 0; i < 150; i++) {
    events.push({
      communityId,
      eventType: "page",
      eventName: "community_page_viewed",
      timestamp: new Date(now.getTime() - Math.floor(rand() * 365) * DAY - Math.floor(rand() * DAY)),
      sessionId: `view-${i}`,
      ipAddress: `198.51.100.0`,
      userAgent: "Mozilla/5.0 (demo)",
      properties: { path: `/c/${spec.slug}` },
    });
  }

  await tx.payment.createMany({ data: payments });
  await tx.analyticsEvent.createMany({ data: events });
  return { members, tiers: tiers.map((t) => ({ id: t.id, name: t.name })) };
}

/** Gifts bought by seeded members: the buyer's payment (and its refund), the gift, the buyer's total spent. */
async function seedGifts(
  tx: TenantTx,
  communityId: string,
  gifts: NonNullable<CommunitySeed["gifts"]>,
  rows: Awaited<ReturnType<typeof seedTenantRows>>,
  now: Date,
) {
  for (const [index, gift] of gifts.entries()) {
    const tier = await tx.subscriptionTier.findFirstOrThrow({ where: { name: gift.tier }, select: { id: true, price: true, interval: true } });
    const buyer = rows.members[gift.buyer]!;
    const amount = tier.price.times(tier.interval === "yearly" ? gift.months / 12 : gift.months);
    const at = new Date(now.getTime() - (index + 1) * 2 * DAY);
    const payment = await tx.payment.create({
      data: {
        communityId,
        memberId: buyer.memberId,
        amount,
        amountRefunded: gift.refunded ? amount : 0,
        currency: "USD",
        status: gift.refunded ? "refunded" : "succeeded",
        description: `${gift.tier} (gift, ${describeGiftLength({ months: gift.months })})`,
        processedAt: at,
        createdAt: at,
        metadata: { kind: "gift" },
      },
      select: { id: true },
    });
    await tx.gift.create({
      data: {
        communityId,
        tierId: tier.id,
        months: gift.months,
        buyerMemberId: buyer.memberId,
        paymentId: payment.id,
        stripeCheckoutSessionId: `cs_demo_gift_${index}`,
        message: gift.message ?? null,
        createdAt: at,
        ...(gift.code ? { code: gift.code } : {}),
      },
    });
    if (!gift.refunded) await tx.communityMember.update({ where: rowKey(buyer.memberId), data: { totalSpent: { increment: amount } }, select: { id: true } });
  }
}

/** Seeds the demo once: does nothing if the first demo community exists. */
export async function seedDemoData(log: (line: string) => void = console.log): Promise<boolean> {
  const existing = await db.community.findUnique({ where: { slug: DEMO_COMMUNITIES[0]!.slug }, select: { id: true } });
  if (existing) {
    log("demo data already present");
    return false;
  }
  const now = new Date();
  const owners = Object.fromEntries(
    await Promise.all(Object.entries(DEMO_USERS).map(async ([key, user]) => [key, await upsertUser(user.discordId, user.username, user.globalName)] as const)),
  );
  // The demo's owner also administers the platform (data retention at /admin/retention).
  await db.user.update({ where: { id: owners.owner!.id }, data: { isAdmin: true }, select: { id: true } });
  const rand = random(20261125);
  const env = serverEnv();
  const onPro: { id: string; slug: string; name: string }[] = [];
  for (const spec of DEMO_COMMUNITIES) {
    const seeded = await seedCommunity(spec, owners[spec.owner]!.id, rand, now);
    if (spec.plan === "pro") onPro.push(seeded.community);
    // The same history at the local fakes, so Stripe and Discord agree with our rows.
    if (env.STRIPE_FAKE_URL) await mirrorToFakeStripe(seeded, env.STRIPE_FAKE_URL, spec.legacyStripe);
    if (env.DISCORD_FAKE_URL) await mirrorToFakeDiscord(seeded, env.DISCORD_FAKE_URL);
    log(`seeded ${spec.name}`);
  }
  if (env.STRIPE_FAKE_URL) await mirrorPlatformPlans(env.STRIPE_FAKE_URL, onPro);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await seedDemoData();
  } finally {
    await db.$disconnect();
  }
}
