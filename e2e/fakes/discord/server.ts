// A local fake of Discord for the keyless demo and the tests: OAuth2 sign-in
// (with guilds.join and refresh tokens), the bot authorization flow that adds a
// bot to a server, the REST API a bot uses (rest.ts), and the gateway
// (gateway.ts). Auth.js's Discord provider, @discordjs/rest and @discordjs/ws
// are pointed at it by configuration, so the real code runs end to end.
// A control API under /_control/ lets tests and the demo seed act as Discord's
// users would (join, leave, ban) and inject failures.
import { createHash, generateKeyPairSync, randomBytes, sign as edSign } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readStateFile, stateFileWriter } from "../state-file";
import { FAKE_APPLICATIONS, FAKE_USERS, PERMISSIONS, SEEDED_BOT_PERMISSIONS } from "./data";
import { createGateway } from "./gateway";
import { matchRoute, readJson, sendJson, userJson, type Caller, type MemberEvent, type SentMessage } from "./rest";
import { grantTokens, has, initialState, installBot, moveRole, removeBot, type DiscordState } from "./state";

export type FakeDiscord = {
  url: string;
  /** The platform application's Ed25519 public key (hex), as the Developer Portal shows it. */
  publicKey: string;
  close: () => Promise<void>;
};

type PendingCode = { userId: string; redirectUri: string; challenge: string | null; scopes: string[]; clientId: string; expires: number };
type Failure = { status: number; code?: number; retryAfter?: number; times: number; path?: string };

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const PAGE_STYLE = `body{font-family:system-ui,sans-serif;background:#313338;color:#f2f3f5;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#2b2d31;border-radius:12px;padding:32px;width:min(420px,90vw)}h1{font-size:20px;margin:0 0 4px}p,li{color:#b5bac1;font-size:14px}
button{display:flex;flex-direction:column;align-items:flex-start;gap:2px;width:100%;margin:8px 0;padding:12px 14px;border:0;border-radius:8px;background:#5865f2;color:#fff;font-size:15px;cursor:pointer;text-align:left}
button span{font-size:12px;opacity:.85}button:hover{background:#4752c4}.cancel{background:#4e5058}.error{color:#fa777c}`;

