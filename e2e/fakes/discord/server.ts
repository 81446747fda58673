// A local fake of Discord's OAuth2 and REST endpoints, for the keyless demo and
// the tests. Auth.js's Discord provider and @discordjs/rest are pointed at it by
// configuration, so the real sign-in code runs end to end.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEMO_DISCORD_CLIENT } from "../../../lib/auth/discord-settings";
import { createBotApi } from "./bot-api";
import { FAKE_GUILDS, FAKE_USERS, type FakeUser } from "./data";

const FAKE_CLIENT_ID = DEMO_DISCORD_CLIENT.id;
const FAKE_CLIENT_SECRET = DEMO_DISCORD_CLIENT.secret;

type PendingCode = { userId: string; redirectUri: string; challenge: string | null; expires: number };

export type FakeDiscord = {
  url: string;
  /** The application's Ed25519 public key (hex), as the Developer Portal shows it. */
  publicKey: string;
  close: () => Promise<void>;
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json", ...headers });
  res.end(text);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function authorizePage(query: URLSearchParams): string {
  const hidden = [...query.entries()]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  const buttons = FAKE_USERS.map(
    (u) => `<button name="user" value="${u.id}"><strong>${escapeHtml(u.global_name ?? u.username)}</strong><span>@${escapeHtml(u.username)} · ${escapeHtml(u.role)}</span></button>`,
  ).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Discord (demo) — Authorize</title>
<style>body{font-family:system-ui,sans-serif;background:#313338;color:#f2f3f5;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#2b2d31;border-radius:12px;padding:32px;width:min(420px,90vw)}h1{font-size:20px;margin:0 0 4px}p{color:#b5bac1;font-size:14px}
button{display:flex;flex-direction:column;align-items:flex-start;gap:2px;width:100%;margin:8px 0;padding:12px 14px;border:0;border-radius:8px;background:#5865f2;color:#fff;font-size:15px;cursor:pointer;text-align:left}
button span{font-size:12px;opacity:.85}button:hover{background:#4752c4}.cancel{background:#4e5058}</style></head>
<body><main><h1>Demo Discord</h1><p>CommunityOS wants to access your account (${escapeHtml(query.get("scope") ?? "")}). This is a local stand-in for Discord: pick who you are.</p>
<form method="post" action="/oauth2/authorize">${hidden}${buttons}<button class="cancel" name="deny" value="1">Cancel</button></form></main></body></html>`;
}

export async function startFakeDiscord(options: { port?: number; host?: string } = {}): Promise<FakeDiscord> {
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<string, string>(); // access token -> user id

  const userForToken = (req: IncomingMessage): FakeUser | null => {
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, "") ?? "";
    const userId = tokens.get(token);
    return FAKE_USERS.find((u) => u.id === userId) ?? null;
  };

  const bot = createBotApi();

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      if (url.pathname.startsWith("/_control/") || /^Bot\s+/.test(req.headers.authorization ?? "")) {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString("utf8");
        const botPath = url.pathname.replace(/^\/api\/v\d+\//, "/api/");
        if (await bot.control(req, res, url.pathname, body)) return;
        if (bot.handle(req, res, botPath, body)) return;
      }
      // @discordjs/rest adds a version segment; the OAuth endpoints have none.
      const path = url.pathname.replace(/^\/api\/v\d+\//, "/api/");

      if (path === "/oauth2/authorize" && req.method === "GET") {
        if (url.searchParams.get("client_id") !== FAKE_CLIENT_ID) return send(res, 400, { error: "invalid_client" });
        return send(res, 200, authorizePage(url.searchParams));
      }

      if (path === "/oauth2/authorize" && req.method === "POST") {
        const form = await readForm(req);
        const redirect = new URL(form.get("redirect_uri") ?? "");
        if (form.get("state")) redirect.searchParams.set("state", form.get("state")!);
        const user = FAKE_USERS.find((u) => u.id === form.get("user"));
        if (form.get("deny") || !user) {
          redirect.searchParams.set("error", "access_denied");
        } else {
          const code = randomBytes(16).toString("hex");
          codes.set(code, {
            userId: user.id,
            redirectUri: form.get("redirect_uri")!,
            challenge: form.get("code_challenge"),
            expires: Date.now() + 60_000,
          });
          redirect.searchParams.set("code", code);
        }
        res.writeHead(302, { location: redirect.toString() });
        return res.end();
      }

      if (path === "/api/oauth2/token" && req.method === "POST") {
        const form = await readForm(req);
        const basic = req.headers.authorization?.startsWith("Basic ")
          ? Buffer.from(req.headers.authorization.slice(6), "base64").toString().split(":").map(decodeURIComponent)
          : [form.get("client_id"), form.get("client_secret")];
        if (basic[0] !== FAKE_CLIENT_ID || basic[1] !== FAKE_CLIENT_SECRET) return send(res, 401, { error: "invalid_client" });
        const pending = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const problem = !pending
          ? "unknown or used code"
          : pending.expires < Date.now()
            ? "code expired"
            : pending.redirectUri !== form.get("redirect_uri")
              ? `redirect_uri ${form.get("redirect_uri")} does not match ${pending.redirectUri}`
              : null;
        if (problem || !pending) return send(res, 400, { error: "invalid_grant", error_description: problem });
        if (pending.challenge) {
          const verifier = form.get("code_verifier") ?? "";
          if (createHash("sha256").update(verifier).digest("base64url") !== pending.challenge) return send(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
        }
        const accessToken = `fake-${randomBytes(18).toString("hex")}`;
        tokens.set(accessToken, pending.userId);
        return send(res, 200, {
          access_token: accessToken,
          token_type: "Bearer",
          expires_in: 604800,
          refresh_token: `refresh-${randomBytes(12).toString("hex")}`,
          scope: "identify email guilds",
        });
      }

      if (path === "/api/users/@me" && req.method === "GET") {
        const user = userForToken(req);
        if (!user) return send(res, 401, { message: "401: Unauthorized", code: 0 });
        const { role: _role, ...profile } = user;
        return send(res, 200, { ...profile, verified: profile.email !== null, flags: 0, mfa_enabled: false });
      }

      if (path === "/api/users/@me/guilds" && req.method === "GET") {
        const user = userForToken(req);
        if (!user) return send(res, 401, { message: "401: Unauthorized", code: 0 });
        return send(res, 200, FAKE_GUILDS[user.id] ?? []);
      }

      return send(res, 404, { message: "404: Not Found", code: 0 });
    } catch (error) {
      send(res, 500, { message: (error as Error).message });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    publicKey: bot.publicKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
