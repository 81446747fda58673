import { withCommunity } from "../db/scopes";
import { requestRoleSync } from "../jobs/enqueue";
import { refreshMember } from "./member-refresh";

/**
 * Moves members whose standing ran out on the calendar to the next one: a
 * failed payment's stage (grace to restricted to removed), a pass or comp
 * that expired. Their status is recomputed, recorded in the audit trail, and their
 * roles follow. Run every few minutes; `now` lets tests compress the clock.
 */
export async function advanceLapses(communityId: string, now = new Date()): Promise<{ memberId: string; status: string }[]> {
  return withCommunity(communityId, async (tx) => {
    const due = await tx.communityMember.findMany({
      where: { subscriptionStatus: { in: ["past_due", "restricted", "comp", "pass"] }, subscriptionExpiresAt: { lte: now } },
      select: { id: true },
    });
    const moved: { memberId: string; status: string }[] = [];
    for (const { id } of due) {
      const refresh = await refreshMember(tx, id, now);
      if (!refresh.changed) continue;
      moved.push({ memberId: id, status: refresh.after.status });
      const reason =
        refresh.before.status === "comp"
          ? "free access ended"
          : refresh.before.status === "pass"
            ? "pass ended"
            : `payment failed: ${refresh.after.status === "restricted" ? "restricted" : "access removed"}`;
      await requestRoleSync(tx, communityId, id, reason);
    }
    return moved;
  });
}
