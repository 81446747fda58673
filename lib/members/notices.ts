// Messages to members are sent at most once per message and channel, however
// often a job runs: the send is claimed in member_notices first (unique per
// community, key and channel), marked sent after. A send that fails releases
// its claim so the job's retry can send it; a worker that dies mid-send leaves
// the claim, and the message is not repeated (a missed reminder is better than
// a doubled one).
import type { Prisma } from "../generated/prisma/client";
import { withCommunity } from "../db/scopes";

export const NOTICE_KINDS = ["receipt", "welcome", "dunning", "lapse_restricted", "lapse_removed", "winback", "pause_ending"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export type NoticeChannel = "email" | "discord";

export type NoticeClaim = { communityId: string; memberId: string; kind: NoticeKind; channel: NoticeChannel; dedupeKey: string };

/**
 * Runs `send` unless this notice was claimed before. Returns "sent", "skipped"
 * (send returned null: nothing to send on this channel; the claim is released)
 * or "already_sent".
 */
export async function sendOnce(claim: NoticeClaim, send: () => Promise<Prisma.InputJsonObject | null>): Promise<"sent" | "skipped" | "already_sent"> {
  const { communityId, memberId, kind, channel, dedupeKey } = claim;
  const claimed = await withCommunity(communityId, (tx) =>
    tx.memberNotice.createMany({ data: [{ communityId, memberId, kind, channel, dedupeKey }], skipDuplicates: true }),
  );
  if (claimed.count === 0) return "already_sent";
  const release = () => withCommunity(communityId, (tx) => tx.memberNotice.deleteMany({ where: { dedupeKey, channel, status: "sending" } }));
  let details: Prisma.InputJsonObject | null;
  try {
    details = await send();
  } catch (error) {
    await release();
    throw error;
  }
  if (details === null) {
    await release();
    return "skipped";
  }
  await withCommunity(communityId, (tx) =>
    tx.memberNotice.updateMany({ where: { dedupeKey, channel }, data: { status: "sent", sentAt: new Date(), details } }),
  );
  return "sent";
}
