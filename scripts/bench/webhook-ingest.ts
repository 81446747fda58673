// Sustained Stripe webhook ingestion over HTTP against `next start`: signed
// invoice.paid renewals for many subscriptions, 20% of them re-deliveries of
// events already sent. The endpoint stores each event and answers; the worker
// applies it. Reports events/s and latency; then `npm run worker` applies what
// was stored (events/s, CPU per event), and counting rows proves that every
// event was applied once and no duplicate had an effect; last, what receiving
// alone costs (re-deliveries only, which must change nothing).
// BENCH_WORKER_DURING_LOAD=1: the worker runs during the load too, sharing the
// machine's cores with the server, as on a single machine in production.
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { buildNext, startNext } from "./next-server";
import { summarize, ms } from "./stats";
import { cpuPerRequest, cpuSeconds, postgresProcesses, processTree, rssMb } from "./processes";
import { workerProcess, type WorkerProcess } from "./role-grants";
import { inCommunityScope, withClient } from "../../tests/support/test-database";

const SUBSCRIPTIONS = 40;
const DURATION_S = 15;
const CONNECTIONS = 16;
const DUPLICATE_SHARE = 0.2;
const REDELIVERY_S = 8;
const TARGET_EVENTS_PER_S = 300;
const TARGET_HEALTH_RATIO = 1.0;
const TARGET_RSS_MB = 400;
const APPLY_TIMEOUT_MS = 300_000;

/** PostgreSQL's time per statement over the renewals (pg_stat_statements), to print the top ten. */
async function startStatementStats(ownerUrl: string) {
  const owner = <T>(fn: (client: pg.Client) => Promise<T>) => withClient(ownerUrl, fn);
  await owner(async (client) => {
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await client.query("SELECT pg_stat_statements_reset()");
  });
  return {
    print: () =>
      owner(async (client) => {
        const { rows } = await client.query<{ calls: string; ms: string; plan: string; statement: string }>(
          `SELECT calls, round((total_exec_time / calls)::numeric, 3) AS ms, round((total_plan_time / calls)::numeric, 3) AS plan,
                  left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS statement
             FROM pg_stat_statements WHERE calls > 100 ORDER BY total_exec_time + total_plan_time DESC LIMIT 12`,
        );
        console.log("PostgreSQL's time per statement during the renewals (pg_stat_statements; nested statements counted inside their caller too):");
        console.log("| calls | ms each (run) | ms each (plan) | statement |\n|---|---|---|---|");
        for (const r of rows) console.log(`| ${r.calls} | ${r.ms} | ${r.plan} | \`${r.statement.replace(/\|/g, "\\|")}\` |`);
      }),
  };
}

/** GET /api/health (the database and the job queue) at the same concurrency: what this server answers when a request does nearly nothing. */
async function healthRate(url: string): Promise<{ requests: number; result: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: 8 });
  return { requests: result.requests.total, result: result.requests.total / 8 };
}

type Load = { latencies: number[]; statuses: Map<number, number>; result: autocannon.Result };

/** POSTs of the bodies nextBody gives, each with its Stripe signature, at the bench's concurrency, for `seconds`. */
function signedLoad(url: string, signature: (body: string) => string, nextBody: () => string, seconds: number): Promise<{ requests: number; result: Load }> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: "POST",
            setupRequest: (request) => {
              const body = nextBody();
              return { ...request, body, headers: { "content-type": "application/json", "stripe-signature": signature(body) } };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ requests: latencies.length, result: { latencies, statuses, result } })),
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
}

/** The counts once they stop changing (the events still in flight when the load stopped): two equal reads of `watched` in a row (within 30 s). */
async function settledCounts(ownerUrl: string, communityId: string, watched: (counts: EffectCounts) => unknown = (counts) => counts): Promise<EffectCounts> {
  let before = await effectCounts(ownerUrl, communityId);
  for (const end = Date.now() + 30_000; Date.now() < end;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await effectCounts(ownerUrl, communityId);
    if (JSON.stringify(watched(now)) === JSON.stringify(watched(before))) return now;
    before = now;
  }
  throw new Error("the bench's rows still change 30 s after the load stopped");
}

