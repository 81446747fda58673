// The fake Discord is only worth what it shares with the real one. Every route
// it serves must be a route of Discord's own OpenAPI spec (the discord-api-spec
// package), and every answer, refusals included, must parse with the spec's
// schema for that route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathsList } from "discord-api-spec";
import * as spec from "discord-api-spec/zod";
import { FAKE_APPLICATIONS } from "../e2e/fakes/discord/data";
import { ROUTES } from "../e2e/fakes/discord/rest";
import { startFakeDiscord, type FakeDiscord } from "../e2e/fakes/discord/server";

let discord: FakeDiscord;
const BOT = FAKE_APPLICATIONS[0]!;
const GUILD = "298000000000000001";
const ROLE = "398000000000000001";
const CHANNEL = "498000000000000001";
const USER = "100000000000000004";

beforeAll(async () => {
  discord = await startFakeDiscord();
});
afterAll(() => discord.close());

type Schema = { safeParse: (value: unknown) => { success: boolean; error?: { issues: unknown[] } } };
const z = spec as unknown as Record<string, Schema>;
const list = (item: Schema): Schema => ({
  safeParse: (value) => {
    if (!Array.isArray(value)) return { success: false, error: { issues: ["not an array"] } };
    const bad = value.map((v) => item.safeParse(v)).find((r) => !r.success);
    return bad ?? { success: true };
  },
});

async function call(method: string, path: string, options: { bot?: boolean; bearer?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.bot !== false && !options.bearer) headers.authorization = `Bot ${BOT.token}`;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await fetch(`${discord.url}/api/v10${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function conforms(schema: Schema, value: unknown, where: string) {
  const result = schema.safeParse(value);
  expect(result.success, `${where}: ${JSON.stringify(result.error?.issues?.slice(0, 3))}`).toBe(true);
}

describe("the fake Discord against Discord's OpenAPI spec", () => {
  it("serves only routes the spec has, with the same methods", () => {
    const lists = pathsList as unknown as Record<string, readonly string[]>;
    for (const route of ROUTES) expect(lists[route.method.toLowerCase()], `${route.method} ${route.path}`).toContain(route.path);
    expect(ROUTES.length).toBeGreaterThanOrEqual(14);
  });

  it("answers every route in the spec's shapes, and refuses in the spec's error shape", async () => {
    await fetch(`${discord.url}/_control/guilds`, {
      method: "POST",
      body: JSON.stringify({ id: GUILD, roles: [{ id: ROLE, name: "Gold" }], channels: [{ id: CHANNEL, name: "general" }] }),
    });
    const grant = (await (
      await fetch(`${discord.url}/_control/oauth/grant`, { method: "POST", body: JSON.stringify({ userId: USER, scope: "identify email guilds guilds.join" }) })
    ).json()) as { access_token: string };

    conforms(z.UserPIIResponseSchema!, (await call("GET", "/users/@me")).body, "GET /users/@me (bot)");
    conforms(z.UserPIIResponseSchema!, (await call("GET", "/users/@me", { bearer: grant.access_token })).body, "GET /users/@me (user)");
    conforms(z.GatewayBotResponseSchema!, (await call("GET", "/gateway/bot")).body, "GET /gateway/bot");
    conforms(z.GuildWithCountsResponseSchema!, (await call("GET", `/guilds/${GUILD}`)).body, "GET /guilds/{guild_id}");
    conforms(list(z.GuildRoleResponseSchema!), (await call("GET", `/guilds/${GUILD}/roles`)).body, "GET /guilds/{guild_id}/roles");
    conforms(
      z.GuildRoleResponseSchema!,
      (await call("POST", `/guilds/${GUILD}/roles`, { body: { name: "Made by the bot" } })).body,
      "POST /guilds/{guild_id}/roles",
    );
    conforms(list(z.GuildChannelResponseSchema!), (await call("GET", `/guilds/${GUILD}/channels`)).body, "GET /guilds/{guild_id}/channels");

    const added = await call("PUT", `/guilds/${GUILD}/members/${USER}`, { body: { access_token: grant.access_token } });
    expect(added.status).toBe(201);
    conforms(z.GuildMemberResponseSchema!, added.body, "PUT /guilds/{guild_id}/members/{user_id}");
    expect((await call("PUT", `/guilds/${GUILD}/members/${USER}`, { body: { access_token: grant.access_token } })).status).toBe(204);
    conforms(z.GuildMemberResponseSchema!, (await call("GET", `/guilds/${GUILD}/members/${USER}`)).body, "GET /guilds/{guild_id}/members/{user_id}");
    conforms(list(z.MyGuildResponseSchema!), (await call("GET", "/users/@me/guilds", { bearer: grant.access_token })).body, "GET /users/@me/guilds");
    expect((await call("PUT", `/guilds/${GUILD}/members/${USER}/roles/${ROLE}`)).status).toBe(204);
    expect((await call("DELETE", `/guilds/${GUILD}/members/${USER}/roles/${ROLE}`)).status).toBe(204);

    const dm = await call("POST", "/users/@me/channels", { body: { recipient_id: USER } });
    conforms(z.PrivateChannelResponseSchema!, dm.body, "POST /users/@me/channels");
    conforms(
      z.MessageResponseSchema!,
      (await call("POST", `/channels/${CHANNEL}/messages`, { body: { content: "hello" } })).body,
      "POST /channels/{channel_id}/messages",
    );
    conforms(
      z.MessageResponseSchema!,
      (await call("POST", `/channels/${(dm.body as { id: string }).id}/messages`, { body: { content: "a DM" } })).body,
      "POST (a DM)",
    );
    conforms(
      list(z.ApplicationCommandResponseSchema!),
      (await call("PUT", `/applications/${BOT.id}/guilds/${GUILD}/commands`, { body: [{ name: "status", description: "Your membership", type: 1 }] })).body,
      "PUT /applications/{application_id}/guilds/{guild_id}/commands",
    );
    expect((await call("DELETE", `/guilds/${GUILD}/members/${USER}`)).status).toBe(204);

    // Refusals: each with Discord's code, in its error shape.
    const refusals: [string, Awaited<ReturnType<typeof call>>, number][] = [
      ["role on a non-member", await call("PUT", `/guilds/${GUILD}/members/${USER}/roles/${ROLE}`), 10007],
      ["unknown role", await call("PUT", `/guilds/${GUILD}/members/${BOT.botUserId}/roles/398000000000000999`), 10011],
      ["unknown server", await call("GET", "/guilds/298000000000000999/roles"), 10004],
      ["unknown member", await call("GET", `/guilds/${GUILD}/members/${USER}`), 10007],
      ["bad access token", await call("PUT", `/guilds/${GUILD}/members/${USER}`, { body: { access_token: "nope" } }), 50025],
      ["unknown channel", await call("POST", "/channels/498000000000000999/messages", { body: { content: "x" } }), 10003],
      ["empty message", await call("POST", `/channels/${CHANNEL}/messages`, { body: { content: "" } }), 50006],
    ];
    for (const [name, answer, code] of refusals) {
      expect(answer.status, name).toBeGreaterThanOrEqual(400);
      expect((answer.body as { code: number }).code, name).toBe(code);
      conforms(z.ErrorResponseSchema!, answer.body, name);
    }
    expect((await call("GET", `/guilds/${GUILD}/roles`, { bot: false })).status).toBe(401);
  });
});
