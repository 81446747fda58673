// What the Import tab shows: the tiers to map to, the latest Stripe runs and the
// memberships still waiting for their claim, a page at a time.
import { inTurn, type TenantTx } from "../db/scopes";
import { tierSummaries } from "../tiers/read";

export async function importOverview(tx: TenantTx, page: number, pageSize: number) {
  const [tiers, runs, pending, pendingCount] = await inTurn(
    () => tierSummaries(tx),
    () =>
      tx.stripeImport.findMany({
        orderBy: { startedAt: "desc" },
        take: 5,
        select: { id: true, status: true, seen: true, imported: true, skipped: true, error: true, startedAt: true },
      }),
    () =>
      tx.memberImport.findMany({
        where: { claimedAt: null },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip: page * pageSize,
        take: pageSize,
        select: {
          id: true,
          source: true,
          email: true,
          discordUserId: true,
          claimCode: true,
          claimMailedAt: true,
          createdAt: true,
          tier: { select: { name: true } },
        },
      }),
    () => tx.memberImport.count({ where: { claimedAt: null } }),
  );
  return { tiers, runs, pending, pendingCount };
}
