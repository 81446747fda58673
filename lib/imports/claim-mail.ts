import { db } from "../db/client";
import { withCommunity, rowKey } from "../db/scopes";
import { publicOrigin } from "../mail/links";
import { claimMail } from "../mail/templates";
import { sendMail } from "../mail/transport";
import { claimPath } from "./claim-code";

/** The claim link by e-mail, once: the row remembers that it was sent. */
export async function sendClaimMail(communityId: string, importId: string): Promise<"sent" | "skipped"> {
  const found = await withCommunity(communityId, (tx) =>
    tx.memberImport.findUnique({
      where: rowKey(importId),
      select: { email: true, claimCode: true, claimMailedAt: true, claimedAt: true, source: true, tier: { select: { name: true } } },
    }),
  );
  if (!found?.email || found.claimMailedAt || found.claimedAt) return "skipped";
  const community = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { name: true, slug: true } });
  const mail = await claimMail({
    community: community.name,
    tier: found.tier.name,
    claimUrl: `${publicOrigin()}${claimPath(community.slug, found.claimCode)}`,
    fromStripe: found.source === "stripe",
  });
  const sent = await sendMail({ to: found.email, ...mail });
  if (!sent) return "skipped";
  await withCommunity(communityId, (tx) => tx.memberImport.update({ where: rowKey(importId), data: { claimMailedAt: new Date() }, select: { id: true } }));
  return "sent";
}
