// npm run bench — speed targets, measured in one run on a throw-away database
// (embedded, or a new database on a local BENCH_DATABASE_URL). Not part of npm test.
import { provisionTestDatabase } from "../tests/support/test-database";
import { benchRlsRead } from "./bench/rls-read";
import { benchWebhookIngest } from "./bench/webhook-ingest";
import { benchDashboardScale } from "./bench/dashboard-scale";
import { benchTimeToRole } from "./bench/time-to-role";
import { benchDevFirstVisit } from "./bench/dev-first-visit";
import { benchCluster } from "./bench/cluster";

if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
console.log("# CommunityOS benchmarks");
// BENCH_PG_STATS=1: the database records its statements' time (pg_stat_statements) for the webhook run's top list.
const database = await provisionTestDatabase({ statementStats: Boolean(process.env.BENCH_PG_STATS) });
try {
  const only = process.argv[2];
  const results: boolean[] = [];
  // First: the app's settings are read once per process, and this one points Discord at its fake.
  if (!only || only === "role") results.push(await benchTimeToRole(database.appUrl));
  if (!only || only === "rls") results.push(await benchRlsRead(database.ownerUrl, database.appUrl));
  if (!only || only === "webhooks") results.push(await benchWebhookIngest(database.ownerUrl, database.appUrl));
  if (!only || only === "dashboard") results.push(await benchDashboardScale(database.ownerUrl, database.appUrl));
  if (!only || only === "cluster") results.push(await benchCluster(database.ownerUrl, database.appUrl));
  if (!only || only === "dev") results.push(await benchDevFirstVisit());
  const met = results.every(Boolean);
  console.log(`\n${met ? "all targets met" : "some targets missed (see above)"}`);
} finally {
  await database.teardown();
}
