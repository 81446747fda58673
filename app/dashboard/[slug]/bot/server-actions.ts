"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { communityAction, communityWorkflow } from "@/lib/actions";
import { checkServer, linkServer, unlinkServer } from "@/lib/discord/linked-servers";

const guildId = z.string().regex(/^\d{17,20}$/, "must be one of your servers");

/** Links another server of the owner's; the bot must already be in it (the page offers to add it). */
export const linkServerAction = communityWorkflow(
  z.object({ guildId }),
  "manage",
  async ({ guildId }, { community, actor }) => {
    const server = await linkServer(community, actor, guildId);
    revalidatePath(`/dashboard/${community.slug}/bot`);
    return server;
  },
  ({ guildId }, server) => ({ action: "server.linked", objectType: "server", objectId: guildId, details: { name: server.name } }),
);

export const unlinkServerAction = communityAction(
  z.object({ serverId: z.uuid() }),
  "manage",
  async ({ serverId }, { community, tx }) => {
    const server = await unlinkServer(tx, serverId);
    revalidatePath(`/dashboard/${community.slug}/bot`);
    return server;
  },
  (_input, server) => ({ action: "server.unlinked", objectType: "server", objectId: server.guildId, details: { name: server.name } }),
);

export const checkServerAction = communityWorkflow(
  z.object({ serverId: z.uuid() }),
  "manage",
  async ({ serverId }, { community }) => {
    const result = await checkServer(community.id, serverId);
    revalidatePath(`/dashboard/${community.slug}/bot`);
    return result;
  },
  ({ serverId }, result) => ({ action: "server.checked", objectType: "server", objectId: serverId, details: { ok: result.ok } }),
);
