// The fake Discord as tests drive it: started for a test file (the platform's
// bot, sign-in and token refreshes all pointed at it), its control endpoints to
// set up servers and act as people (join, leave, be banned), and a server's
// state read back.
import { afterAll, beforeAll } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../../e2e/fakes/discord/server";
import { botRest } from "../../lib/discord/bot-rest";

export type GuildState = {
  members: Record<string, string[]>;
  roles: { id: string; name: string; position: number }[];
  bots: Record<string, string>;
  requests: { method: string; path: string; status: number }[];
};

export function fakeDiscordControl(url: () => string) {
  async function control<T = Record<string, unknown>>(path: string, body?: object): Promise<T> {
    const response = await fetch(`${url()}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined });
    return response.json() as Promise<T>;
  }
  return { control, guildState: (guildId: string) => control<GuildState>(`guilds/${guildId}`) };
}

/** A fake Discord for this test file, with a bot client and the control endpoints bound to it. */
export function withFakeDiscord() {
  let discord: FakeDiscord | undefined;
  beforeAll(async () => {
    discord = await startFakeDiscord();
    process.env.DISCORD_FAKE_URL = discord.url;
  });
  afterAll(async () => {
    await discord?.close();
  });
  const url = () => discord!.url;
  return { url, rest: (token: string) => botRest(token, `${url()}/api`), ...fakeDiscordControl(url) };
}
