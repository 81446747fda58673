// More than one machine's worth of processes on one database: two `next start`
// servers behind a small round-robin proxy, two `npm run worker` processes. A
// burst of paid checkouts' signed webhooks (with re-deliveries) goes through
// the proxy; one worker is killed mid-burst (SIGKILL: no shutdown, its jobs
// left locked) while reconciliation sweeps are queued. Then: every event applied
// once, every buyer holding the role after one grant, no job left behind, and
// the bad-signature limit shared by both servers.
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { buildNext, startNext, type NextServer } from "./next-server";
import { startRoleBench, workerProcess, type WorkerProcess } from "./role-grants";

const BUYERS = 120;
const IN_FLIGHT = 12;
const DUPLICATE_SHARE = 0.2;
const HEARTBEAT_S = 1;

/** Round-robin over the servers, appending the client's address as a reverse proxy does. */
async function roundRobin(backends: string[]) {
  const answered = backends.map(() => 0);
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % backends.length;
    answered[i]!++;
    const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    const upstream = http.request(
      `${backends[i]}${req.url}`,
      { method: req.method, headers: { ...req.headers, "x-forwarded-for": forwardedFor } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function benchCluster(ownerUrl: string, appUrl: string): Promise<boolean> {
  console.log(`\n## Two web servers and two workers on one database (${BUYERS} checkouts, ${DUPLICATE_SHARE * 100}% re-deliveries, a worker killed mid-burst)`);
  const bench = await startRoleBench(appUrl);
  const { WEBHOOK_SECRET, sign } = await import("../../tests/support/stripe-webhooks");
  const { enqueueJob, JOB_KINDS } = await import("../../lib/jobs/enqueue");
  const buyers: Awaited<ReturnType<typeof bench.buyer>>[] = [];
  for (let i = 0; i < BUYERS; i++) buyers.push(await bench.buyer(`cluster_buyer_${i}`));

  await buildNext();
  const env = {
    APP_DATABASE_URL: appUrl,
    STRIPE_FAKE_URL: bench.h.fake.url,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DISCORD_FAKE_URL: process.env.DISCORD_FAKE_URL!,
    BOT_TOKEN_KEYS: process.env.BOT_TOKEN_KEYS!,
    COMMUNITYOS_GATEWAY: "off",
    LOG_LEVEL: "warn",
  };
  const servers: NextServer[] = [];
  const workers: WorkerProcess[] = [];
  let proxy: Awaited<ReturnType<typeof roundRobin>> | null = null;
  try {
    servers.push(...(await Promise.all([startNext(env), startNext(env)])));
    proxy = await roundRobin(servers.map((s) => s.url));
    for (let i = 0; i < 2; i++) workers.push(await workerProcess({ ...env, WORKER_HEARTBEAT_SECONDS: String(HEARTBEAT_S) }));

    // The burst: buyers' events in Stripe's order, IN_FLIGHT buyers at a time, re-deliveries mixed in.
    const statuses = new Map<number, number>();
    const uniqueEvents = new Set<string>();
    const sent: { raw: string }[] = [];
    const post = async (raw: string) => {
      const answer = await fetch(`${proxy!.url}/api/webhooks/stripe`, {
        method: "POST",
        body: raw,
        headers: { "content-type": "application/json", "stripe-signature": sign(raw, { secret: WEBHOOK_SECRET }) },
      });
      await answer.arrayBuffer();
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    };
    let duplicates = 0;
    let killedAt = -1;
    let orphaned = 0;
    /**
     * Discord rate-limits the next role grants (a few seconds' Retry-After, waited out inside
     * the job), so the worker is killed while it holds a job, as a crash mid-grant would leave it.
     */
    const killHoldingAJob = async (worker: WorkerProcess): Promise<number> => {
      await bench.control("failures", { status: 429, retryAfter: 3, times: 6, path: "^PUT .*/roles/" });
      const owner = new pg.Client({ connectionString: ownerUrl });
      await owner.connect();
      try {
        const held = async () =>
          (
            await owner.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN job_worker_heartbeats h ON h.worker_id = j.locked_by WHERE h.process LIKE $1`,
              [`%:${worker.pid}`],
            )
          ).rows[0]!.n;
        const until = Date.now() + 10_000;
        let n = await held();
        while (n === 0 && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          n = await held();
        }
        await worker.kill();
        return n;
      } finally {
        await owner.end();
      }
    };
    const queue = [...buyers.keys()];
    const sweep = () => bench.paid.inScope((tx) => enqueueJob(tx, JOB_KINDS.reconcile, { communityId: bench.paid.community.id }));
    const started = Date.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          for (const delivery of buyers[i]!.deliveries) {
            uniqueEvents.add(delivery.id);
            sent.push(delivery);
            await post(delivery.raw);
            if (Math.random() < DUPLICATE_SHARE) {
              duplicates++;
              await post(sent[Math.floor(Math.random() * sent.length)]!.raw);
            }
          }
          // A third of the way in: one worker dies holding a job, and sweeps are queued for whichever worker is left.
          if (i === Math.floor(BUYERS / 3) && killedAt < 0) {
            orphaned = await killHoldingAJob(workers[0]!);
            killedAt = Date.now() - started;
            await sweep();
          }
          if (i === Math.floor((2 * BUYERS) / 3)) await sweep();
        }
      }),
    );
    const burstMs = Date.now() - started;

    // Every buyer's role, through the surviving worker.
    const deadline = Date.now() + 90_000;
    let holders = await bench.holders();
    while (buyers.some((b) => !holders.has(b.discordId)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      holders = await bench.holders();
    }
    const allRolesMs = Date.now() - started;
    const puts = await bench.rolePuts();
    const withRole = buyers.filter((b) => holders.has(b.discordId)).length;
    const putCounts = buyers.map((b) => puts.get(b.discordId)?.length ?? 0);

    // What the database holds: each event once, one payment per checkout, no job left.
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    let rows: { ledger: number; payments: number; subscriptions: number; jobsLeft: number; lockedJobs: number };
    try {
      const communityId = bench.paid.community.id;
      const waitForJobs = Date.now() + 30_000;
      const read = async () =>
        (
          await owner.query(
            `SELECT (SELECT count(*)::int FROM stripe_events WHERE community_id = $1 AND id = ANY($2) AND outcome = 'processed') AS ledger,
                    (SELECT count(*)::int FROM payments WHERE community_id = $1) AS payments,
                    (SELECT count(*)::int FROM subscriptions WHERE community_id = $1) AS subscriptions,
                    (SELECT count(*)::int FROM graphile_worker._private_jobs WHERE payload->>'communityId' = $1::text AND run_at < now()) AS "jobsLeft",
                    (SELECT count(*)::int FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL) AS "lockedJobs"`,
            [communityId, [...uniqueEvents]],
          )
        ).rows[0];
      rows = await read();
      while ((rows.jobsLeft > 0 || rows.lockedJobs > 0) && Date.now() < waitForJobs) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        rows = await read();
      }
    } finally {
      await owner.end();
    }

    // The bad-signature limit (20 a minute per address) holds across both servers.
    const badAnswers = new Map<number, number>();
    for (let i = 0; i < 30; i++) {
      const answer = await fetch(`${proxy.url}/api/webhooks/stripe`, { method: "POST", body: "{}", headers: { "stripe-signature": "t=1,v1=bad" } });
      await answer.arrayBuffer();
      badAnswers.set(answer.status, (badAnswers.get(answer.status) ?? 0) + 1);
    }

    const requests = [...statuses.values()].reduce((a, b) => a + b, 0);
    const verdict = (ok: boolean) => (ok ? "MET" : "MISSED");
    const checks = {
      answered: statuses.get(200) === requests,
      bothServers: proxy.answered.every((n) => n > BUYERS),
      once: rows.ledger === uniqueEvents.size && rows.payments === BUYERS && rows.subscriptions === BUYERS,
      roles: withRole === BUYERS,
      grantedOnce: putCounts.every((n) => n === 1),
      noJobLost: orphaned > 0 && rows.jobsLeft === 0 && rows.lockedJobs === 0,
      sharedLimit: badAnswers.get(400) === 20 && badAnswers.get(429) === 10,
    };
    console.log("| check | measured | target |\n|---|---|---|");
    console.log(
      `| webhook answers through the proxy | ${JSON.stringify(Object.fromEntries(statuses))} (${uniqueEvents.size} events, ${duplicates} re-deliveries, ${(burstMs / 1000).toFixed(1)} s) | all 200: ${verdict(checks.answered)} |`,
    );
    console.log(`| requests per server | ${proxy.answered.join(" / ")} | both serve: ${verdict(checks.bothServers)} |`);
    console.log(
      `| ledger rows / payments / subscriptions | ${rows.ledger} / ${rows.payments} / ${rows.subscriptions} | ${uniqueEvents.size} / ${BUYERS} / ${BUYERS}: ${verdict(checks.once)} |`,
    );
    console.log(
      `| buyers holding the role | ${withRole} of ${BUYERS}, all by ${(allRolesMs / 1000).toFixed(1)} s (worker killed at ${(killedAt / 1000).toFixed(1)} s) | all: ${verdict(checks.roles)} |`,
    );
    console.log(
      `| role PUTs per buyer | min ${Math.min(...putCounts)}, max ${Math.max(...putCounts)}, total ${putCounts.reduce((a, b) => a + b, 0)} | one each: ${verdict(checks.grantedOnce)} |`,
    );
    console.log(
      `| jobs the killed worker held / due but not done afterwards / still locked | ${orphaned} / ${rows.jobsLeft} / ${rows.lockedJobs} | held ≥ 1, then 0 / 0: ${verdict(checks.noJobLost)} |`,
    );
    console.log(
      `| 30 bad signatures through the proxy | ${JSON.stringify(Object.fromEntries(badAnswers))} | 20 × 400 then 429 (one limit for both servers): ${verdict(checks.sharedLimit)} |`,
    );
    return Object.values(checks).every(Boolean);
  } finally {
    await proxy?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(servers.map((s) => s.stop()));
    await bench.close();
  }
}
