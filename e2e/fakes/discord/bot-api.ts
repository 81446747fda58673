// The bot side of the fake Discord: guilds with roles and members, role grants
// and removals with Discord's permission and hierarchy rules, channel messages
// and DMs, command registration, and a control API for tests (inject 429, 5xx,
// 50013, 10007; reorder roles; read the state; send signed interactions).
import { generateKeyPairSync, randomBytes, sign as edSign } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FAKE_BOT, FAKE_GUILD_ROLES, FAKE_GUILDS, PERMISSIONS, type FakeRole } from "./data";

type Guild = {
  id: string;
  name: string;
  roles: Map<string, FakeRole>;
  members: Map<string, Set<string>>;
  left: Set<string>;
  botRoles: string[];
  botInGuild: boolean;
};
type Failure = { status: number; code?: number; retryAfter?: number; times: number; path?: string };
export type SentMessage = { channelId: string; content: string; at: string };

export type BotApi = {
  handle(req: IncomingMessage, res: ServerResponse, path: string, body: string): boolean;
  control(req: IncomingMessage, res: ServerResponse, path: string, body: string): Promise<boolean>;
  publicKey: string;
};

const ED25519_SPKI_PREFIX_LENGTH = 12;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
const discordError = (res: ServerResponse, status: number, code: number, message: string) => json(res, status, { message, code });

