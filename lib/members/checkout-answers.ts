import { lockMember } from "../billing/member-refresh";
import type { CheckoutAnswer, CheckoutAnswers } from "../communities/checkout-questions";
import type { TenantTx } from "../db/scopes";

/** Keeps a member's answers from a completed Checkout (the newest Checkout's answers replace older ones). */
export async function recordCheckoutAnswers(tx: TenantTx, memberId: string, answers: CheckoutAnswer[], at: Date) {
  if (answers.length === 0) return;
  await lockMember(tx, memberId);
  const value: CheckoutAnswers = { answeredAt: at.toISOString(), answers };
  await tx.communityMember.updateMany({ where: { id: memberId }, data: { checkoutAnswers: value } });
}
