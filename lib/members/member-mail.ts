// Messages to members besides payment reminders: by e-mail, a receipt after
// each payment (unless the community lets Stripe send its own), a welcome when
// a membership starts and one win-back message some days after it ends (only if
// the owner turned it on, never to who unsubscribed); by e-mail and Discord DM,
// a heads-up before a pause ends. Members without an e-mail on Discord get only
// the DM. Each is sent once per channel (member_notices).
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { readSettings } from "../communities/validation";
import { formatDay } from "../billing/dunning";
import { LIVE_SUBSCRIPTION } from "../billing/member-standing";
import { communityUrl, discordServerUrl, portalUrl, publicOrigin, unsubscribeUrl } from "../mail/links";
import { giftLink } from "../gifts/offer";
import { pauseEndingMail, receiptMail, welcomeMail, winbackMail } from "../mail/templates";
import { sendMail } from "../mail/transport";
import { formatMoney } from "../billing/money";
import { sendOnce } from "./notices";
import { notify } from "../discord/notifications";
import { permanentProblem } from "../discord/bot-rest";

async function emailOf(userId: string): Promise<string | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true } });
  return user?.email ?? null;
}

const community = (communityId: string) =>
  db.community.findUniqueOrThrow({ where: { id: communityId }, select: { name: true, slug: true, discordGuildId: true, settings: true } });

export async function sendReceipt(communityId: string, paymentId: string) {
  const c = await community(communityId);
  if (readSettings(c.settings).receipts !== "communityos") return "skipped" as const;
  const payment = await withCommunity(communityId, (tx) =>
    tx.payment.findUnique({
      where: rowKey(paymentId),
      select: {
        memberId: true,
        amount: true,
        taxAmount: true,
        currency: true,
        status: true,
        processedAt: true,
        stripeInvoiceId: true,
        metadata: true,
        description: true,
        subscription: { select: { tierName: true } },
        member: { select: { userId: true } },
        gifts: { select: { code: true } },
      },
    }),
  );
  if (!payment || payment.status === "failed") return "skipped" as const;
  return sendOnce({ communityId, memberId: payment.memberId, kind: "receipt", channel: "email", dedupeKey: `receipt:${paymentId}` }, async () => {
    const to = await emailOf(payment.member.userId);
    if (!to) return null;
    const number = (payment.metadata as { invoice_number?: string } | null)?.invoice_number ?? payment.stripeInvoiceId ?? paymentId;
    const mail = await receiptMail({
      community: c.name,
      tier: payment.subscription?.tierName ?? payment.description ?? "Membership",
      amount: formatMoney(payment.amount, payment.currency),
      tax: payment.taxAmount.isZero() ? null : formatMoney(payment.taxAmount, payment.currency),
      paidOn: formatDay(payment.processedAt ?? new Date()),
      invoice: number,
      portalUrl: portalUrl(),
      // A gift's receipt carries its link, for the buyer to pass on.
      giftUrl: payment.gifts[0] ? giftLink(publicOrigin(), c.slug, payment.gifts[0].code) : null,
    });
    const sent = await sendMail({ to, ...mail });
    return sent ? { messageId: sent.messageId } : null;
  });
}

export async function sendWelcomeMail(communityId: string, memberId: string) {
  const c = await community(communityId);
  const member = await withCommunity(communityId, (tx) =>
    tx.communityMember.findUnique({
      where: rowKey(memberId),
      select: {
        userId: true,
        subscriptionTier: true,
        subscriptions: { where: { status: { in: ["active", "trialing"] }, duplicateOf: null }, orderBy: { createdAt: "desc" }, take: 1, select: { id: true } },
      },
    }),
  );
  const subscription = member?.subscriptions[0];
  if (!member || !subscription) return "skipped" as const;
  // One welcome per membership: a member who comes back later is welcomed again.
  return sendOnce({ communityId, memberId, kind: "welcome", channel: "email", dedupeKey: `welcome:${subscription.id}` }, async () => {
    const to = await emailOf(member.userId);
    if (!to) return null;
    const mail = await welcomeMail({
      community: c.name,
      tier: member.subscriptionTier ?? "membership",
      discordUrl: discordServerUrl(c.discordGuildId),
      portalUrl: portalUrl(),
    });
    const sent = await sendMail({ to, ...mail });
    return sent ? { messageId: sent.messageId } : null;
  });
}

