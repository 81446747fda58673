"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { communityAction, communityWorkflow, type ActionState } from "@/lib/actions";
import { ActionError } from "@/lib/actions/action-chain";
import { activeBot, guildOf } from "@/lib/discord/bot-config";
import { setBotProblem } from "@/lib/discord/bot-problem";
import { hasOpenDrift } from "@/lib/discord/reconcile";
import { activeTierRoles } from "@/lib/tiers/read";
import { checkBot, type BotCheck } from "@/lib/discord/check-bot";
import { botSettingsSchema, checkChannels, NO_BOT, ownBotSchema, picksFromServer, saveBotSettings, saveOwnBot } from "@/lib/discord/bot-settings";
import { communityGuildCatalog } from "@/lib/discord/guild-catalog";
import { syncMemberRoles } from "@/lib/discord/role-sync";
import { enqueueJob, JOB_KINDS } from "@/lib/jobs/enqueue";

// Channels are checked against the server's own list (a Discord call), then saved in a short scope.
const save = communityWorkflow(
  botSettingsSchema,
  "manage",
  async (input, { community, inScope }) => {
    if (picksFromServer(input)) checkChannels(input, await communityGuildCatalog(community.id));
    return inScope((tx) => saveBotSettings(input, community, tx));
  },
  (input) => ({
    action: "bot.settings_saved",
    objectType: "bot",
    details: {
      isActive: input.isActive,
      autoRoleAssignment: input.autoRoleAssignment,
      paymentVerificationChannel: input.paymentVerificationChannel,
      adminChannel: input.adminChannel,
      lapsedRoleId: input.lapsedRoleId,
      payChannelId: input.payChannelId,
    },
  }),
);

export async function saveBotAction(prev: ActionState<{ slug: string }>, formData: FormData) {
  const result = await save(prev, formData);
  if (result.ok) {
    revalidatePath(`/dashboard/${result.data.slug}/bot`);
    return { ...result, message: "Bot settings saved." };
  }
  return result;
}

// The audit says whether the token was replaced, never what it is.
const ownBot = communityAction(
  ownBotSchema,
  "manage",
  (input, { community, tx }) => saveOwnBot(input, community, tx),
  (input) => ({
    action: "bot.own_bot_saved",
    objectType: "bot",
    details: { tokenReplaced: input.token !== null, clientId: input.clientId },
  }),
);

export async function saveOwnBotAction(prev: ActionState<{ slug: string }>, formData: FormData) {
  const result = await ownBot(prev, formData);
  if (result.ok) {
    revalidatePath(`/dashboard/${result.data.slug}/bot`);
    return {
      ...result,
      message: "Your own bot is saved. Its token is stored encrypted and is never shown again. Invite it to your server, then run “Check bot”.",
    };
  }
  return result;
}

export const checkBotAction = communityWorkflow(
  z.object({}),
  "manage",
  async (_input, { community, inScope }): Promise<BotCheck> => {
    const found = await inScope(async (tx) => ({
      bot: await activeBot(tx, community.id),
      tierRoles: await activeTierRoles(tx),
      guildId: await guildOf(tx, community.id),
    }));
    if (!found.bot) throw new ActionError(NO_BOT);
    const check = await checkBot(found.bot.token, found.guildId, found.tierRoles);
    // A healthy bot resumes syncing that a bad token or missing server had paused.
    if (check.ok) await inScope((tx) => setBotProblem(tx, community.id, null));
    return check;
  },
  (_input, check) => ({ action: "bot.checked", objectType: "bot", details: { ok: check.ok } }),
);

/** One-click fix: the member's roles synced now, with the result shown. */
export const fixDriftAction = communityWorkflow(
  z.object({ memberId: z.uuid() }),
  "moderate",
  async ({ memberId }, { community, inScope }) => {
    if (!(await inScope((tx) => hasOpenDrift(tx, memberId)))) throw new ActionError("That member's roles are already in order.");
    const result = await syncMemberRoles(community.id, memberId, { reason: "fixed from the dashboard" });
    revalidatePath(`/dashboard/${community.slug}/bot`);
    if (result.outcome !== "synced" && result.outcome !== "unchanged")
      throw new ActionError(result.error ?? `The bot could not fix this member (${result.outcome}).`);
    return { memberId, added: result.added, removed: result.removed };
  },
  ({ memberId }, r) => ({ action: "roles.fixed", objectType: "member", objectId: memberId, details: { added: r.added, removed: r.removed } }),
);

export const scanDriftAction = communityAction(
  z.object({}),
  "moderate",
  async (_input, { community, tx }) => {
    await enqueueJob(tx, JOB_KINDS.reconcile, { communityId: community.id }, { key: `reconcile:${community.id}` });
    return { queued: true };
  },
  () => ({ action: "roles.scan_started", objectType: "community" }),
);