export function createBotApi(): BotApi {
  const guilds = new Map<string, Guild>();
  const failures: Failure[] = [];
  const messages: SentMessage[] = [];
  const commands = new Map<string, unknown[]>();
  const requests: { method: string; path: string; status: number }[] = [];
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(ED25519_SPKI_PREFIX_LENGTH).toString("hex");

  function guild(id: string): Guild {
    let g = guilds.get(id);
    if (!g) {
      const name = Object.values(FAKE_GUILDS).flat().find((x) => x.id === id)?.name ?? `Guild ${id.slice(-4)}`;
      const roles = new Map<string, FakeRole>([
        [id, { id, name: "@everyone", position: 0, permissions: String(PERMISSIONS.SEND_MESSAGES) }],
        [`${id.slice(0, -2)}99`, { id: `${id.slice(0, -2)}99`, name: "CommunityOS Bot", position: 10, permissions: String(PERMISSIONS.MANAGE_ROLES | PERMISSIONS.SEND_MESSAGES) }],
      ]);
      for (const role of FAKE_GUILD_ROLES[id] ?? []) roles.set(role.id, { ...role });
      g = { id, name, roles, members: new Map(), left: new Set(), botRoles: [`${id.slice(0, -2)}99`], botInGuild: true };
      guilds.set(id, g);
    }
    return g;
  }
  const memberRoles = (g: Guild, userId: string) => {
    if (!g.members.has(userId)) g.members.set(userId, new Set());
    return g.members.get(userId)!;
  };
  const botTop = (g: Guild) => Math.max(...g.botRoles.map((r) => g.roles.get(r)?.position ?? 0));
  const botPermissions = (g: Guild) => g.botRoles.reduce((acc, r) => acc | BigInt(g.roles.get(r)?.permissions ?? "0"), BigInt(g.roles.get(g.id)!.permissions));
  const canManageRoles = (g: Guild) => {
    const p = botPermissions(g);
    return (p & PERMISSIONS.ADMINISTRATOR) !== 0n || (p & PERMISSIONS.MANAGE_ROLES) !== 0n;
  };

  function respond(req: IncomingMessage, res: ServerResponse, path: string, body: string) {
    const method = req.method ?? "GET";
    const failure = failures.find((f) => f.times > 0 && (!f.path || new RegExp(f.path).test(`${method} ${path}`)));
    if (failure) {
      failure.times--;
      if (failure.status === 429) {
        const retryAfter = failure.retryAfter ?? 0.05;
        return json(res, 429, { message: "You are being rate limited.", retry_after: retryAfter, global: false }, {
          "retry-after": String(Math.ceil(retryAfter)),
          "x-ratelimit-scope": "user",
        });
      }
      return discordError(res, failure.status, failure.code ?? 0, failure.code ? `Injected error ${failure.code}` : "Injected server error");
    }
    if (path === "/api/users/@me" && method === "GET") return json(res, 200, { id: FAKE_BOT.userId, username: FAKE_BOT.username, bot: true, discriminator: "0" });
    if (path === "/api/users/@me/channels" && method === "POST") {
      const { recipient_id } = JSON.parse(body || "{}") as { recipient_id?: string };
      return json(res, 200, { id: `dm-${recipient_id}`, type: 1, recipients: [{ id: recipient_id }] });
    }
    let m = /^\/api\/channels\/([\w-]+)\/messages$/.exec(path);
    if (m && method === "POST") {
      const { content } = JSON.parse(body || "{}") as { content?: string };
      if (!content) return discordError(res, 400, 50006, "Cannot send an empty message");
      messages.push({ channelId: m[1]!, content, at: new Date().toISOString() });
      return json(res, 200, { id: randomBytes(8).toString("hex"), channel_id: m[1], content });
    }
    m = /^\/api\/applications\/(\d+)\/guilds\/(\d+)\/commands$/.exec(path);
    if (m && method === "PUT") {
      commands.set(m[2]!, JSON.parse(body || "[]"));
      return json(res, 200, (commands.get(m[2]!) as object[]).map((c, i) => ({ ...c, id: String(i + 1), application_id: m![1] })));
    }
    m = /^\/api\/guilds\/(\d+)(\/.*)?$/.exec(path);
    if (!m) return discordError(res, 404, 0, "404: Not Found");
    const g = guild(m[1]!);
    if (!g.botInGuild) return discordError(res, 404, 10004, "Unknown Guild");
    const rest = m[2] ?? "";
    if (rest === "" && method === "GET") return json(res, 200, { id: g.id, name: g.name, roles: [...g.roles.values()] });
    if (rest === "/roles" && method === "GET") return json(res, 200, [...g.roles.values()]);
    const member = /^\/members\/(\d+)$/.exec(rest);
    if (member && method === "GET") {
      const userId = member[1]!;
      if (userId === FAKE_BOT.userId) return json(res, 200, { user: { id: userId, bot: true }, roles: g.botRoles });
      if (g.left.has(userId)) return discordError(res, 404, 10007, "Unknown Member");
      return json(res, 200, { user: { id: userId }, roles: [...memberRoles(g, userId)] });
    }
    const grant = /^\/members\/(\d+)\/roles\/(\d+)$/.exec(rest);
    if (grant && (method === "PUT" || method === "DELETE")) {
      const [, userId, roleId] = grant as unknown as [string, string, string];
      if (g.left.has(userId)) return discordError(res, 404, 10007, "Unknown Member");
      const role = g.roles.get(roleId);
      if (!role) return discordError(res, 404, 10011, "Unknown Role");
      if (!canManageRoles(g) || role.position >= botTop(g)) return discordError(res, 403, 50013, "Missing Permissions");
      if (method === "PUT") memberRoles(g, userId).add(roleId);
      else memberRoles(g, userId).delete(roleId);
      res.writeHead(204).end();
      return;
    }
    return discordError(res, 404, 0, "404: Not Found");
  }

  return {
    publicKey: publicKeyHex,
    handle(req, res, path, body) {
      if (!/^Bot\s+/.test(req.headers.authorization ?? "")) return false;
      if (req.headers.authorization !== `Bot ${FAKE_BOT.token}`) {
        requests.push({ method: req.method ?? "GET", path, status: 401 });
        discordError(res, 401, 0, "401: Unauthorized");
        return true;
      }
      const end = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        requests.push({ method: req.method ?? "GET", path, status: res.statusCode });
        return end(...args);
      }) as typeof res.end;
      respond(req, res, path, body);
      return true;
    },
    async control(req, res, path, body) {
      if (!path.startsWith("/_control/")) return false;
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      let m: RegExpExecArray | null;
      if (path === "/_control/failures" && req.method === "POST") {
        failures.push({ status: Number(input.status), code: input.code as number | undefined, retryAfter: input.retryAfter as number | undefined, times: Number(input.times ?? 1), path: input.path as string | undefined });
        json(res, 200, { queued: failures.length });
      } else if (path === "/_control/reset" && req.method === "POST") {
        failures.length = 0;
        requests.length = 0;
        json(res, 200, { ok: true });
      } else if ((m = /^\/_control\/guilds\/(\d+)$/.exec(path)) && req.method === "GET") {
        const g = guild(m[1]!);
        json(res, 200, {
          members: Object.fromEntries([...g.members].map(([id, roles]) => [id, [...roles]])),
          roles: [...g.roles.values()],
          botRoles: g.botRoles,
          commands: commands.get(g.id) ?? [],
          messages,
          requests,
        });
      } else if ((m = /^\/_control\/guilds\/(\d+)\/roles$/.exec(path)) && req.method === "POST") {
        const g = guild(m[1]!);
        const role = { id: String(input.id), name: String(input.name ?? "Role"), position: Number(input.position ?? 1), permissions: String(input.permissions ?? "0") };
        g.roles.set(role.id, role);
        json(res, 200, role);
      } else if ((m = /^\/_control\/guilds\/(\d+)\/bot$/.exec(path)) && req.method === "POST") {
        const g = guild(m[1]!);
        if (Array.isArray(input.roles)) g.botRoles = input.roles.map(String);
        if (typeof input.inGuild === "boolean") g.botInGuild = input.inGuild;
        json(res, 200, { botRoles: g.botRoles, inGuild: g.botInGuild });
      } else if ((m = /^\/_control\/guilds\/(\d+)\/members\/(\d+)$/.exec(path)) && req.method === "POST") {
        const g = guild(m[1]!);
        if (Array.isArray(input.roles)) g.members.set(m[2]!, new Set(input.roles.map(String)));
        if (input.left === true) g.left.add(m[2]!);
        json(res, 200, { roles: [...memberRoles(g, m[2]!)] });
      } else if (path === "/_control/interactions" && req.method === "POST") {
        // Signs an interaction as Discord does (Ed25519 over timestamp + body) and posts it.
        const payload = JSON.stringify(input.body);
        const timestamp = String(Math.floor(Date.now() / 1000));
        const signature = input.badSignature ? randomBytes(64).toString("hex") : edSign(null, Buffer.from(timestamp + payload), privateKey).toString("hex");
        const response = await fetch(String(input.url), {
          method: "POST",
          headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": timestamp },
          body: payload,
        });
        json(res, 200, { status: response.status, body: await response.json().catch(() => null) });
      } else {
        json(res, 404, { message: "unknown control" });
      }
      return true;
    },
  };
}