/**
 * A few days before a paused membership resumes: access and billing come back.
 * By e-mail and Discord DM, each once per pause (a pause moved to another date
 * is told again); nothing once it is over or was resumed by hand.
 */
export async function sendPauseEndingNotice(communityId: string, subscriptionId: string) {
  const c = await community(communityId);
  const sub = await withCommunity(communityId, (tx) =>
    tx.subscription.findUnique({
      where: rowKey(subscriptionId),
      select: { memberId: true, tierName: true, collectionPaused: true, resumesAt: true, member: { select: { userId: true } } },
    }),
  );
  if (!sub?.collectionPaused || !sub.resumesAt) return null;
  const resumesOn = formatDay(sub.resumesAt);
  const claim = {
    communityId,
    memberId: sub.memberId,
    kind: "pause_ending" as const,
    dedupeKey: `pause_ending:${subscriptionId}:${sub.resumesAt.toISOString()}`,
  };
  const email = await sendOnce({ ...claim, channel: "email" }, async () => {
    const to = await emailOf(sub.member.userId);
    if (!to) return null;
    const mail = await pauseEndingMail({ community: c.name, tier: sub.tierName, resumesOn, portalUrl: portalUrl() });
    const sent = await sendMail({ to, ...mail });
    return sent ? { messageId: sent.messageId } : null;
  });
  const discord = await sendOnce({ ...claim, channel: "discord" }, async () => {
    try {
      const content = `your ${sub.tierName} membership of ${c.name} resumes on ${resumesOn}: your roles come back, and billing continues on your usual billing date. To cancel instead, or to resume sooner: ${portalUrl()}`;
      const [posted] = await notify(communityId, { kind: "direct", memberId: sub.memberId, content });
      return posted ? { channelId: posted.channelId } : null;
    } catch (error) {
      // A member Discord will not let the bot reach has the e-mail; nothing to retry.
      if (permanentProblem(error)) return null;
      throw error;
    }
  });
  return { email, discord };
}

/**
 * One win-back e-mail per ended membership, `winbackDays` after it ended (a
 * week's window, so turning it on does not write to everyone who ever left).
 */
export async function sendWinbacks(communityId: string, now = new Date()): Promise<number> {
  const c = await community(communityId);
  const { winbackDays } = readSettings(c.settings);
  if (winbackDays === 0) return 0;
  const due = new Date(now.getTime() - winbackDays * 86_400_000);
  const ended = await withCommunity(communityId, (tx) =>
    tx.subscription.findMany({
      where: {
        status: "canceled",
        duplicateOf: null,
        canceledAt: { lte: due, gt: new Date(due.getTime() - 7 * 86_400_000) },
        member: { isActive: true, erasedAt: null, emailOptOutAt: null, subscriptions: { none: { status: { in: LIVE_SUBSCRIPTION } } } },
      },
      select: { id: true, tierName: true, memberId: true, member: { select: { userId: true } } },
      take: 500,
    }),
  );
  let sent = 0;
  for (const sub of ended) {
    const outcome = await sendOnce({ communityId, memberId: sub.memberId, kind: "winback", channel: "email", dedupeKey: `winback:${sub.id}` }, async () => {
      const to = await emailOf(sub.member.userId);
      if (!to) return null;
      const unsubscribe = unsubscribeUrl(communityId, sub.memberId);
      const mail = await winbackMail({ community: c.name, tier: sub.tierName, communityUrl: communityUrl(c.slug), unsubscribeUrl: unsubscribe });
      const result = await sendMail({
        to,
        ...mail,
        // One-click unsubscribe (RFC 8058), which mail clients show beside the sender.
        headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      return result ? { messageId: result.messageId } : null;
    });
    if (outcome === "sent") sent++;
  }
  return sent;
}
