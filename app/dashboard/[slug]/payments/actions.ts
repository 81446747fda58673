"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { communityWorkflow, type ActionState } from "@/lib/actions";
import { paymentsQuerySchema } from "@/lib/billing/payments-query";
import { refundSchema, requestRefund } from "@/lib/billing/refunds";

const refund = communityWorkflow(
  refundSchema,
  "manage",
  async (input, ctx) => {
    const result = await requestRefund(input, ctx);
    revalidatePath(`/dashboard/${ctx.community.slug}/payments`);
    return result;
  },
  (input, r) => ({ action: "payment.refund_requested", objectType: "payment", objectId: input.paymentId, details: { amount: r.amount, currency: r.currency } }),
);

/**
 * On success, back to the same list with a notice on the page itself: the
 * webhook may already have moved the payment out of the filtered rows (and the
 * row's own message with it).
 */
export async function refundAction(prev: ActionState<{ amount: string; currency: string }>, formData: FormData) {
  const result = await refund(prev, formData);
  if (!result.ok) return result;
  const filters = paymentsQuerySchema.safeParse({ status: formData.get("returnStatus") ?? "", days: formData.get("returnDays") ?? "90" });
  const keep = filters.success ? { ...(filters.data.status ? { status: filters.data.status } : {}), days: filters.data.days } : {};
  redirect(`/dashboard/${String(formData.get("communitySlug"))}/payments?${new URLSearchParams({ ...keep, notice: "refund_sent" })}`);
}
