// Time to role: from the moment the app receives a paid checkout's webhooks to
// the moment Discord (the fake) answers the bot's PUT of the tier's role.
// Members pay through the fake's hosted Checkout with a guilds.join grant and
// are not in the server yet, so each run is the whole path: the signed
// webhooks, the subscription sync, the job, the join with the member's grant,
// and the role grant. Measured twice: with graphile-worker running in this
// process (as `next dev` runs it) and as its own process (`npm run worker`,
// as production runs it). Checkouts arrive at a steady rate, overlapping.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { PROJECT_ROOT } from "../lib/database-setup";
import { summarize } from "./stats";

const CHECKOUTS = 200;
const ARRIVALS_PER_S = 10;
const TARGETS = { inProcess: 1000, worker: 2000 };

/** `npm run worker` as production runs it: its own process, reporting once it listens for jobs. */
async function workerProcess(): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/worker.ts"], {
    cwd: PROJECT_ROOT,
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker started") && resolve());
    child.once("exit", (code) => reject(new Error(`npm run worker exited (${code})`)));
  });
  return {
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

type Request = { method: string; path: string; status: number; at: number };

export async function benchTimeToRole(appUrl: string): Promise<boolean> {
  console.log(`\n## Time to role: checkout webhook → role PUT at Discord (${CHECKOUTS} checkouts at ${ARRIVALS_PER_S}/s each run)`);
  process.env.APP_DATABASE_URL = appUrl;
  process.env.BOT_TOKEN_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  process.env.COMMUNITYOS_GATEWAY = "off"; // joins are what this measures, not the gateway's echo of them
  process.env.LOG_LEVEL ??= "warn";

  const { startFakeDiscord } = await import("../../e2e/fakes/discord/server");
  const discord = await startFakeDiscord();
  process.env.DISCORD_FAKE_URL = discord.url;
  const control = async <T>(path: string, body?: object): Promise<T> =>
    (await fetch(`${discord.url}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined })).json() as Promise<T>;

  const { startStripeHarness, paidCommunity } = await import("../../tests/support/stripe-webhooks");
  const { createUser } = await import("../../tests/support/fixtures");
  const { startCheckout } = await import("../../lib/billing/checkout");
  const { db } = await import("../../lib/db/client");
  const { DEMO_BOT } = await import("../../lib/discord/demo");
  const { startWorker } = await import("../../lib/worker/worker");

  const h = await startStripeHarness();
  const roleId = "900000000000000001";
  const paid = await paidCommunity(h, { discordRoleId: roleId, name: "Gold" });
  const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { discordGuildId: true } });
  await control("guilds", { id: guildId, name: "Bench", roles: [{ id: roleId, name: "Gold" }], channels: [{ id: "900000000000000002", name: "general" }] });
  await paid.inScope((tx) =>
    tx.discordBotConfig.create({ data: { communityId: paid.community.id, usesPlatformBot: true, clientId: DEMO_BOT.applicationId, permissions: 0n } }),
  );

  /** One run: fresh buyers pay, their webhooks arrive at a steady rate, the worker of the given kind grants the roles. */
  async function run(mode: keyof typeof TARGETS): Promise<boolean> {
    // Every member signs in with guilds.join and pays; their webhooks are held back until the run.
    const buyers: { discordId: string; deliveries: Awaited<ReturnType<typeof h.take>> }[] = [];
    for (let i = 0; i < CHECKOUTS; i++) {
      const user = await createUser(`bench_buyer_${mode}_${i}`);
      const grant = await control<{ access_token: string; refresh_token: string; expires_at: number; scope: string }>("oauth/grant", {
        userId: user.discordId,
        scope: "identify email guilds guilds.join",
      });
      await db.account.create({ data: { userId: user.id, type: "oidc", provider: "discord", providerAccountId: user.discordId, ...grant } });
      const actor = { id: user.id, discordId: user.discordId, username: `bench_buyer_${mode}_${i}` };
      const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" }, h.client);
      const paidAt = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
      if (paidAt.status !== 303) throw new Error(`checkout ${i} did not complete: ${paidAt.status}`);
      buyers.push({ discordId: user.discordId, deliveries: await h.take() });
    }

    const runner = mode === "inProcess" ? await startWorker({ concurrency: 4 }) : await workerProcess();
    const received = new Map<string, number>();
    try {
      // Stripe sends a checkout's events together; each buyer's arrive in the order Stripe emitted them.
      const arrivals = buyers.map(async (buyer, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 1000) / ARRIVALS_PER_S));
        received.set(buyer.discordId, Date.now());
        for (const delivery of buyer.deliveries) {
          const answer = await h.deliver(delivery);
          if (answer.status !== 200) throw new Error(`webhook ${delivery.type} answered ${answer.status}`);
        }
      });
      await Promise.all(arrivals);

      const granted = new Map<string, number>();
      const ofThisRun = new Set(buyers.map((b) => b.discordId));
      const deadline = Date.now() + 60_000;
      while (granted.size < CHECKOUTS && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const { requests } = await control<{ requests: Request[] }>(`guilds/${guildId}`);
        for (const r of requests) {
          const m = /\/members\/(\d+)\/roles\/(\d+)$/.exec(r.path);
          if (r.method === "PUT" && r.status === 204 && m?.[2] === roleId && ofThisRun.has(m[1]!) && !granted.has(m[1]!)) granted.set(m[1]!, r.at);
        }
      }
      const latencies = buyers.filter((b) => granted.has(b.discordId)).map((b) => granted.get(b.discordId)! - received.get(b.discordId)!);
      const { members } = await control<{ members: Record<string, string[]> }>(`guilds/${guildId}`);
      const inGuildWithRole = buyers.filter((b) => members[b.discordId]?.includes(roleId)).length;
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
    await h.close();
    await discord.close();
  }
}
