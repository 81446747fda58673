// A member's own way back into the community's server: "Regain access" adds
// them again (with their Discord grant) and restores their roles; "Switch
// Discord account" moves the membership to another Discord account they own.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ActionError } from "../core/errors";
import { recordAudit } from "../audit/record";
import { db } from "../db/client";
import { withCommunity, withUser, rowKey } from "../db/scopes";
import { serverEnv } from "../env";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { syncMemberRoles } from "../discord/role-sync";
import { type GuildStatus } from "../discord/guild-join";
import { GUILD_STATUS_TEXT } from "../discord/guild-status-text";

/** Refusals, with their code (the portal says them from the code, never from URL text). */
export const ACCESS_ERRORS = {
  notYours: "We couldn't find that membership.",
  sameAccount: "That is the Discord account the membership already has. Sign in with the other account to move it there.",
  taken: "That Discord account already has its own membership in this community, so we can't move this one onto it.",
  expired: "The account switch timed out. Start it again from your memberships page.",
} as const;
export type AccessErrorCode = keyof typeof ACCESS_ERRORS;
const refuse = (code: AccessErrorCode) => new ActionError(ACCESS_ERRORS[code], undefined, code);

/** The actor's own membership (proven through the user scope). */
async function ownMembership(userId: string, memberId: string) {
  const member = await withUser(userId, (tx) =>
    tx.communityMember.findFirst({ where: { id: memberId }, select: { id: true, communityId: true, erasedAt: true } }),
  );
  if (!member || member.erasedAt) throw refuse("notYours");
  return member;
}

/** Adds the member to the server again and restores their roles, now; says where they stand. */
export async function regainAccess(userId: string, memberId: string): Promise<{ guildStatus: GuildStatus; message: string }> {
  const member = await ownMembership(userId, memberId);
  const result = await syncMemberRoles(member.communityId, member.id, { reason: "member asked to regain access" });
  const { guildStatus } = await withCommunity(member.communityId, (tx) =>
    tx.communityMember.findUniqueOrThrow({ where: rowKey(member.id), select: { guildStatus: true } }),
  );
  const status = guildStatus as GuildStatus;
  const message =
    status === "joined" ? (result.desired.length ? "You're in the server, and your roles are back." : "You're in the server.") : GUILD_STATUS_TEXT[status];
  return { guildStatus: status, message };
}

// ------------------------------------------------------------ switching the Discord account
/** A short-lived, signed note that this browser is moving this membership (it survives signing out and in). */
const ticketSchema = z.object({ memberId: z.uuid(), fromUserId: z.uuid(), expires: z.number() });
export const SWITCH_COOKIE = "cos_switch_account";

function sign(payload: string): string {
  const secret = serverEnv().AUTH_SECRET ?? "development-only-secret-not-for-production";
  return createHmac("sha256", secret).update(`switch-account:${payload}`).digest("base64url");
}

export async function startAccountSwitch(userId: string, memberId: string, now = Date.now()): Promise<string> {
  await ownMembership(userId, memberId);
  const payload = Buffer.from(JSON.stringify({ memberId, fromUserId: userId, expires: now + 15 * 60_000 })).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

function readTicket(ticket: string, now: number) {
  const [payload, signature] = ticket.split(".");
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const parsed = ticketSchema.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  return parsed.success && parsed.data.expires > now ? parsed.data : null;
}

/**
 * Moves the membership (subscription, payments, Stripe customer) to the Discord
 * account now signed in; the old account loses the paid roles and the new one
 * is added to the server and given them.
 */
export async function finishAccountSwitch(ticket: string, to: { id: string; discordId: string }, now = new Date()) {
  const note = readTicket(ticket, now.getTime());
  if (!note) throw refuse("expired");
  if (note.fromUserId === to.id) throw refuse("sameAccount");
  const membership = await withUser(note.fromUserId, (tx) =>
    tx.communityMember.findFirst({ where: { id: note.memberId }, select: { id: true, communityId: true, erasedAt: true } }),
  );
  if (!membership || membership.erasedAt) throw refuse("notYours");
  const community = await db.community.findUniqueOrThrow({ where: { id: membership.communityId }, select: { id: true, slug: true, name: true } });
  await withCommunity(community.id, async (tx) => {
    const moving = await tx.communityMember.findUniqueOrThrow({ where: rowKey(membership.id), select: { discordUserId: true, userId: true } });
    if (moving.userId !== note.fromUserId) throw refuse("notYours");
    const theirs = await tx.communityMember.findUnique({
      where: { communityId_userId: { communityId: community.id, userId: to.id } },
      select: { id: true, _count: { select: { subscriptions: true, payments: true } } },
    });
    if (theirs && (theirs._count.subscriptions > 0 || theirs._count.payments > 0)) throw refuse("taken");
    // A free membership of the other account (no money behind it) gives way to the paid one.
    if (theirs) await tx.communityMember.delete({ where: rowKey(theirs.id) });
    await tx.communityMember.update({
      where: rowKey(membership.id),
      data: { userId: to.id, discordUserId: to.discordId, roles: [], guildStatus: "unknown", guildStatusAt: now },
      select: { id: true },
    });
    await enqueueJob(
      tx,
      JOB_KINDS.revokeRoles,
      { communityId: community.id, discordUserId: moving.discordUserId },
      { key: `revoke_roles:${community.id}:${moving.discordUserId}` },
    );
    await requestRoleSync(tx, community.id, membership.id, "moved to another Discord account");
    await recordAudit(tx, community.id, to.id, {
      action: "member.discord_account_switched",
      objectType: "member",
      objectId: membership.id,
      details: { from: moving.discordUserId, to: to.discordId },
    });
  });
  return { community: community.name, slug: community.slug };
}
