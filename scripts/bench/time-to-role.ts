// Time to role: from the moment the app receives a paid checkout's webhooks to
// the moment Discord (the fake) answers the bot's PUT of the tier's role.
// Members pay through the fake's hosted Checkout with a guilds.join grant and
// are not in the server yet, so each run is the whole path: the signed
// webhooks stored, their jobs applying them (the subscription sync), the role
// job, the join with the member's grant, and the role grant. Measured twice: with graphile-worker running in this
// process (as `next dev` runs it) and as its own process (`npm run worker`,
// as production runs it). Checkouts arrive at a steady rate, overlapping.
import { startRoleBench, workerProcess } from "./role-grants";
import { summarize } from "./stats";

const CHECKOUTS = 200;
const ARRIVALS_PER_S = 10;
const TARGETS = { inProcess: 1000, worker: 2000 };

export async function benchTimeToRole(appUrl: string): Promise<boolean> {
  console.log(`\n## Time to role: checkout webhook → role PUT at Discord (${CHECKOUTS} checkouts at ${ARRIVALS_PER_S}/s each run)`);
  const bench = await startRoleBench(appUrl);
  const { h } = bench;
  const { startWorker } = await import("../../lib/worker/worker");

  /** One run: fresh buyers pay, their webhooks arrive at a steady rate, the worker of the given kind grants the roles. */
  async function run(mode: keyof typeof TARGETS): Promise<boolean> {
    const buyers: Awaited<ReturnType<typeof bench.buyer>>[] = [];
    for (let i = 0; i < CHECKOUTS; i++) buyers.push(await bench.buyer(`bench_buyer_${mode}_${i}`));

    const runner = mode === "inProcess" ? await startWorker({ concurrency: 4 }) : await workerProcess();
    const received = new Map<string, number>();
    try {
      // Stripe sends a checkout's events together; each buyer's arrive in the order Stripe emitted them.
      const arrivals = buyers.map(async (buyer, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 1000) / ARRIVALS_PER_S));
        received.set(buyer.discordId, Date.now());
        for (const delivery of buyer.deliveries) {
          // The endpoint stores and answers; the worker applies the event, then grants the role.
          const answer = await h.receive(delivery);
          if (answer.status !== 200) throw new Error(`webhook ${delivery.type} answered ${answer.status}`);
        }
      });
      await Promise.all(arrivals);

      const ofThisRun = new Set(buyers.map((b) => b.discordId));
      let granted = new Map<string, number>();
      const deadline = Date.now() + 60_000;
      while (granted.size < CHECKOUTS && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        granted = new Map([...(await bench.rolePuts())].filter(([id]) => ofThisRun.has(id)).map(([id, at]) => [id, at[0]!]));
      }
      const latencies = buyers.filter((b) => granted.has(b.discordId)).map((b) => granted.get(b.discordId)! - received.get(b.discordId)!);
      const holders = await bench.holders();
      const inGuildWithRole = buyers.filter((b) => holders.has(b.discordId)).length;
      const t = summarize(latencies);
      const met = granted.size === CHECKOUTS && inGuildWithRole === CHECKOUTS && t.p95 < TARGETS[mode];
      const label = mode === "inProcess" ? "in-process worker (next dev)" : "npm run worker (own process)";
      console.log(
        `| ${label} | ${granted.size} of ${CHECKOUTS} | ${inGuildWithRole} | ${t.median} ms | ${t.p95} ms | ${Math.max(...latencies)} ms | p95 < ${TARGETS[mode]} ms: ${met ? "MET" : "MISSED"} |`,
      );
      return met;
    } finally {
      await runner.stop();
    }
  }

  try {
    console.log("| worker | roles granted | in the server with the role | median | p95 | max | target |\n|---|---|---|---|---|---|---|");
    const inProcess = await run("inProcess");
    const ownProcess = await run("worker");
    return inProcess && ownProcess;
  } finally {
    await bench.close();
  }
}
