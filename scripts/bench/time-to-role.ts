// Time to role: from the moment the app receives a paid checkout's webhooks to
// the moment Discord (the fake) answers the bot's PUT of the tier's role.
// Members pay through the fake's hosted Checkout with a guilds.join grant and
// are not in the server yet, so each run is the whole path: the signed
// webhooks, the subscription sync, the job, the join with the member's grant,
// and the role grant, with graphile-worker running in this process as
// `next dev` runs it. Checkouts arrive at a steady rate, overlapping.
import { randomBytes } from "node:crypto";
import { summarize } from "./stats";

const CHECKOUTS = 200;
const ARRIVALS_PER_S = 10;
const TARGET_P95_MS = 1000;

type Request = { method: string; path: string; status: number; at: number };

export async function benchTimeToRole(appUrl: string): Promise<boolean> {
  console.log(`\n## Time to role: checkout webhook → role PUT at Discord (${CHECKOUTS} checkouts at ${ARRIVALS_PER_S}/s, in-process worker)`);
  process.env.APP_DATABASE_URL = appUrl;
  process.env.BOT_TOKEN_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  process.env.COMMUNITYOS_GATEWAY = "off"; // joins are what this measures, not the gateway's echo of them
  process.env.LOG_LEVEL ??= "warn";

  const { startFakeDiscord } = await import("../../e2e/fakes/discord/server");
  const discord = await startFakeDiscord();
  process.env.DISCORD_FAKE_URL = discord.url;
  const control = async <T,>(path: string, body?: object): Promise<T> =>
    (await fetch(`${discord.url}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined })).json() as Promise<T>;

  const { startStripeHarness, paidCommunity } = await import("../../tests/support/stripe-webhooks");
  const { createUser } = await import("../../tests/support/fixtures");
  const { startCheckout } = await import("../../lib/billing/checkout");
  const { db } = await import("../../lib/db/client");
  const { DEMO_BOT } = await import("../../lib/discord/demo");
  const { startWorker } = await import("../../lib/jobs/worker");

  const h = await startStripeHarness();
  const roleId = "900000000000000001";
  const paid = await paidCommunity(h, { discordRoleId: roleId, name: "Gold" });
  const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { discordGuildId: true } });
  await control("guilds", { id: guildId, name: "Bench", roles: [{ id: roleId, name: "Gold" }], channels: [{ id: "900000000000000002", name: "general" }] });
  await paid.inScope((tx) => tx.discordBotConfig.create({ data: { communityId: paid.community.id, usesPlatformBot: true, clientId: DEMO_BOT.applicationId, permissions: 0n } }));

  // Every member signs in with guilds.join and pays; their webhooks are held back until the run.
  const buyers: { discordId: string; deliveries: Awaited<ReturnType<typeof h.take>> }[] = [];
  for (let i = 0; i < CHECKOUTS; i++) {
    const user = await createUser(`bench_buyer_${i}`);
    const grant = await control<{ access_token: string; refresh_token: string; expires_at: number; scope: string }>("oauth/grant", { userId: user.discordId, scope: "identify email guilds guilds.join" });
    await db.account.create({ data: { userId: user.id, type: "oidc", provider: "discord", providerAccountId: user.discordId, ...grant } });
    const actor = { id: user.id, discordId: user.discordId, username: `bench_buyer_${i}` };
    const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" }, h.client);
    const paidAt = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
    if (paidAt.status !== 303) throw new Error(`checkout ${i} did not complete: ${paidAt.status}`);
    buyers.push({ discordId: user.discordId, deliveries: await h.take() });
  }

  const runner = await startWorker({ concurrency: 4 });
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
    const deadline = Date.now() + 60_000;
    while (granted.size < CHECKOUTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const { requests } = await control<{ requests: Request[] }>(`guilds/${guildId}`);
      for (const r of requests) {
        const m = /\/members\/(\d+)\/roles\/(\d+)$/.exec(r.path);
        if (r.method === "PUT" && r.status === 204 && m?.[2] === roleId && !granted.has(m[1]!)) granted.set(m[1]!, r.at);
      }
    }
    const latencies = buyers.filter((b) => granted.has(b.discordId)).map((b) => granted.get(b.discordId)! - received.get(b.discordId)!);
    const { members } = await control<{ members: Record<string, string[]> }>(`guilds/${guildId}`);
    const inGuildWithRole = buyers.filter((b) => members[b.discordId]?.includes(roleId)).length;
    const t = summarize(latencies);
    console.log(`| metric | value |\n|---|---|\n| roles granted | ${granted.size} of ${CHECKOUTS} |\n| members in the server with the role | ${inGuildWithRole} |\n| median | ${t.median} ms |\n| p95 | ${t.p95} ms |\n| max | ${Math.max(...latencies)} ms |`);
    const met = granted.size === CHECKOUTS && inGuildWithRole === CHECKOUTS && t.p95 < TARGET_P95_MS;
    console.log(`target p95 < ${TARGET_P95_MS} ms with every member in the server with the role: ${met ? "met" : "missed"}`);
    return met;
  } finally {
    await runner.stop();
    await h.close();
    await discord.close();
  }
}
