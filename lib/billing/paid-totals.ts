// What members have paid, per currency. Stripe bills a customer in one currency
// at a time, but a member who comes back may pay in another, and the stored
// total_spent (kept for sorting) adds both as one number. Counted as
// total_spent is: SPENT_STATUSES, net of refunds.
import { Prisma } from "../generated/prisma/client";
import { SPENT_STATUSES } from "./member-refresh";

export type PaidTotal = { currency: string; amount: string };
type Reader = { $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> };

/** Each member's totals, the currency paid in last first; a currency whose payments were all refunded is left out. One statement. */
export async function paidTotals(tx: Reader, memberIds: string[]): Promise<Map<string, PaidTotal[]>> {
  const totals = new Map<string, PaidTotal[]>();
  if (memberIds.length === 0) return totals;
  const rows = await tx.$queryRaw<{ memberId: string; currency: string; amount: string }[]>(Prisma.sql`
    SELECT member_id::text AS "memberId", currency, sum(amount - amount_refunded)::text AS amount
      FROM payments WHERE member_id = ANY(${memberIds}::uuid[]) AND status = ANY(${SPENT_STATUSES})
     GROUP BY member_id, currency
    HAVING sum(amount - amount_refunded) <> 0
     ORDER BY member_id, max(created_at) DESC`);
  for (const { memberId, currency, amount } of rows) totals.set(memberId, [...(totals.get(memberId) ?? []), { currency, amount }]);
  return totals;
}

/** The currencies the scope's community was paid in (counted as total_spent is). One statement. */
export async function paidCurrencies(tx: Reader): Promise<string[]> {
  const rows = await tx.$queryRaw<{ currency: string }[]>(
    Prisma.sql`SELECT DISTINCT currency FROM payments WHERE status = ANY(${SPENT_STATUSES}) ORDER BY currency`,
  );
  return rows.map((r) => r.currency);
}
