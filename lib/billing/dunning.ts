// Payment reminders (dunning): when a renewal fails, the member gets an e-mail
// with the link to pay the open invoice and a Discord message (a DM, or a
// private thread in the pay channel when DMs are closed), again every
// `dunningIntervalHours` through the grace and restricted stages, until the
// invoice is paid or access is removed. Each reminder is sent once per channel
// however often its job runs (member_notices).
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { readSettings } from "../communities/validation";
import { notify } from "../discord/notifications";
import { permanentProblem } from "../discord/bot-rest";
import { dunningMail } from "../mail/templates";
import { portalUrl } from "../mail/links";
import { sendMail } from "../mail/transport";
import { sendOnce } from "../members/notices";
import { formatMoney } from "./money";
import { lapseStage, stageEnds } from "./lapse";

export type ReminderOutcome = { sent: ("email" | "discord")[]; next: Date | null; stopped?: string };

export const formatDay = (date: Date) => date.toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

async function reminderFacts(communityId: string, subscriptionId: string) {
  return withCommunity(communityId, async (tx) => {
    const sub = await tx.subscription.findUnique({
      where: rowKey(subscriptionId),
      select: { memberId: true, status: true, tierName: true, gracePeriodEndsAt: true, restrictedUntil: true, currentPeriodEnd: true },
    });
    if (!sub) return null;
    const payment = await tx.payment.findFirst({
      where: { subscriptionId, status: "failed" },
      orderBy: { failedAt: { sort: "desc", nulls: "last" } },
      select: { id: true, amount: true, currency: true, hostedInvoiceUrl: true, stripeInvoiceId: true },
    });
    const member = await tx.communityMember.findUnique({ where: rowKey(sub.memberId), select: { userId: true, isActive: true, erasedAt: true } });
    // Where the last Discord reminder went: a private thread is used again, not opened anew each time.
    const last = await tx.memberNotice.findFirst({
      where: { memberId: sub.memberId, kind: "dunning", channel: "discord", status: "sent" },
      orderBy: { createdAt: "desc" },
      select: { details: true },
    });
    const lastThread = (last?.details as { thread?: string } | null)?.thread ?? null;
    return { sub, payment, member, lastThread };
  });
}

/** Sends reminder number `attempt` for the subscription's failed payment; says when the next one is due. */
export async function sendPaymentReminder(communityId: string, subscriptionId: string, attempt: number, now = new Date()): Promise<ReminderOutcome> {
  const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { name: true, settings: true } });
  const facts = await reminderFacts(communityId, subscriptionId);
  if (!facts?.payment) return { sent: [], next: null, stopped: "nothing to pay" };
  const { sub, payment, member, lastThread } = facts;
  if (!member?.isActive || member.erasedAt) return { sent: [], next: null, stopped: "no longer a member" };
  const stage = lapseStage(sub, now);
  if (stage !== "grace" && stage !== "restricted") return { sent: [], next: null, stopped: stage === "removed" ? "access removed" : "paid" };

  const until = stageEnds(sub, now);
  const amount = formatMoney(payment.amount, payment.currency);
  const payUrl = payment.hostedInvoiceUrl ?? portalUrl();
  const claim = { communityId, memberId: sub.memberId, kind: "dunning" as const, dedupeKey: `dunning:${payment.stripeInvoiceId ?? payment.id}:${attempt}` };
  const sent: ReminderOutcome["sent"] = [];

  const email = await sendOnce({ ...claim, channel: "email" }, async () => {
    const user = await db.user.findUnique({ where: { id: member.userId }, select: { email: true } });
    if (!user?.email) return null;
    const mail = await dunningMail({
      community: community.name,
      tier: sub.tierName,
      amount,
      payUrl,
      stage,
      until: until ? formatDay(until) : null,
      portalUrl: portalUrl(),
    });
    const result = await sendMail({ to: user.email, ...mail });
    return result ? { messageId: result.messageId, attempt, stage } : null;
  });
  if (email === "sent") sent.push("email");

  const consequence =
    stage === "grace"
      ? `your ${sub.tierName} roles stay${until ? ` until ${formatDay(until)}` : ""} while it is retried.`
      : `your ${sub.tierName} roles are paused until it is paid${until ? `; the membership ends on ${formatDay(until)}` : ""}.`;
  const discord = await sendOnce({ ...claim, channel: "discord" }, async () => {
    try {
      const posted = await notify(communityId, {
        kind: "payment_reminder",
        memberId: sub.memberId,
        content: `your payment of ${amount} to ${community.name} failed: ${consequence} Pay here: ${payUrl}`,
        thread: lastThread,
      });
      const where = posted[0];
      if (!where) return null;
      return { channelId: where.channelId, attempt, stage, ...(where.thread ? { thread: where.channelId } : {}) };
    } catch (error) {
      // A member Discord will not let the bot reach has the e-mail; nothing to retry.
      if (permanentProblem(error)) return null;
      throw error;
    }
  });
  if (discord === "sent") sent.push("discord");

  const { dunningIntervalHours } = readSettings(community.settings);
  const next = new Date(now.getTime() + dunningIntervalHours * 3_600_000);
  const lastDay = sub.restrictedUntil ?? sub.gracePeriodEndsAt ?? sub.currentPeriodEnd;
  return { sent, next: next < lastDay ? next : null };
}
