// What the bot posts: to the payment-verification and admin channels, and
// welcome/farewell messages to the member (a DM if they allow it, else the channel).
import { ChannelType, Routes } from "discord-api-types/v10";
import type { REST } from "@discordjs/rest";
import { withCommunity, rowKey } from "../db/scopes";
import { db } from "../db/client";
import { activeBot } from "./bot-config";
import { botRest, permanentProblem, PROBLEM_HINTS, type PermanentProblem } from "./bot-rest";
import { renderMessage } from "./message-template";

export type Notice =
  | { kind: "new_paid_member"; memberId: string; tier: string }
  | { kind: "payment_failed"; memberId: string; accessUntil: string | null }
  | { kind: "dispute_opened"; memberId: string }
  | { kind: "sync_failed"; memberId: string; problem: PermanentProblem }
  | { kind: "welcome"; memberId: string }
  | { kind: "farewell"; memberId: string }
  /** A failed payment's reminder: to the member privately (DM, else a private thread in the pay channel). */
  /** `thread`: the private thread an earlier reminder opened, used again rather than opening another. */
  | { kind: "payment_reminder"; memberId: string; content: string; thread?: string | null }
  /** To the member alone (a DM); nothing where their DMs are closed. */
  | { kind: "direct"; memberId: string; content: string };

export type Posted = { channelId: string; content: string; thread?: boolean }[];

export async function notify(communityId: string, notice: Notice, rest: (token: string) => REST = botRest): Promise<Posted> {
  const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { name: true } });
  const context = await withCommunity(communityId, async (tx) => ({
    bot: await activeBot(tx, communityId),
    member: await tx.communityMember.findUnique({ where: rowKey(notice.memberId), select: { discordUserId: true, subscriptionTier: true } }),
  }));
  const { bot, member } = context;
  if (!bot || !member) return [];
  const client = rest(bot.token);
  const mention = `<@${member.discordUserId}>`;
  const values = { user: mention, tier: member.subscriptionTier ?? "", community: community.name };
  const posted: Posted = [];
  const post = async (channelId: string | null, content: string, where: { thread?: boolean } = {}) => {
    if (!channelId || !content.trim()) return;
    await client.post(Routes.channelMessages(channelId), { body: { content, allowed_mentions: { users: [member.discordUserId] } } });
    posted.push({ channelId, content, ...where });
  };
  /** A DM when the member allows it; otherwise `fallback` (a channel, or a private thread). */
  const toMember = async (content: string, fallback: () => Promise<void>) => {
    try {
      const dm = (await client.post(Routes.userChannels(), { body: { recipient_id: member.discordUserId } })) as { id: string };
      await post(dm.id, content);
    } catch (error) {
      if (!permanentProblem(error) && (error as { code?: number }).code !== 50007) throw error;
      await fallback();
    }
  };

  /** A private thread in the pay channel that only the member (and moderators) see: the earlier one if it is still there. */
  const inPrivateThread = (content: string, earlierThread?: string | null) => async () => {
    if (!bot.payChannelId) return;
    if (earlierThread) {
      try {
        await post(earlierThread, content, { thread: true });
        return;
      } catch (threadError) {
        // Deleted or no longer reachable: a new thread below.
        if (!permanentProblem(threadError)) throw threadError;
      }
    }
    const thread = (await client.post(Routes.threads(bot.payChannelId), {
      body: { name: `Payment for ${community.name}`.slice(0, 100), type: ChannelType.PrivateThread, invitable: false, auto_archive_duration: 10080 },
    })) as { id: string };
    await client.put(Routes.threadMembers(thread.id, member.discordUserId));
    await post(thread.id, content, { thread: true });
  };

  switch (notice.kind) {
    case "new_paid_member":
      await post(bot.paymentVerificationChannel, `✅ ${mention} is now a paying member (${notice.tier}).`);
      break;
    case "welcome":
      if (bot.welcomeMessage) {
        const content = renderMessage(bot.welcomeMessage, values);
        await toMember(content, () => post(bot.paymentVerificationChannel, content));
      }
      break;
    case "payment_failed":
      await post(
        bot.adminChannel,
        `⚠️ A payment from ${mention} failed.${notice.accessUntil ? ` Their access continues until ${notice.accessUntil.slice(0, 10)} while Stripe retries.` : ""}`,
      );
      break;
    case "dispute_opened":
      await post(
        bot.adminChannel,
        `🚨 ${mention} disputed a payment. Their access is suspended until the dispute is settled; respond in your Stripe dashboard.`,
      );
      break;
    case "sync_failed":
      await post(bot.adminChannel, `🔧 The bot could not update ${mention}'s roles: ${PROBLEM_HINTS[notice.problem]}`);
      break;
    case "payment_reminder": {
      const content = `${mention} ${notice.content}`;
      await toMember(content, inPrivateThread(content, notice.thread));
      break;
    }
    case "direct":
      await toMember(`${mention} ${notice.content}`, async () => undefined);
      break;
    case "farewell":
      if (bot.farewellMessage) {
        const content = renderMessage(bot.farewellMessage, values);
        await toMember(content, () => post(bot.adminChannel, content));
      }
      break;
  }
  return posted;
}
