import { Prisma } from "../generated/prisma/client";
import { ActionError } from "../core/errors";
import { type Actor, type CommunityRef } from "../core/actors";
import { db } from "../db/client";
import { withCommunity, type TenantTx } from "../db/scopes";
import { listManageableGuilds, DiscordUnavailableError } from "../discord/user-guilds";
import { readSettings, type createCommunitySchema, type updateCommunitySchema } from "./validation";
import { enqueueJob, JOB_KINDS } from "../jobs/enqueue";
import type { z } from "zod";
import { staffedCommunityRoles } from "../staff/access";
import { enterCommunity } from "../members/membership";
import { slugFrom, slugSchema } from "./slug";
import type { CheckoutQuestion } from "./checkout-questions";
import type { ReferralProgram } from "../referrals/program";

/** Which unique key a Prisma P2002 error hit, as the form field it belongs to. */
function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return null;
  const text = JSON.stringify(error.meta ?? {}) + error.message;
  if (text.includes("discord_guild_id") || text.includes("discordGuildId")) return "guildId";
  if (text.includes("slug")) return "slug";
  return "form";
}

const SLUG_TAKEN = "is already taken by another community";
const SLUG_NEEDED = "can't be made from the server's name: type one (lower-case letters, digits and hyphens)";
const GUILD_TAKEN = "This Discord server is already connected to CommunityOS by another owner.";

export async function listOwnedCommunities(ownerId: string) {
  const communities = await db.community.findMany({
    where: { ownerId },
    orderBy: { createdAt: "asc" },
    select: { id: true, slug: true, name: true, description: true, avatarUrl: true, status: true },
  });
  return Promise.all(
    communities.map(async (c) => ({
      ...c,
      memberCount: await withCommunity(c.id, (tx) => tx.communityMember.count({ where: { isActive: true } })),
    })),
  );
}

/** Communities the user helps run as staff, with their role in each. */
export async function listStaffedCommunities(userId: string) {
  const roles = await staffedCommunityRoles(userId);
  if (!roles.size) return [];
  const communities = await db.community.findMany({
    where: { id: { in: [...roles.keys()] } },
    orderBy: { name: "asc" },
    select: { id: true, slug: true, name: true, description: true, avatarUrl: true, status: true },
  });
  return communities.map((c) => ({ ...c, role: roles.get(c.id)! }));
}

/** Guilds the user may connect, each marked if it is connected already. */
export async function guildChoices(userId: string) {
  const guilds = await listManageableGuilds(userId);
  const connected = await db.community.findMany({
    where: { discordGuildId: { in: guilds.map((g) => g.id) } },
    select: { discordGuildId: true, slug: true, ownerId: true },
  });
  const byGuild = new Map(connected.map((c) => [c.discordGuildId, c]));
  return guilds.map((g) => {
    const community = byGuild.get(g.id);
    return { ...g, connectedSlug: community?.ownerId === userId ? community.slug : null, connectedByOther: !!community && community.ownerId !== userId };
  });
}

export async function createCommunity(input: z.output<typeof createCommunitySchema>, actor: Actor) {
  let guilds;
  try {
    guilds = await listManageableGuilds(actor.id);
  } catch (error) {
    if (error instanceof DiscordUnavailableError) throw new ActionError(error.message);
    throw error;
  }
  // Never trust the posted guild: it must be one the user manages right now.
  const guild = guilds.find((g) => g.id === input.guildId);
  if (!guild) throw new ActionError("Please correct the highlighted fields.", { guildId: ["You need Manage Server on that Discord server."] });
  const name = input.name ?? guild.name;
  const slug = input.slug ?? slugSchema.safeParse(slugFrom(name)).data;
  if (!slug) throw new ActionError("Please correct the highlighted fields.", { slug: [SLUG_NEEDED] });
  try {
    return await db.community.create({
      data: {
        name,
        slug,
        description: input.description,
        discordGuildId: guild.id,
        avatarUrl: guild.iconUrl,
        ownerId: actor.id,
      },
      select: { slug: true },
    });
  } catch (error) {
    const field = uniqueViolation(error);
    if (field === "slug") throw new ActionError("Please correct the highlighted fields.", { slug: [SLUG_TAKEN] });
    if (field === "guildId") throw new ActionError(GUILD_TAKEN, { guildId: [GUILD_TAKEN] });
    throw error;
  }
}

export async function updateCommunity(input: z.output<typeof updateCommunitySchema>, community: CommunityRef, tx: TenantTx) {
  const { name, slug, description, status, ...settings } = input;
  const current = await tx.community.findUniqueOrThrow({ where: { id: community.id }, select: { settings: true } });
  try {
    const saved = await tx.community.update({ where: { id: community.id }, data: { name, slug, description, status }, select: { slug: true } });
    await mergeSettings(tx, community.id, settings);
    // Taxes on or off change how every tier's Stripe price is taxed: each gets a new price.
    if (readSettings(current.settings).taxMode !== settings.taxMode) {
      await enqueueJob(tx, JOB_KINDS.syncTiers, { communityId: community.id, all: true }, { key: `sync_tiers:${community.id}` });
    }
    return saved;
  } catch (error) {
    if (uniqueViolation(error) === "slug") throw new ActionError("Please correct the highlighted fields.", { slug: [SLUG_TAKEN] });
    throw error;
  }
}

/** Free membership: a community_members row with the user's Discord id. Joining twice is a no-op. */
export async function joinCommunity(community: CommunityRef, actor: Actor, tx: TenantTx) {
  const { status } = await tx.community.findUniqueOrThrow({ where: { id: community.id }, select: { status: true } });
  if (status !== "active") throw new ActionError("This community isn't taking new members right now.");
  const member = await enterCommunity(tx, community.id, { userId: actor.id, discordUserId: actor.discordId });
  return { memberId: member.id };
}

/** Saves the questions into the community's settings (checkout asks them from the next session on). */
export function saveCheckoutQuestions(tx: TenantTx, communityId: string, questions: CheckoutQuestion[]) {
  return mergeSettings(tx, communityId, { checkoutQuestions: questions });
}

/** Saves the referral program into the community's settings (0 percent turns it off; referrals made stay on their terms). */
export function saveReferralProgram(tx: TenantTx, communityId: string, program: ReferralProgram) {
  return mergeSettings(tx, communityId, { referrals: program.percent > 0 ? program : null });
}

/** Turns gift memberships on or off (gifts sold before stay claimable). */
export function saveGiftsSetting(tx: TenantTx, communityId: string, on: boolean) {
  return mergeSettings(tx, communityId, { gifts: on });
}

/**
 * Sets these keys of the community's settings in place: keys other features keep
 * there survive, even when another save of other keys commits at the same moment.
 */
async function mergeSettings(tx: TenantTx, communityId: string, keys: Record<string, unknown>) {
  await tx.$executeRaw`UPDATE communities SET settings = COALESCE(settings, '{}'::jsonb) || ${JSON.stringify(keys)}::jsonb WHERE id = ${communityId}::uuid`;
}
