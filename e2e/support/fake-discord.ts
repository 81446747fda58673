/** Test-only: the fake Discord's control API (its state, role positions, signed interactions). */
export async function fakeDiscord<T = unknown>(path: string, body?: object): Promise<T> {
  const base = process.env.DISCORD_FAKE_URL;
  if (!base) throw new Error("DISCORD_FAKE_URL is set by `npm test`");
  const response = await fetch(`${base}/_control/${path}`, { method: body ? "POST" : "GET", body: body ? JSON.stringify(body) : undefined });
  if (!response.ok) throw new Error(`fake Discord ${path}: ${response.status}`);
  return (await response.json()) as T;
}

export type GuildState = { members: Record<string, string[]>; messages: { channelId: string; content: string }[] };
