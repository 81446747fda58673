import type { REST } from "@discordjs/rest";
import { withCommunity, type TenantTx } from "../db/scopes";
import { activeBot } from "./bot-config";
import { syncMemberRoles, type RoleSyncResult } from "./role-sync";

export type ReconcileReport = { checked: number; fixed: number; drifting: number; stoppedBy?: string };

/**
 * Every member compared with Discord (a role can be handed out by hand to
 * anyone) and fixed, or, with auto role assignment off, recorded as drift.
 * Members are read in pages; @discordjs/rest keeps the pace under Discord's
 * limits; a bot-wide problem (bad token, bot removed) stops the sweep instead
 * of failing once per member.
 */
export async function reconcileCommunity(
  communityId: string,
  options: { rest?: (token: string) => REST; now?: Date; pageSize?: number } = {},
): Promise<ReconcileReport> {
  const pageSize = options.pageSize ?? 200;
  const report: ReconcileReport = { checked: 0, fixed: 0, drifting: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await withCommunity(communityId, async (tx) => {
      if (!(await activeBot(tx, communityId))) return null;
      return tx.communityMember.findMany({
        where: after ? { id: { gt: after } } : {},
        orderBy: { id: "asc" },
        take: pageSize,
        select: { id: true },
      });
    });
    if (!page || page.length === 0) return report;
    for (const { id } of page) {
      const result: RoleSyncResult = await syncMemberRoles(communityId, id, {
        reason: "reconcile",
        auditUnchanged: false,
        rest: options.rest,
        now: options.now,
      });
      report.checked++;
      if (result.outcome === "synced") report.fixed++;
      if (result.outcome !== "synced" && result.outcome !== "unchanged") report.drifting++;
      // The same cause would fail every member after this one: each a 401/403/404 that counts
      // towards Discord's 10,000-invalid-requests limit. Stop and let the owner fix it.
      // A linked server's trouble does not stop the sweep: the own server's roles still need their check.
      if (!result.server && ["unauthorized", "unknown_guild", "paused", "missing_permissions", "unknown_role"].includes(result.outcome)) {
        report.stoppedBy = result.outcome;
        return report;
      }
    }
    after = page.at(-1)!.id;
  }
}

/** Whether the member's roles are recorded as drifting and not yet fixed. */
export async function hasOpenDrift(tx: TenantTx, memberId: string): Promise<boolean> {
  return !!(await tx.discordRoleDrift.findFirst({ where: { memberId, resolvedAt: null }, select: { id: true } }));
}
