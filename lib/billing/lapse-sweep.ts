import { withCommunity } from "../db/scopes";
import { requestRoleSync } from "../jobs/enqueue";
import { refreshMember } from "./member-refresh";

/**
 * Moves members whose lapse stage ran out to the next one (grace to
 * restricted to removed): their status is recomputed, recorded in the audit
 * trail, and their roles follow. Run every few minutes; `now` lets tests
 * compress the clock.
 */
export async function advanceLapses(communityId: string, now = new Date()): Promise<{ memberId: string; status: string }[]> {
  return withCommunity(communityId, async (tx) => {
    const due = await tx.communityMember.findMany({
      where: { subscriptionStatus: { in: ["past_due", "restricted"] }, subscriptionExpiresAt: { lte: now } },
      select: { id: true },
    });
    const moved: { memberId: string; status: string }[] = [];
    for (const { id } of due) {
      const refresh = await refreshMember(tx, id, now);
      if (!refresh.changed) continue;
      moved.push({ memberId: id, status: refresh.after.status });
      await requestRoleSync(tx, communityId, id, `payment failed: ${refresh.after.status === "restricted" ? "restricted" : "access removed"}`);
    }
    return moved;
  });
}
