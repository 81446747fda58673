// The owner dashboard at scale: one community with 100k members, 120k
// subscriptions, 1M payments and 5M analytics events over 24 months, generated
// in SQL. Times the overview and member pages inside withCommunity (the
// application role, RLS on), streams the 100k-member CSV export while watching
// memory, and prints EXPLAIN evidence of partition pruning and index use.
import pg from "pg";
import { createDatabase } from "../../lib/db/client";
import { scopesFor } from "../../lib/db/scopes";
import { ms, summarize } from "./stats";
import { inCommunityScope } from "../../tests/support/test-database";

const MEMBERS = 100_000;
const EXTRA_SUBSCRIPTIONS = 20_000;
const PAYMENTS = 1_000_000;
// BENCH_EVENTS lowers the event count for a quicker run while working on the other queries.
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const TARGETS = { overviewP95: 150, memberPageP95: 50, csvMb: 200, analyticsP95: 300 };

async function timed(label: string, fn: () => Promise<unknown>) {
  const start = performance.now();
  await fn();
  console.log(`  ${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

export async function generate(owner: pg.Client): Promise<string> {
  console.log(
    `generating ${MEMBERS.toLocaleString("en-US")} members, ${(MEMBERS + EXTRA_SUBSCRIPTIONS).toLocaleString("en-US")} subscriptions, ${PAYMENTS.toLocaleString("en-US")} payments, ${EVENTS.toLocaleString("en-US")} events:`,
  );
  await timed("users", () =>
    owner.query(
      `INSERT INTO users (discord_id, username, global_name)
                 SELECT (700000000000000000 + g)::text, 'scale_' || g, 'Scale ' || g FROM generate_series(1, $1) g`,
      [MEMBERS],
    ),
  );
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO communities (name, slug, discord_guild_id, owner_id)
     VALUES ('Scale', 'scale-' || substr(md5(random()::text), 1, 8), (800000000000000000 + floor(random() * 1e9)::bigint)::text,
             (SELECT id FROM users WHERE discord_id = '700000000000000001')) RETURNING id`,
  );
  const communityId = rows[0]!.id;
  // Partitions for the 24 months of history (the job keeps them ahead in production);
  // the function makes months only as far back as analytics are kept, so keep them longer here.
  await owner.query("UPDATE data_retention_policies SET retention_days = 800 WHERE table_name = 'analytics_events'");
  await owner.query("SELECT ensure_analytics_partitions((date_trunc('month', now()) - interval '24 months')::date, 3)");
  // The owner writes as the community (FORCE RLS holds a non-superuser owner too).
  await inCommunityScope(owner, communityId, async () => {
    await owner.query(
      `INSERT INTO subscription_tiers (community_id, name, price, interval, sort_order) VALUES
       ($1, 'Basic', 5.00, 'monthly', 0), ($1, 'Pro', 15.00, 'monthly', 1), ($1, 'Annual', 120.00, 'yearly', 2)`,
      [communityId],
    );
    await timed("members", () =>
      owner.query(
        `INSERT INTO community_members (community_id, user_id, discord_user_id, joined_at, subscription_status, subscription_tier, total_spent)
       SELECT $1, u.id, u.discord_id, now() - random() * interval '730 days',
              (ARRAY['active','active','active','past_due','canceled','none','trialing'])[1 + floor(random() * 7)::int],
              (ARRAY['Basic','Pro','Annual'])[1 + floor(random() * 3)::int], round((random() * 400)::numeric, 2)
         FROM users u WHERE u.username LIKE 'scale\\_%'`,
        [communityId],
      ),
    );
    await timed("subscriptions", () =>
      owner.query(
        `INSERT INTO subscriptions (community_id, member_id, stripe_customer_id, tier_id, tier_name, status, current_period_start, current_period_end, canceled_at, created_at)
       SELECT m.community_id, m.id, 'cus_' || m.discord_user_id, t.id, t.name,
              CASE WHEN m.subscription_status = 'none' THEN 'canceled' ELSE m.subscription_status END,
              now() - interval '10 days', now() + interval '20 days',
              CASE WHEN m.subscription_status IN ('canceled', 'none') THEN m.joined_at + random() * (now() - m.joined_at) END, m.joined_at
         FROM community_members m JOIN subscription_tiers t ON t.community_id = m.community_id AND t.name = m.subscription_tier
        WHERE m.community_id = $1
       UNION ALL
       SELECT m.community_id, m.id, 'cus_' || m.discord_user_id, t.id, t.name, 'canceled', m.joined_at, m.joined_at + interval '1 month',
              m.joined_at + interval '1 month', m.joined_at
         FROM (SELECT * FROM community_members WHERE community_id = $1 ORDER BY id LIMIT $2) m
         JOIN subscription_tiers t ON t.community_id = m.community_id AND t.name = 'Basic'`,
        [communityId, EXTRA_SUBSCRIPTIONS],
      ),
    );
    await timed("payments", () =>
      owner.query(
        `WITH s AS (SELECT id, member_id, row_number() OVER (ORDER BY id) - 1 AS n FROM subscriptions WHERE community_id = $1),
            c AS (SELECT count(*) AS total FROM s)
       INSERT INTO payments (community_id, member_id, subscription_id, amount, amount_refunded, currency, status, processed_at, created_at)
       SELECT $1, s.member_id, s.id, 15.00, CASE WHEN g % 50 = 0 THEN 5.00 ELSE 0 END, 'USD',
              CASE WHEN g % 50 = 0 THEN 'partially_refunded' WHEN g % 40 = 0 THEN 'failed' ELSE 'succeeded' END,
              now() - (g % 730) * interval '1 day', now() - (g % 730) * interval '1 day'
         FROM generate_series(0, $2 - 1) g CROSS JOIN c JOIN s ON s.n = g % c.total`,
        [communityId, PAYMENTS],
      ),
    );
  });
  // Events in batches of a million (each its own transaction, as a loader would).
  await timed("analytics events", async () => {
    for (let batch = 0; batch < Math.ceil(EVENTS / 1_000_000); batch++) {
      await inCommunityScope(owner, communityId, () =>
        owner.query(
          `INSERT INTO analytics_events (community_id, event_type, event_name, discord_user_id, properties, "timestamp", session_id, ip_address, user_agent)
         SELECT $1, 'page', (ARRAY['community_page_viewed','checkout_started','payment_succeeded','subscription_started'])[1 + g % 4],
                (700000000000000000 + 1 + g % $2)::text, '{}', now() - (random() * 730) * interval '1 day', 's' || (g % 50000),
                ('10.' || (g % 250) || '.' || (g % 200) || '.1')::inet, 'bench'
           FROM generate_series(1, $3) g`,
          [communityId, MEMBERS, Math.min(1_000_000, EVENTS - batch * 1_000_000)],
        ),
      );
    }
  });
  await timed("ANALYZE", () =>
    owner.query("ANALYZE users; ANALYZE community_members; ANALYZE subscriptions; ANALYZE payments; ANALYZE analytics_events; ANALYZE subscription_tiers"),
  );
  return communityId;
}

