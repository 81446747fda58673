// The fake's gateway: Discord's WebSocket protocol, as much of it as a bot that
// watches members needs. Hello, identify (a bad token closes with 4004),
// heartbeats and their acks, READY and a GUILD_CREATE per server the bot is
// in, resume, and GUILD_MEMBER_ADD / GUILD_MEMBER_REMOVE for sessions that
// asked for the Guild Members intent.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { FAKE_APPLICATIONS, type FakeApplication } from "./data";
import { memberJson, roleJson, userJson, type MemberEvent } from "./rest";
import type { DiscordState } from "./state";

const GUILD_MEMBERS_INTENT = 1 << 1;
const HEARTBEAT_INTERVAL = 41_250;

type Session = { ws: WebSocket; app: FakeApplication; intents: number; seq: number; id: string };

export type Gateway = {
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Tell the sessions of every bot in the server that someone joined or left. */
  dispatchMember: (event: MemberEvent, removed?: { user: ReturnType<typeof userJson> }) => void;
  /** Drops every connection, as Discord does on an outage (clients resume). */
  disconnectAll: () => void;
  sessions: () => number;
  close: () => Promise<void>;
};

export function createGateway(state: DiscordState, base: () => string): Gateway {
  const wss = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, Session>();
  const resumable = new Map<string, Session>();

  const send = (session: Session, t: string, d: unknown) => {
    session.seq += 1;
    session.ws.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
  };

  function guildCreate(session: Session) {
    for (const guild of Object.values(state.guilds)) {
      if (!guild.bots[session.app.id]) continue;
      send(session, "GUILD_CREATE", {
        id: guild.id,
        name: guild.name,
        owner_id: guild.ownerId,
        roles: guild.roles.map(roleJson),
        channels: guild.channels.map((c) => ({ id: c.id, type: c.type, name: c.name, position: c.position, guild_id: guild.id })),
        member_count: Object.keys(guild.members).length,
        members: [],
        unavailable: false,
        large: false,
        joined_at: guild.members[session.app.botUserId]?.joinedAt,
      });
    }
  }

  wss.on("connection", (ws) => {
    let session: Session | null = null;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL }, s: null, t: null }));
    ws.on("message", (raw) => {
      let payload: { op: number; d: Record<string, unknown> | number | null };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        ws.close(4002, "Error while decoding payload.");
        return;
      }
      if (payload.op === 1) {
        ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (payload.op === 2) {
        const d = payload.d as { token?: string; intents?: number };
        const app = FAKE_APPLICATIONS.find((a) => a.token === d.token?.replace(/^Bot\s+/, ""));
        if (!app) return ws.close(4004, "Authentication failed.");
        session = { ws, app, intents: Number(d.intents ?? 0), seq: 0, id: randomBytes(16).toString("hex") };
        sessions.set(session.id, session);
        const guilds = Object.values(state.guilds)
          .filter((g) => g.bots[app.id])
          .map((g) => ({ id: g.id, unavailable: true }));
        send(session, "READY", {
          v: 10,
          user: userJson(app.botUserId),
          guilds,
          session_id: session.id,
          resume_gateway_url: `${base().replace(/^http/, "ws")}/gateway`,
          shard: [0, 1],
          application: { id: app.id, flags: 0 },
        });
        guildCreate(session);
      } else if (payload.op === 6) {
        const d = payload.d as { token?: string; session_id?: string; seq?: number };
        const previous = d.session_id ? resumable.get(d.session_id) : undefined;
        if (!previous || previous.app.token !== d.token?.replace(/^Bot\s+/, "")) {
          ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          return;
        }
        resumable.delete(previous.id);
        session = { ...previous, ws };
        sessions.set(session.id, session);
        send(session, "RESUMED", null);
      }
    });
    ws.on("close", () => {
      if (!session) return;
      sessions.delete(session.id);
      resumable.set(session.id, session);
    });
  });

  return {
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    dispatchMember(event, removed) {
      const guild = state.guilds[event.guildId];
      for (const session of sessions.values()) {
        if (!(session.intents & GUILD_MEMBERS_INTENT)) continue;
        if (!guild?.bots[session.app.id] || event.userId === session.app.botUserId) continue;
        if (event.type === "GUILD_MEMBER_ADD" && guild.members[event.userId])
          send(session, event.type, { ...memberJson(guild, event.userId), guild_id: guild.id });
        if (event.type === "GUILD_MEMBER_REMOVE") send(session, event.type, { guild_id: event.guildId, user: removed?.user ?? userJson(event.userId) });
      }
    },
    disconnectAll() {
      for (const session of sessions.values()) session.ws.close(4000, "Unknown error");
    },
    sessions: () => sessions.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