type EffectCounts = { ledger: number; applied: number; payments: number; analytics: number };

/** The bench's rows in the ledger (stored, and applied), payments and renewal events, read as the owner inside the community's scope. */
async function effectCounts(ownerUrl: string, communityId: string): Promise<EffectCounts> {
  return withClient(ownerUrl, (owner) =>
    inCommunityScope(owner, communityId, async () => {
      const { rows } = await owner.query<EffectCounts>(`
        SELECT (SELECT count(*)::int FROM stripe_events WHERE id LIKE 'evt_bench_%') AS ledger,
               (SELECT count(*)::int FROM stripe_events WHERE id LIKE 'evt_bench_%' AND outcome = 'processed') AS applied,
               (SELECT count(*)::int FROM payments WHERE stripe_invoice_id LIKE 'in_bench_%') AS payments,
               (SELECT count(*)::int FROM analytics_events WHERE event_name = 'subscription_renewed') AS analytics`);
      return rows[0]!;
    }),
  );
}

/** Waits until the worker has applied every stored event: the seconds it took, and the worker's and PostgreSQL's CPU per event. */
async function applied(ownerUrl: string, communityId: string, worker: WorkerProcess, startedAt: number, events: number) {
  const cpu = () => ({ worker: cpuSeconds(processTree(worker.pid)), postgres: cpuSeconds(postgresProcesses()) });
  const before = cpu();
  for (const end = Date.now() + APPLY_TIMEOUT_MS; ;) {
    const counts = await effectCounts(ownerUrl, communityId);
    if (counts.applied === counts.ledger) break;
    if (Date.now() > end) throw new Error(`the worker applied ${counts.applied} of ${counts.ledger} stored events in ${APPLY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const after = cpu();
  const perEvent = (s: number) => (s * 1000) / Math.max(events, 1);
  return { seconds, workerMs: perEvent(after.worker - before.worker), postgresMs: perEvent(after.postgres - before.postgres) };
}

export async function benchWebhookIngest(ownerUrl: string, appUrl: string): Promise<boolean> {
  console.log(`\n## Stripe webhook ingestion over HTTP (next start, ${CONNECTIONS} connections, ${DURATION_S} s, ${DUPLICATE_SHARE * 100}% duplicates)`);
  process.env.APP_DATABASE_URL = appUrl;
  const { startStripeHarness, paidCommunity, payCheckout, sign } = await import("../../tests/support/stripe-webhooks");
  const h = await startStripeHarness();
  const paid = await paidCommunity(h);
  const subscriptions: string[] = [];
  for (let i = 0; i < SUBSCRIPTIONS; i++) subscriptions.push((await payCheckout(h, paid, `bench_member_${i}`)).subscriptionId);
  // The checkouts' own events first, so the run measures renewals of known subscriptions.
  for (const delivery of await h.take()) await h.deliver(delivery);

  await buildNext();
  const secret = `whsec_${randomBytes(24).toString("hex")}`;
  // BENCH_CPU_PROF=<dir> writes a CPU profile of the server (node --cpu-prof) for the README's findings.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = await startNext({ APP_DATABASE_URL: appUrl, STRIPE_FAKE_URL: h.fake.url, STRIPE_WEBHOOK_SECRET: secret }, profile);
  const startWorker = () => workerProcess({ STRIPE_FAKE_URL: h.fake.url, STRIPE_WEBHOOK_SECRET: secret, COMMUNITYOS_GATEWAY: "off", LOG_LEVEL: "warn" });
  const workerDuringLoad = process.env.BENCH_WORKER_DURING_LOAD === "1";
  let worker: WorkerProcess | null = null;
  try {
    const serverRssMb = () => rssMb(processTree(server.pid));
    const idleRssMb = serverRssMb();
    const health = await cpuPerRequest(server.pid, () => healthRate(`${server.url}/api/health`));
    const healthPerSecond = health.result;
    let peakRssMb = serverRssMb();
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, serverRssMb())), 250);

    // Renewal invoices in the current API's shape, one per event, for the bench's subscriptions.
    const sent: string[] = [];
    let unique = 0;
    let duplicatesSent = 0;
    const nextBody = (): string => {
      if (sent.length > 50 && Math.random() < DUPLICATE_SHARE) {
        duplicatesSent++;
        return sent[Math.floor(Math.random() * sent.length)]!;
      }
      const n = unique++;
      const subscription = subscriptions[n % subscriptions.length]!;
      const created = Math.floor(Date.now() / 1000);
      const raw = JSON.stringify({
        id: `evt_bench_${n}_${randomBytes(4).toString("hex")}`,
        object: "event",
        created,
        type: "invoice.paid",
        livemode: false,
        account: paid.account,
        data: {
          object: {
            id: `in_bench_${n}`,
            object: "invoice",
            status: "paid",
            billing_reason: "subscription_cycle",
            customer: String(h.fake.objects.get(subscription)!.customer),
            currency: "usd",
            amount_due: 1000,
            amount_paid: 1000,
            created,
            status_transitions: { paid_at: created },
            parent: { type: "subscription_details", subscription_details: { subscription } },
            payments: { data: [{ payment: { type: "payment_intent", payment_intent: `pi_bench_${n}`, charge: `ch_bench_${n}` } }] },
          },
        },
      });
      sent.push(raw);
      return raw;
    };

    const webhookUrl = `${server.url}/api/webhooks/stripe`;
    const signature = (body: string) => sign(body, { secret });
    const statementStats = process.env.BENCH_PG_STATS ? await startStatementStats(ownerUrl) : null;
    if (workerDuringLoad) worker = await startWorker();
    const renewals = await cpuPerRequest(server.pid, () => signedLoad(webhookUrl, signature, nextBody, DURATION_S));
    const { latencies, statuses, result } = renewals.result;
    clearInterval(sampler);

    // Stored, then applied by `npm run worker` (its own process, as in production).
    const stored = await settledCounts(ownerUrl, paid.community.id, (counts) => counts.ledger);
    const applyStartedAt = Date.now();
    const appliedBefore = workerDuringLoad ? (await effectCounts(ownerUrl, paid.community.id)).applied : 0;
    worker ??= await startWorker();
    const apply = await applied(ownerUrl, paid.community.id, worker, applyStartedAt, stored.ledger - appliedBefore);
    const counts = await settledCounts(ownerUrl, paid.community.id);
    if (statementStats) await statementStats.print();
    // Receiving alone, below, is measured without the worker's receipts competing for the cores.
    await worker.stop();
    worker = null;
    // Its connections' server processes exit after it: gone mid-phase, their CPU time would be subtracted.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // What receiving costs without applying: only re-deliveries of events answered
    // long before the run ended, so the ledger says "seen" and nothing is written.
    const answered = sent.slice(0, -4 * CONNECTIONS);
    const redeliveries = await cpuPerRequest(server.pid, () =>
      signedLoad(webhookUrl, signature, () => answered[Math.floor(Math.random() * answered.length)]!, REDELIVERY_S),
    );
    const countsAfterRedeliveries = await effectCounts(ownerUrl, paid.community.id);
    const redeliveriesOk = redeliveries.result.statuses.get(200) ?? 0;
    const total = latencies.length;
    const perSecond = total / DURATION_S;
    const latency = summarize(latencies);
    const ok = statuses.get(200) ?? 0;
    console.log(
      `requests: ${total} in ${DURATION_S} s (${unique} unique events, ${duplicatesSent} re-deliveries); answers: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    const ratio = perSecond / healthPerSecond;
    const verdict = (met: boolean) => (met ? "MET" : "MISSED");
    console.log(`| metric | value | target |\n|---|---|---|`);
    console.log(`| events/s | ${perSecond.toFixed(0)} | >= ${TARGET_EVENTS_PER_S}: ${verdict(perSecond >= TARGET_EVENTS_PER_S)} |`);
    console.log(`| GET /api/health requests/s, same server and concurrency | ${healthPerSecond.toFixed(0)} | |`);
    console.log(`| events/s ÷ health requests/s | ${ratio.toFixed(2)}x | >= ${TARGET_HEALTH_RATIO.toFixed(1)}x: ${verdict(ratio >= TARGET_HEALTH_RATIO)} |`);
    console.log(
      `| latency median | ${ms(latency.median)} | |\n| latency p95 | ${ms(latency.p95)} | |\n| autocannon errors/timeouts | ${result.errors}/${result.timeouts} | |`,
    );
    const cpu = (label: string, { ms: c }: { ms: { server: number; postgres: number; loadGenerator: number } }) =>
      `| CPU per request, ${label}: server / PostgreSQL / load generator | ${c.server.toFixed(2)} / ${c.postgres.toFixed(2)} / ${c.loadGenerator.toFixed(2)} ms | |`;
    console.log(cpu("GET /api/health", health));
    console.log(cpu("renewal received (stored and queued)", renewals));
    const appliedAfter = stored.ledger - appliedBefore;
    if (workerDuringLoad) console.log(`| applied by npm run worker while the load ran (on the same cores) | ${appliedBefore} of ${stored.ledger} stored | |`);
    console.log(
      `| applied by one npm run worker after the load: events, seconds, events/s | ${appliedAfter}, ${apply.seconds.toFixed(1)} s, ${(appliedAfter / apply.seconds).toFixed(0)}/s | |`,
    );
    if (appliedAfter >= 100) console.log(`| CPU per event applied: worker / PostgreSQL | ${apply.workerMs.toFixed(2)} / ${apply.postgresMs.toFixed(2)} ms | |`);
    const redeliveriesPerSecond = redeliveries.result.latencies.length / REDELIVERY_S;
    console.log(
      `| re-deliveries only (signature, ledger says seen, no effects) requests/s, ÷ health | ${redeliveriesPerSecond.toFixed(0)}, ${(redeliveriesPerSecond / healthPerSecond).toFixed(2)}x | |`,
    );
    console.log(cpu("re-delivery only", redeliveries));
    console.log(`| next start RSS, idle after start | ${idleRssMb.toFixed(0)} MB | |`);
    console.log(`| next start RSS, peak during the run | ${peakRssMb.toFixed(0)} MB | < ${TARGET_RSS_MB} MB: ${verdict(peakRssMb < TARGET_RSS_MB)} |`);
    // Every unique event that was answered is stored, then applied once; duplicates add nothing.
    const exactlyOnce =
      counts.ledger === stored.ledger &&
      counts.applied === counts.ledger &&
      counts.ledger === counts.payments &&
      counts.payments === counts.analytics &&
      counts.ledger <= unique &&
      counts.ledger >= unique - CONNECTIONS &&
      JSON.stringify(countsAfterRedeliveries) === JSON.stringify(counts) &&
      redeliveriesOk === redeliveries.result.latencies.length;
    console.log(
      `rows after the run: ${counts.ledger} ledger (${counts.applied} applied), ${counts.payments} payments, ${counts.analytics} renewals for ${unique} unique events; ` +
        `after ${redeliveries.result.latencies.length} more re-deliveries (${redeliveriesOk} answered 200): ${countsAfterRedeliveries.ledger} / ${countsAfterRedeliveries.payments} / ${countsAfterRedeliveries.analytics} -> ${exactlyOnce ? "no duplicate effects" : "MISMATCH"}`,
    );
    const met = perSecond >= TARGET_EVENTS_PER_S && ratio >= TARGET_HEALTH_RATIO && peakRssMb < TARGET_RSS_MB && exactlyOnce && ok === total;
    console.log(`zero duplicate effects: ${verdict(exactlyOnce && ok === total)}`);
    return met;
  } finally {
    await worker?.stop();
    await server.stop();
    await h.close();
    if (process.env.BENCH_VERBOSE) console.log(server.log());
  }
}
