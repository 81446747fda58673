// What the role benches share: a paid community whose tier grants a role, the
// fake Discord that holds its server, buyers who pay through the fake Stripe's
// hosted Checkout with a guilds.join grant (their webhooks held back for the
// run), and the worker as its own process (`npm run worker`).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { PROJECT_ROOT } from "../lib/database-setup";

type Request = { method: string; path: string; status: number; at: number };

export async function startRoleBench(appUrl: string) {
  process.env.APP_DATABASE_URL = appUrl;
  process.env.BOT_TOKEN_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;
  process.env.COMMUNITYOS_GATEWAY = "off"; // joins are what the benches measure, not the gateway's echo of them
  process.env.LOG_LEVEL ??= "warn";

  const { startFakeDiscord } = await import("../../e2e/fakes/discord/server");
  const discord = await startFakeDiscord();
  process.env.DISCORD_FAKE_URL = discord.url;
  const control = async <T>(path: string, body?: object): Promise<T> =>
    (await fetch(`${discord.url}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined })).json() as Promise<T>;

  const { startStripeHarness, paidCommunity, WEBHOOK_SECRET } = await import("../../tests/support/stripe-webhooks");
  const { createUser } = await import("../../tests/support/fixtures");
  const { startCheckout } = await import("../../lib/billing/checkout");
  const { db } = await import("../../lib/db/client");
  const { DEMO_BOT } = await import("../../lib/discord/demo");

  const h = await startStripeHarness();
  // The worker applies the checkouts' events, and may ask the fake Stripe for their objects.
  process.env.STRIPE_FAKE_URL = h.fake.url;
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  const roleId = "900000000000000001";
  const paid = await paidCommunity(h, { discordRoleId: roleId, name: "Gold" });
  const { discordGuildId: guildId } = await db.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { discordGuildId: true } });
  await control("guilds", { id: guildId, name: "Bench", roles: [{ id: roleId, name: "Gold" }], channels: [{ id: "900000000000000002", name: "general" }] });
  await paid.inScope((tx) =>
    tx.discordBotConfig.create({ data: { communityId: paid.community.id, usesPlatformBot: true, clientId: DEMO_BOT.applicationId, permissions: 0n } }),
  );

  return {
    h,
    paid,
    control,
    guildId,
    roleId,
    /** A member who signed in with guilds.join and paid; the checkout's webhooks, held back. */
    async buyer(name: string) {
      const user = await createUser(name);
      const grant = await control<{ access_token: string; refresh_token: string; expires_at: number; scope: string }>("oauth/grant", {
        userId: user.discordId,
        scope: "identify email guilds guilds.join",
      });
      await db.account.create({ data: { userId: user.id, type: "oidc", provider: "discord", providerAccountId: user.discordId, ...grant } });
      const actor = { id: user.id, discordId: user.discordId, username: name };
      const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://localhost" }, h.client);
      const paidAt = await fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay" }), redirect: "manual" });
      if (paidAt.status !== 303) throw new Error(`checkout of ${name} did not complete: ${paidAt.status}`);
      return { discordId: user.discordId, deliveries: await h.take() };
    },
    /** Every successful PUT of the tier's role at the fake Discord, per member, with when each arrived. */
    async rolePuts(): Promise<Map<string, number[]>> {
      const { requests } = await control<{ requests: Request[] }>(`guilds/${guildId}`);
      const puts = new Map<string, number[]>();
      for (const r of requests) {
        const m = /\/members\/(\d+)\/roles\/(\d+)$/.exec(r.path);
        if (r.method === "PUT" && r.status === 204 && m?.[2] === roleId) puts.set(m[1]!, [...(puts.get(m[1]!) ?? []), r.at]);
      }
      return puts;
    },
    /** Members of the server holding the role now. */
    async holders(): Promise<Set<string>> {
      const { members } = await control<{ members: Record<string, string[]> }>(`guilds/${guildId}`);
      return new Set(
        Object.entries(members)
          .filter(([, roles]) => roles.includes(roleId))
          .map(([id]) => id),
      );
    },
    async close() {
      await h.close();
      await discord.close();
    },
  };
}

export type WorkerProcess = { pid: number; stop: () => Promise<void>; kill: () => Promise<void> };

/** `npm run worker` as production runs it: its own process, reporting once it listens for jobs. */
export async function workerProcess(env: Record<string, string> = {}): Promise<WorkerProcess> {
  // tsx as a loader in this very process: its CLI would run the worker in a child a SIGKILL never reaches.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker started") && resolve());
    child.once("exit", (code) => reject(new Error(`npm run worker exited (${code})`)));
  });
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
    /** As a crash or a lost machine would: no shutdown, its jobs left locked. */
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
