import { z } from "zod";
import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { verifyUnsubscribe } from "../mail/links";

/** The parameters of an unsubscribe link (lib/mail/links.ts). */
export const unsubscribeParams = z.object({
  c: z.uuid(),
  m: z.uuid(),
  s: z.string().regex(/^[\w-]{43}$/, "not an unsubscribe signature"),
});
export type UnsubscribeParams = z.infer<typeof unsubscribeParams>;

/** The link's community and whether it is genuine; null when it is not. */
export async function unsubscribeTarget(params: UnsubscribeParams) {
  if (!verifyUnsubscribe(params.c, params.m, params.s)) return null;
  const community = await db.community.findUnique({ where: { id: params.c }, select: { name: true } });
  if (!community) return null;
  const member = await withCommunity(params.c, (tx) => tx.communityMember.findUnique({ where: rowKey(params.m), select: { emailOptOutAt: true } }));
  return member ? { community: community.name, optedOut: member.emailOptOutAt !== null } : null;
}

/** Stops non-transactional mail (win-back) to the member; receipts and payment reminders still go. */
export async function unsubscribeMember(params: UnsubscribeParams): Promise<boolean> {
  if (!verifyUnsubscribe(params.c, params.m, params.s)) return false;
  const updated = await withCommunity(params.c, (tx) =>
    tx.communityMember.updateMany({ where: { id: params.m, emailOptOutAt: null }, data: { emailOptOutAt: new Date() } }),
  );
  if (updated.count === 0) {
    const exists = await withCommunity(params.c, (tx) => tx.communityMember.count({ where: { id: params.m } }));
    return exists > 0;
  }
  return true;
}
