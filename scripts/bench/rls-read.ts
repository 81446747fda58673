// The cost of tenant isolation: one community's members page (50 rows) read
// four ways in one run, on a database with several large communities.
import pg from "pg";
import { createDatabase } from "../../lib/db/client";
import { scopesFor } from "../../lib/db/scopes";
import { Prisma } from "../../lib/generated/prisma/client";
import { compare, ms } from "./stats";
import { inCommunityScope } from "../../tests/support/test-database";

const MEMBERS_PER_COMMUNITY = 20_000;
const COMMUNITIES = 5;
const PAGE_SQL = `
  SELECT id, discord_user_id, nickname, subscription_status, subscription_tier, joined_at, total_spent
    FROM community_members
   WHERE community_id = $1
   ORDER BY joined_at DESC, id DESC
   LIMIT 50`;
const SCOPED_PAGE_SQL = PAGE_SQL.replace("WHERE community_id = $1", "");

async function seed(owner: pg.Client): Promise<string> {
  await owner.query(
    `
    INSERT INTO users (discord_id, username)
    SELECT (500000000000000000 + g)::text, 'bench_' || g FROM generate_series(1, $1) g
    ON CONFLICT (discord_id) DO NOTHING`,
    [MEMBERS_PER_COMMUNITY],
  );
  const ids: string[] = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO communities (name, slug, discord_guild_id, owner_id)
       SELECT 'Bench ' || $1::int, 'bench-' || $1::int || '-' || substr(md5(random()::text), 1, 6), (600000000000000000 + $1::int + floor(random() * 1e9)::bigint)::text,
              (SELECT id FROM users WHERE discord_id = '500000000000000001')
       RETURNING id`,
      [c],
    );
    const id = rows[0]!.id;
    await inCommunityScope(owner, id, () =>
      owner.query(
        `INSERT INTO community_members (community_id, user_id, discord_user_id, joined_at, subscription_status, total_spent)
       SELECT $1, u.id, u.discord_id, now() - (random() * interval '720 days'),
              (ARRAY['active','canceled','past_due','none'])[1 + floor(random() * 4)::int], round((random() * 500)::numeric, 2)
         FROM users u WHERE u.username LIKE 'bench\\_%'`,
        [id],
      ),
    );
    ids.push(id);
  }
  await owner.query("ANALYZE users; ANALYZE communities; ANALYZE community_members");
  return ids[Math.floor(COMMUNITIES / 2)]!;
}

export async function benchRlsRead(ownerUrl: string, appUrl: string): Promise<boolean> {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  console.log(`\n## RLS-scoped read: a 50-row members page (${COMMUNITIES} communities × ${MEMBERS_PER_COMMUNITY.toLocaleString("en-US")} members)`);
  const communityId = await seed(owner);

  const rawApp = new pg.Client({ connectionString: appUrl });
  await rawApp.connect();
  const ownerPrisma = createDatabase(ownerUrl, 1);
  const appPrisma = createDatabase(appUrl, 1);
  const { withCommunity, statementInCommunity } = scopesFor(appPrisma);
  const select = { id: true, discordUserId: true, nickname: true, subscriptionStatus: true, subscriptionTier: true, joinedAt: true, totalSpent: true } as const;
  const orderBy = [{ joinedAt: "desc" as const }, { id: "desc" as const }];

  const results = await compare({
    "raw pg, unscoped (owner)": () => owner.query(PAGE_SQL, [communityId]),
    "raw pg, scoped (BEGIN; set_config; SELECT; COMMIT)": async () => {
      await rawApp.query("BEGIN");
      await rawApp.query("SELECT set_config('app.current_community_id', $1, true)", [communityId]);
      await rawApp.query(SCOPED_PAGE_SQL);
      await rawApp.query("COMMIT");
    },
    "Prisma, unscoped (owner)": () => ownerPrisma.communityMember.findMany({ where: { communityId }, orderBy, take: 50, select }),
    "withCommunity (app role, RLS, a transaction around the callback)": () =>
      withCommunity(communityId, (tx) => tx.communityMember.findMany({ orderBy, take: 50, select })),
    // The same read awaited inside an async callback: the COMMIT waits for its answer (one round trip more).
    "withCommunity, an async callback awaiting the read": () =>
      withCommunity(communityId, async (tx) => await tx.communityMember.findMany({ orderBy, take: 50, select })),
    "statementInCommunity (app role, RLS, one statement)": () => statementInCommunity(communityId, Prisma.sql([SCOPED_PAGE_SQL])),
  });

  const check = await withCommunity(communityId, (tx) => tx.communityMember.findMany({ orderBy, take: 50, select }));
  if (check.length !== 50) throw new Error(`withCommunity returned ${check.length} rows, expected 50`);
  const fastRows = await statementInCommunity<{ id: string }>(communityId, Prisma.sql([SCOPED_PAGE_SQL]));
  if (fastRows.map((r) => r.id).join() !== check.map((r) => r.id).join())
    throw new Error(`statementInCommunity returned ${fastRows.length} rows, not withCommunity's 50`);

  console.log("| variant | median | p95 |\n|---|---|---|");
  for (const [name, s] of Object.entries(results)) console.log(`| ${name} | ${ms(s.median)} | ${ms(s.p95)} |`);
  const scoped = results["withCommunity (app role, RLS, a transaction around the callback)"]!;
  const rawScoped = results["raw pg, scoped (BEGIN; set_config; SELECT; COMMIT)"]!;
  const prismaPlain = results["Prisma, unscoped (owner)"]!;
  const single = results["statementInCommunity (app role, RLS, one statement)"]!;
  const awaited = results["withCommunity, an async callback awaiting the read"]!;
  const vsRaw = scoped.median / rawScoped.median;
  const vsPrisma = scoped.median / prismaPlain.median;
  const singleVsRaw = single.median / rawScoped.median;
  console.log(`\nstatementInCommunity / raw pg scoped: ${singleVsRaw.toFixed(2)}x (target <= 1.50x) ${singleVsRaw <= 1.5 ? "MET" : "MISSED"}`);
  console.log(
    `withCommunity / raw pg scoped:   ${vsRaw.toFixed(2)}x (its scoped transaction, Prisma's query; target <= 1.50x) ${vsRaw <= 1.5 ? "MET" : "MISSED"}`,
  );
  console.log(`withCommunity / Prisma unscoped: ${vsPrisma.toFixed(2)}x (target <= 2.00x) ${vsPrisma <= 2 ? "MET" : "MISSED"}`);
  console.log(
    `withCommunity, async callback / raw pg scoped: ${(awaited.median / rawScoped.median).toFixed(2)}x (its COMMIT after the read's answer; no target)`,
  );
  // Any Prisma read costs at least Prisma's own per-query overhead: this is the
  // floor under the first ratio for anything built on Prisma.
  const floor = prismaPlain.median / rawScoped.median;
  console.log(`floor for any Prisma-based read (Prisma unscoped / raw pg scoped): ${floor.toFixed(2)}x`);

  const plan = await withCommunity(communityId, async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${SCOPED_PAGE_SQL}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
  console.log("\nEXPLAIN of the scoped page (the policy is an index condition, evaluated once as an InitPlan):\n" + plan);
  const usesIndex = /Index Cond: \(community_id = \(InitPlan/.test(plan);
  console.log(`policy answered from the community_id index: ${usesIndex ? "yes" : "NO"}`);

  await Promise.all([owner.end(), rawApp.end(), ownerPrisma.$disconnect(), appPrisma.$disconnect()]);
  // withCommunity's own ratio counts too: the summary must not say "all met" over a line that says MISSED.
  return singleVsRaw <= 1.5 && vsRaw <= 1.5 && vsPrisma <= 2 && usesIndex;
}
