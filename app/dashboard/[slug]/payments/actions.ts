"use server";

import { revalidatePath } from "next/cache";
import { communityWorkflow } from "@/lib/actions";
import { refundSchema, requestRefund } from "@/lib/billing/refunds";

export const refundAction = communityWorkflow(
  refundSchema,
  "owner",
  async (input, ctx) => {
    const refund = await requestRefund(input, ctx);
    revalidatePath(`/dashboard/${ctx.community.slug}/payments`);
    return refund;
  },
  (input, r) => ({ action: "payment.refund_requested", objectType: "payment", objectId: input.paymentId, details: { amount: r.amount, currency: r.currency } }),
);
