// The fake Discord's control endpoints, as tests drive them: set up servers,
// act as people (join, leave, be banned), and read a server's state back.
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