function page(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Discord (demo) — ${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function hiddenFields(query: URLSearchParams) {
  return [...query.entries()].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join("");
}

const PERMISSION_NAMES: [bigint, string][] = [
  [PERMISSIONS.MANAGE_ROLES, "Manage Roles"],
  [PERMISSIONS.KICK_MEMBERS, "Kick Members"],
  [PERMISSIONS.CREATE_INSTANT_INVITE, "Create Invite"],
  [PERMISSIONS.VIEW_CHANNEL, "View Channels"],
  [PERMISSIONS.SEND_MESSAGES, "Send Messages"],
];

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (typeof body === "string") {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
    res.end(body);
  } else sendJson(res, status, body, headers);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export async function startFakeDiscord(options: { port?: number; host?: string; stateFile?: string } = {}): Promise<FakeDiscord> {
  // Everything but the messages (which tests read from memory) is saved.
  const state = readStateFile<DiscordState>(options.stateFile) ?? initialState();
  const codes = new Map<string, PendingCode>();
  const failures: Failure[] = [];
  // Every bot call, with when it was answered (the bench times grants from it).
  const requests: { method: string; path: string; status: number; at: number }[] = [];
  const messages: SentMessage[] = [];
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("hex");
  let base = "";
  const gateway = createGateway(state, () => base);

  const { persist, flushed } = stateFileWriter(options.stateFile, () => state);
  const changed = (event?: MemberEvent, removed?: Parameters<typeof gateway.dispatchMember>[1]) => {
    persist();
    if (event) gateway.dispatchMember(event, removed);
  };

  function caller(req: IncomingMessage): Caller {
    const header = req.headers.authorization ?? "";
    if (header.startsWith("Bot ")) {
      const app = FAKE_APPLICATIONS.find((a) => a.token === header.slice(4));
      return app ? { kind: "bot", app } : { kind: "none" };
    }
    if (/^Bearer\s+/i.test(header)) {
      const token = header.replace(/^Bearer\s+/i, "");
      const grant = state.tokens[token];
      return grant && grant.expiresAt > Date.now() ? { kind: "bearer", grant, token } : { kind: "none" };
    }
    return { kind: "none" };
  }

  // ------------------------------------------------------------ OAuth2: sign-in and adding a bot
  function authorizePage(query: URLSearchParams, problem?: string): string {
    const scopes = (query.get("scope") ?? "").split(/\s+/);
    const app = FAKE_APPLICATIONS.find((a) => a.id === query.get("client_id"));
    const who = FAKE_USERS.map(
      (u) =>
        `<button name="user" value="${u.id}"><strong>${escapeHtml(u.global_name ?? u.username)}</strong><span>@${escapeHtml(u.username)} · ${escapeHtml(u.role)}</span></button>`,
    ).join("");
    const error = problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : "";
    if (scopes.includes("bot")) {
      const guild = state.guilds[query.get("guild_id") ?? ""];
      const permissions = BigInt(query.get("permissions") ?? "0");
      const listed = PERMISSION_NAMES.filter(([bit]) => (permissions & bit) !== 0n)
        .map(([, name]) => `<li>${name}</li>`)
        .join("");
      return page(
        "Add a bot",
        `<h1>Add ${escapeHtml(app?.botName ?? "a bot")} to ${escapeHtml(guild?.name ?? "a server")}</h1><p>This local stand-in for Discord adds the bot to the server. It will be able to:</p><ul>${listed}</ul>${error}
<p>Who is adding it? (You need Manage Server on ${escapeHtml(guild?.name ?? "the server")}.)</p>
<form method="post" action="/oauth2/authorize">${hiddenFields(query)}${who}<button class="cancel" name="deny" value="1">Cancel</button></form>`,
      );
    }
    return page(
      "Authorize",
      `<h1>Demo Discord</h1><p>CommunityOS wants to access your account (${escapeHtml(scopes.join(" "))}). This is a local stand-in for Discord: pick who you are.</p>${error}
<form method="post" action="/oauth2/authorize">${hiddenFields(query)}${who}<button class="cancel" name="deny" value="1">Cancel</button></form>`,
    );
  }

  async function authorize(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const redirect = new URL(form.get("redirect_uri") ?? "");
    if (form.get("state")) redirect.searchParams.set("state", form.get("state")!);
    const user = FAKE_USERS.find((u) => u.id === form.get("user"));
    const scopes = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const app = FAKE_APPLICATIONS.find((a) => a.id === form.get("client_id"));
    if (form.get("deny") || !user || !app) {
      redirect.searchParams.set("error", "access_denied");
      res.writeHead(302, { location: redirect.toString() });
      return res.end();
    }
    if (scopes.includes("bot")) {
      const guild = state.guilds[form.get("guild_id") ?? ""];
      if (!guild || !(guild.ownerId === user.id || has(guild, user.id, PERMISSIONS.MANAGE_GUILD))) {
        const query = new URLSearchParams(form);
        query.delete("user");
        return send(
          res,
          403,
          authorizePage(query, `${user.global_name ?? user.username} cannot manage ${guild?.name ?? "that server"}: pick someone with Manage Server.`),
        );
      }
      installBot(state, guild, app, BigInt(form.get("permissions") ?? "0"));
      changed();
      redirect.searchParams.set("guild_id", guild.id);
      redirect.searchParams.set("permissions", form.get("permissions") ?? "0");
    }
    const code = randomBytes(16).toString("hex");
    codes.set(code, {
      userId: user.id,
      redirectUri: form.get("redirect_uri")!,
      challenge: form.get("code_challenge"),
      scopes,
      clientId: app.id,
      expires: Date.now() + 60_000,
    });
    redirect.searchParams.set("code", code);
    res.writeHead(302, { location: redirect.toString() });
    res.end();
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const [clientId, secret] = req.headers.authorization?.startsWith("Basic ")
      ? Buffer.from(req.headers.authorization.slice(6), "base64").toString().split(":").map(decodeURIComponent)
      : [form.get("client_id"), form.get("client_secret")];
    const app = FAKE_APPLICATIONS.find((a) => a.id === clientId && a.secret === secret);
    if (!app) return send(res, 401, { error: "invalid_client" });
    const expiresIn = 604_800;
    const answer = (grant: { userId: string; scopes: string[] }) => {
      const fresh = { userId: grant.userId, scopes: grant.scopes, clientId: app.id, expiresAt: Date.now() + expiresIn * 1000 };
      const { accessToken, refreshToken } = grantTokens(state, fresh);
      changed();
      return send(res, 200, {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: expiresIn,
        refresh_token: refreshToken,
        scope: grant.scopes.join(" "),
      });
    };
    if (form.get("grant_type") === "refresh_token") {
      const previous = state.refreshTokens[form.get("refresh_token") ?? ""];
      if (!previous || previous.clientId !== app.id) return send(res, 400, { error: "invalid_grant" });
      // A refresh token is used once; the access tokens it replaces stop working.
      delete state.refreshTokens[form.get("refresh_token")!];
      for (const [t, g] of Object.entries(state.tokens))
        if (g === previous || (g.userId === previous.userId && g.clientId === app.id && g.expiresAt === previous.expiresAt)) delete state.tokens[t];
      return answer(previous);
    }
    const pending = codes.get(form.get("code") ?? "");
    codes.delete(form.get("code") ?? "");
    const problem = !pending
      ? "unknown or used code"
      : pending.expires < Date.now()
        ? "code expired"
        : pending.clientId !== app.id
          ? "code issued to another application"
          : pending.redirectUri !== form.get("redirect_uri")
            ? `redirect_uri ${form.get("redirect_uri")} does not match ${pending.redirectUri}`
            : null;
    if (problem || !pending) return send(res, 400, { error: "invalid_grant", error_description: problem });
    if (
      pending.challenge &&
      createHash("sha256")
        .update(form.get("code_verifier") ?? "")
        .digest("base64url") !== pending.challenge
    ) {
      return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
    }
    return answer({ userId: pending.userId, scopes: pending.scopes.filter((s) => s !== "bot" && s !== "applications.commands") });
  }

  // ------------------------------------------------------------ the control API (tests and the demo seed)
  async function control(req: IncomingMessage, res: ServerResponse, route: string, input: Record<string, unknown>) {
    let m: RegExpExecArray | null;
    const post = req.method === "POST";
    if (route === "/_control/failures" && post) {
      failures.push({
        status: Number(input.status),
        code: input.code as number | undefined,
        retryAfter: input.retryAfter as number | undefined,
        times: Number(input.times ?? 1),
        path: input.path as string | undefined,
      });
      return send(res, 200, { queued: failures.length });
    }
    if (route === "/_control/reset" && post) {
      failures.length = 0;
      requests.length = 0;
      return send(res, 200, { ok: true });
    }
    if (route === "/_control/gateway/disconnect" && post) {
      gateway.disconnectAll();
      return send(res, 200, { ok: true });
    }
    if (route === "/_control/gateway" && !post) return send(res, 200, { sessions: gateway.sessions() });
    if (route === "/_control/oauth/grant" && post) {
      // A user's OAuth grant to the platform application, as if they had signed in (for test users Discord has no page for).
      const grant = {
        userId: String(input.userId),
        scopes: String(input.scope ?? "identify guilds.join").split(" "),
        clientId: String(input.clientId ?? FAKE_APPLICATIONS[0]!.id),
        expiresAt: Date.now() + Number(input.expiresIn ?? 604_800) * 1000,
      };
      const { accessToken, refreshToken } = grantTokens(state, grant);
      changed();
      return send(res, 200, {
        access_token: accessToken,
        refresh_token: refreshToken,
        expires_at: Math.floor(grant.expiresAt / 1000),
        scope: grant.scopes.join(" "),
      });
    }
    if ((m = /^\/_control\/users\/(\d+)$/.exec(route)) && post) {
      const settings = (state.users[m[1]!] ??= {});
      if (typeof input.guildCount === "number") settings.guildCount = input.guildCount;
      if (typeof input.dmsOpen === "boolean") settings.dmsOpen = input.dmsOpen;
      if (input.expireTokens === true) for (const g of Object.values(state.tokens)) if (g.userId === m[1]) g.expiresAt = Date.now() - 1;
      changed();
      return send(res, 200, settings);
    }
    if (route === "/_control/guilds" && post) {
      // A server of a test's own, with the platform bot in it unless told otherwise.
      const id = String(input.id);
      state.guilds[id] = {
        id,
        name: String(input.name ?? `Server ${id.slice(-4)}`),
        ownerId: String(input.ownerId ?? "100000000000000001"),
        managers: [],
        roles: [
          {
            id,
            name: "@everyone",
            position: 0,
            permissions: String(PERMISSIONS.VIEW_CHANNEL | PERMISSIONS.SEND_MESSAGES | PERMISSIONS.CREATE_INSTANT_INVITE),
            color: 0,
            managed: false,
          },
        ],
        channels: ((input.channels as { id: string; name: string }[] | undefined) ?? []).map((c, i) => ({
          id: c.id,
          name: c.name,
          position: i,
          type: 0 as const,
        })),
        members: {},
        bans: [],
        bots: {},
      };
      const guild = state.guilds[id]!;
      for (const [i, r] of ((input.roles as { id: string; name: string }[] | undefined) ?? []).entries())
        guild.roles.push({ id: r.id, name: r.name, position: i + 1, permissions: "0", color: 0, managed: false });
      if (input.bot !== false) installBot(state, guild, FAKE_APPLICATIONS[0]!, SEEDED_BOT_PERMISSIONS, guild.roles.length);
      changed();
      return send(res, 200, { id });
    }
    if ((m = /^\/_control\/guilds\/(\d+)$/.exec(route)) && !post) {
      const guild = state.guilds[m[1]!];
      if (!guild) return send(res, 404, { message: "no such server" });
      const channels = new Set([
        ...guild.channels.map((c) => c.id),
        ...Object.entries(state.threads ?? {})
          .filter(([, t]) => t.guildId === guild.id)
          .map(([id]) => id),
      ]);
      return send(res, 200, {
        members: Object.fromEntries(Object.entries(guild.members).map(([id, mem]) => [id, mem.roles])),
        roles: [...guild.roles].sort((a, b) => a.position - b.position),
        bots: guild.bots,
        botRoles: Object.values(guild.bots),
        bans: guild.bans,
        commands: state.commands[guild.id] ?? [],
        // Channel messages of this server, and every DM (a DM belongs to no server).
        messages: messages.filter((s) => channels.has(s.channelId) || state.dms[s.channelId]),
        threads: Object.fromEntries(Object.entries(state.threads ?? {}).filter(([, t]) => t.guildId === guild.id)),
        requests,
      });
    }
    const guild = (m = /^\/_control\/guilds\/(\d+)\//.exec(route)) ? state.guilds[m[1]!] : undefined;
    if (m && !guild) return send(res, 404, { message: "no such server" });
    if (guild && (m = /^\/_control\/guilds\/\d+\/roles$/.exec(route)) && post) {
      const existing = guild.roles.find((r) => r.id === String(input.id));
      // As in Discord's settings: @everyone (the server's own id) is neither made, renamed nor deleted there,
      // and an integration's role goes only with its integration.
      if (existing && (existing.id === guild.id || (input.deleted === true && existing.managed))) {
        return send(res, 400, { message: existing.id === guild.id ? "that is the server's @everyone role" : "an integration's role cannot be deleted" });
      }
      // Deleted in the server's settings, as on Discord: gone from the list and from every member.
      if (input.deleted === true) {
        if (!existing) return send(res, 404, { message: "no such role" });
        guild.roles = guild.roles.filter((r) => r !== existing);
        for (const member of Object.values(guild.members)) member.roles = member.roles.filter((id) => id !== existing.id);
        changed();
        return send(res, 200, { deleted: existing.id });
      }
      const role = existing ?? {
        id: String(input.id),
        name: String(input.name ?? "Role"),
        position: 1,
        permissions: String(input.permissions ?? "0"),
        color: 0,
        managed: false,
      };
      if (!existing) guild.roles.push(role);
      if (input.name !== undefined) role.name = String(input.name);
      moveRole(guild, role.id, Number(input.position ?? role.position));
      changed();
      return send(res, 200, role);
    }
    if (guild && /^\/_control\/guilds\/\d+\/bot$/.test(route) && post) {
      const app = FAKE_APPLICATIONS.find((a) => a.id === String(input.application ?? FAKE_APPLICATIONS[0]!.id))!;
      if (input.inGuild === false) removeBot(guild, app);
      if (input.inGuild === true)
        installBot(
          state,
          guild,
          app,
          BigInt(String(input.permissions ?? PERMISSIONS.MANAGE_ROLES | PERMISSIONS.SEND_MESSAGES | PERMISSIONS.CREATE_INSTANT_INVITE)),
        );
      const roleId = guild.bots[app.id];
      if (roleId && typeof input.position === "number") moveRole(guild, roleId, input.position);
      if (roleId && input.permissions !== undefined) guild.roles.find((r) => r.id === roleId)!.permissions = String(input.permissions);
      changed();
      return send(res, 200, { inGuild: !!guild.bots[app.id], role: guild.roles.find((r) => r.id === guild.bots[app.id]) ?? null });
    }
    if (guild && (m = /^\/_control\/guilds\/\d+\/members\/(\d+)$/.exec(route)) && post) {
      // Acts as the person would: join the server, leave it, be banned; or (the seed) set their roles.
      const userId = m[1]!;
      if (input.ban === true && !guild.bans.includes(userId)) guild.bans.push(userId);
      if (input.left === true || input.ban === true) {
        if (guild.members[userId]) {
          delete guild.members[userId];
          changed({ type: "GUILD_MEMBER_REMOVE", guildId: guild.id, userId }, { user: userJson(userId) });
        }
      } else if (input.join === true || Array.isArray(input.roles)) {
        const joining = !guild.members[userId];
        guild.members[userId] ??= { roles: [], joinedAt: new Date().toISOString() };
        if (Array.isArray(input.roles)) guild.members[userId].roles = input.roles.map(String);
        changed(joining && input.join === true ? { type: "GUILD_MEMBER_ADD", guildId: guild.id, userId } : undefined);
      }
      return send(res, 200, { member: guild.members[userId] ?? null });
    }
    if (route === "/_control/interactions" && post) {
      // Signs an interaction as Discord does (Ed25519 over timestamp + body) and posts it.
      const payload = JSON.stringify(input.body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = input.badSignature ? randomBytes(64).toString("hex") : edSign(null, Buffer.from(timestamp + payload), privateKey).toString("hex");
      const response = await fetch(String(input.url), {
        method: "POST",
        headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": timestamp },
        body: payload,
      });
      return send(res, 200, { status: response.status, body: await response.json().catch(() => null) });
    }
    return send(res, 404, { message: "unknown control" });
  }

  // ------------------------------------------------------------ the API
  async function api(req: IncomingMessage, res: ServerResponse, path: string, url: URL) {
    const method = req.method ?? "GET";
    const who = caller(req);
    const failure = who.kind === "bot" ? failures.find((f) => f.times > 0 && (!f.path || new RegExp(f.path).test(`${method} /api${path}`))) : undefined;
    const record = (status: number) => requests.push({ method, path: `/api${path}`, status, at: Date.now() });
    if (failure) {
      failure.times--;
      record(failure.status);
      if (failure.status === 429) {
        const retryAfter = failure.retryAfter ?? 0.05;
        return sendJson(
          res,
          429,
          { message: "You are being rate limited.", retry_after: retryAfter, global: false },
          { "retry-after": String(Math.ceil(retryAfter)), "x-ratelimit-scope": "user" },
        );
      }
      return sendJson(res, failure.status, { message: failure.code ? `Injected error ${failure.code}` : "Injected server error", code: failure.code ?? 0 });
    }
    const matched = matchRoute(method, path);
    if (!matched) {
      record(404);
      return sendJson(res, 404, { message: "404: Not Found", code: 0 });
    }
    const { route, params } = matched;
    if (who.kind === "none" || (route.auth === "bot" && who.kind !== "bot") || (route.auth === "bearer" && who.kind !== "bearer")) {
      record(401);
      return sendJson(res, 401, { message: "401: Unauthorized", code: 0 });
    }
    const { json } = await readJson(req);
    if (json === null) {
      record(400);
      return sendJson(res, 400, { message: "The request body contains invalid JSON.", code: 50109 });
    }
    const answer = route.handle({
      state,
      caller: who,
      params,
      body: (json ?? {}) as Record<string, unknown>,
      query: url.searchParams,
      base,
      changed,
      messages,
    });
    record(answer.status);
    sendJson(res, answer.status, answer.body);
  }

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches its own errors; Node ignores the promise
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      if (url.pathname.startsWith("/_control/")) {
        const { json } = await readJson(req);
        return await control(req, res, url.pathname, (json ?? {}) as Record<string, unknown>);
      }
      if (url.pathname === "/oauth2/authorize" && req.method === "GET") {
        if (!FAKE_APPLICATIONS.some((a) => a.id === url.searchParams.get("client_id"))) return send(res, 400, { error: "invalid_client" });
        return send(res, 200, authorizePage(url.searchParams));
      }
      if (url.pathname === "/oauth2/authorize" && req.method === "POST") return await authorize(req, res);
      // @discordjs/rest adds a version segment; the OAuth endpoints may have none.
      const apiPath = url.pathname.replace(/^\/api(\/v\d+)?/, "");
      if (apiPath === "/oauth2/token" && req.method === "POST") return await token(req, res);
      if (url.pathname.startsWith("/api/")) return await api(req, res, apiPath, url);
      return send(res, 404, { message: "404: Not Found", code: 0 });
    } catch (error) {
      send(res, 500, { message: (error as Error).message });
    }
  });
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://fake").pathname === "/gateway") gateway.upgrade(req, socket, head);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  persist();
  return {
    url: base,
    publicKey: publicKeyHex,
    close: async () => {
      await gateway.close();
      await flushed();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
