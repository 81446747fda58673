import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import type { TenantTx } from "../db/scopes";

export const PAYMENT_STATUSES = ["succeeded", "failed", "partially_refunded", "refunded", "disputed", "dispute_lost"] as const;

export const paymentsQuerySchema = z.object({
  status: z.enum(PAYMENT_STATUSES).or(z.literal("")).optional().default(""),
  days: z.enum(["30", "90", "365", "all"]).optional().default("90"),
  before: z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const [at, id] = value.split("_");
      if (!at || !id || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(id).success) {
        ctx.addIssue({ code: "custom", message: "is not a valid page" });
        return z.NEVER;
      }
      return { at: new Date(at), id };
    }),
});
export type PaymentsQuery = z.output<typeof paymentsQuerySchema>;

const PAGE = 50;

/** Payments newest first with the filter's totals; bounded by a time window (a year at most unless asked). */
export async function listPayments(tx: TenantTx, query: PaymentsQuery, now = new Date()) {
  const where: Prisma.PaymentWhereInput = {
    ...(query.status ? { status: query.status } : {}),
    ...(query.days !== "all" ? { createdAt: { gte: new Date(now.getTime() - Number(query.days) * 86_400_000) } } : {}),
  };
  const page: Prisma.PaymentWhereInput = query.before
    ? { OR: [{ createdAt: { lt: query.before.at } }, { createdAt: query.before.at, id: { lt: query.before.id } }] }
    : {};
  const rows = await tx.payment.findMany({
    where: { AND: [where, page] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE + 1,
    select: {
      id: true,
      amount: true,
      amountRefunded: true,
      taxAmount: true,
      currency: true,
      status: true,
      description: true,
      processedAt: true,
      createdAt: true,
      stripePaymentIntentId: true,
      member: { select: { user: { select: { username: true, globalName: true } } } },
    },
  });
  const totals = await tx.payment.groupBy({ by: ["currency"], where, _sum: { amount: true, amountRefunded: true }, _count: true });
  const visible = rows.slice(0, PAGE);
  const last = visible.at(-1);
  return {
    rows: visible,
    next: rows.length > PAGE && last ? `${last.createdAt.toISOString()}_${last.id}` : null,
    totals: totals.map((t) => ({
      currency: t.currency,
      count: t._count,
      gross: (t._sum.amount ?? new Prisma.Decimal(0)).toFixed(2),
      refunded: (t._sum.amountRefunded ?? new Prisma.Decimal(0)).toFixed(2),
    })),
  };
}