export async function benchDashboardScale(ownerUrl: string, appUrl: string): Promise<boolean> {
  console.log("\n## Owner dashboard at scale");
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  process.env.APP_DATABASE_URL = appUrl;
  const app = createDatabase(appUrl, 10);
  const { withCommunity } = scopesFor(app);
  try {
    const communityId = await generate(owner);
    const { overview } = await import("../../lib/analytics/metrics");
    const { membersQuerySchema, membersTablePage } = await import("../../lib/members/query");
    const { membersCsvStream } = await import("../../lib/members/csv");

    const sample = async (n: number, fn: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await fn();
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await fn();
        times.push(performance.now() - start);
      }
      return summarize(times);
    };
    // The very first view computes and keeps the 11 closed months (the nightly job does this afterwards).
    const coldStart = performance.now();
    await overview(communityId, (fn) => withCommunity(communityId, fn, { timeout: 30_000 }));
    const cold = performance.now() - coldStart;
    const parts = new Map<string, number[]>();
    const o = await sample(20, () =>
      overview(
        communityId,
        (fn) => withCommunity(communityId, fn, { timeout: 30_000 }),
        new Date(),
        (label, t) => parts.set(label, [...(parts.get(label) ?? []), t]),
      ),
    );
    const { insights, refreshClosedMonths } = await import("../../lib/analytics/insights");
    const now = new Date();
    // Closed months are computed once (the first view of a month, or the nightly job), then read.
    const inScope = <T>(fn: Parameters<typeof withCommunity<T>>[1]) => withCommunity(communityId, fn, { timeout: 60_000 });
    const computeStart = performance.now();
    await refreshClosedMonths(inScope, communityId, "USD", now);
    const computeMs = performance.now() - computeStart;
    const analytics = [
      [
        "the tab's views, kept (movements, churn, cohorts, funnel)",
        await sample(20, () => insights(inScope, communityId, "USD", { revenueLast30: 1, payingMembers: 1 }, now)),
      ],
    ] as const;
    const first = await sample(100, () => withCommunity(communityId, (tx) => membersTablePage(tx, membersQuerySchema.parse({}))));
    // A page deep in the list (the 40,000th member): keyset, not OFFSET.
    const deepCursor = await withCommunity(communityId, async (tx) => {
      const rows = await tx.communityMember.findMany({
        orderBy: [{ joinedAt: "desc" }, { id: "desc" }],
        skip: 40_000,
        take: 1,
        select: { id: true, joinedAt: true },
      });
      return Buffer.from(JSON.stringify({ k: rows[0]!.joinedAt.toISOString(), id: rows[0]!.id })).toString("base64url");
    });
    const deep = await sample(100, () => withCommunity(communityId, (tx) => membersTablePage(tx, membersQuerySchema.parse({ cursor: deepCursor }))));
    const filtered = await sample(50, () =>
      withCommunity(communityId, (tx) => membersTablePage(tx, membersQuerySchema.parse({ status: "past_due", sort: "spent" }))),
    );

    // CSV export of every member, memory sampled while it streams.
    const baseline = process.memoryUsage().rss;
    const heapBaseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let heapPeak = heapBaseline;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 20);
    const csvStart = performance.now();
    let bytes = 0;
    let lines = 0;
    const reader = membersCsvStream(communityId, membersQuerySchema.parse({})).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 10) lines++;
    }
    clearInterval(timer);
    const csvSeconds = (performance.now() - csvStart) / 1000;
    const peakMb = peak / 1024 / 1024;
    // What the export itself costs: the process (Prisma, pools, this bench's data) was already this big.
    const exportMb = (peak - baseline) / 1024 / 1024;

    console.log(`| query (inside withCommunity, app role) | median | p95 | target |\n|---|---|---|---|`);
    console.log(`| overview (9 metrics + 2 charts) | ${ms(o.median)} | ${ms(o.p95)} | p95 < ${TARGETS.overviewP95} ms |`);
    console.log(`| overview, first view ever (computes the closed months) | ${ms(cold)} | | |`);
    for (const [label, times] of parts) console.log(`|   ${label} | ${ms(summarize(times).median)} | ${ms(summarize(times).p95)} | |`);
    console.log(`| analytics: closed months computed (first view of a month, or the nightly job) | ${ms(computeMs)} | | once a month |`);
    for (const [label, t] of analytics)
      console.log(
        `| analytics: ${label} | ${ms(t.median)} | ${ms(t.p95)} | p95 < ${TARGETS.analyticsP95} ms: ${t.p95 < TARGETS.analyticsP95 ? "MET" : "MISSED"} |`,
      );
    console.log(`| members, first page | ${ms(first.median)} | ${ms(first.p95)} | p95 < ${TARGETS.memberPageP95} ms |`);
    console.log(`| members, page at 40,000 (keyset) | ${ms(deep.median)} | ${ms(deep.p95)} | p95 < ${TARGETS.memberPageP95} ms |`);
    console.log(`| members, past_due by spend | ${ms(filtered.median)} | ${ms(filtered.p95)} | p95 < ${TARGETS.memberPageP95} ms |`);
    console.log(
      `CSV export: ${lines - 1} members, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${csvSeconds.toFixed(1)} s; process RSS ${(baseline / 1024 / 1024).toFixed(0)} MB before, peak ${peakMb.toFixed(0)} MB: the export used ${exportMb.toFixed(0)} MB (target < ${TARGETS.csvMb} MB); ` +
        `JS heap ${(heapBaseline / 1024 / 1024).toFixed(0)} MB before, peak ${(heapPeak / 1024 / 1024).toFixed(0)} MB`,
    );

    const plan = async (label: string, sql: string, params: unknown[] = []) => {
      const rows = await withCommunity(communityId, async (tx) => {
        const result = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params);
        return result.map((r) => r["QUERY PLAN"]);
      });
      console.log(`\nEXPLAIN ${label}:\n${rows.map((l) => `    ${l}`).join("\n")}`);
      return rows.join("\n");
    };
    const eventsPlan = await plan(
      "a member's events of the last year (the drawer)",
      `SELECT id, event_name, "timestamp" FROM analytics_events WHERE discord_user_id = '700000000000000042' AND "timestamp" >= now() - interval '365 days' ORDER BY "timestamp" DESC LIMIT 20`,
    );
    const monthPlan = await plan(
      "page views of the last 30 days",
      `SELECT count(*) FROM analytics_events WHERE event_name = 'community_page_viewed' AND "timestamp" >= now() - interval '30 days'`,
    );
    const pagePlan = await plan("members page", `SELECT id FROM community_members ORDER BY joined_at DESC, id DESC LIMIT 51`);
    const totalPartitions = (await owner.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'analytics_events'::regclass"))
      .rows[0]!.n;
    const scanned = (p: string) => new Set([...p.matchAll(/on (analytics_events_\w+)/g)].map((m) => m[1])).size;
    console.log(`\npartitions: ${totalPartitions} in all; the last-year query reads ${scanned(eventsPlan)}, the last-30-days query ${scanned(monthPlan)}`);
    const pruned = scanned(monthPlan) < totalPartitions && scanned(eventsPlan) < totalPartitions;
    const indexed = /Index (Only )?Scan using idx_community_members_community_id_joined_at/.test(pagePlan);
    const met =
      o.p95 < TARGETS.overviewP95 &&
      first.p95 < TARGETS.memberPageP95 &&
      deep.p95 < TARGETS.memberPageP95 &&
      exportMb < TARGETS.csvMb &&
      analytics.every(([, t]) => t.p95 < TARGETS.analyticsP95) &&
      lines - 1 === MEMBERS &&
      pruned &&
      indexed;
    console.log(`partition pruning: ${pruned ? "yes" : "NO"}; members page from its index: ${indexed ? "yes" : "NO"}; targets: ${met ? "met" : "missed"}`);
    return met;
  } finally {
    await owner.end();
    await app.$disconnect();
  }
}
