import { z } from "zod";
import { answersFromSession, type CheckoutAnswer } from "../../../communities/checkout-questions";
import { recordCheckoutAnswers } from "../../../members/checkout-answers";
import { recordReferral } from "../../../referrals/referrals";
import { recordPassPurchase } from "../../passes";
import { isGiftSession, recordGiftPurchase } from "../../../gifts/purchase";
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject, readBack, type Outcome } from "../handler";
import { checkoutSessionSchema, type StripeCheckoutSession, type StripeSubscription } from "../../stripe-objects";

type Answered = {
  memberId: string | null;
  answers: CheckoutAnswer[];
  /** The member came by a referrer's link: who, on what terms, from when (the session's start, before any of its payments). */
  referral: { referrerId: string; percent: number; months: number; startedAt: Date } | null;
};
type Prepared = ({ subscription: StripeSubscription } | { pass: StripeCheckoutSession }) & Answered;

// A subscription checkout says little we trust beyond its subscription id: the
// subscription itself is fetched, so this and customer.subscription.created
// (in whichever order) produce the same row. A pass (one payment) is read back
// from Stripe and recorded once it is paid, and so is a gift (a payment whose
// months someone claims later: lib/gifts). Either way the member's answers to
// the checkout questions are kept: a completed session's answers never change.
export const checkoutSessionCompleted = defineHandler({
  async prepare(object, ctx): Promise<Prepared | null> {
    const session = parseObject(checkoutSessionSchema, object);
    if (session.mode === "payment") {
      const { object: current } = await readBack(checkoutSessionSchema, session, () =>
        ctx.stripe.checkout.sessions.retrieve(session.id, {}, { stripeAccount: ctx.stripeAccount }),
      );
      return current.payment_status === "paid" ? { pass: current, ...answered(current) } : null;
    }
    if (session.mode !== "subscription" || !session.subscription) return null;
    return { subscription: await currentSubscription(ctx, session.subscription), ...answered(session) };
  },
  async apply(tx, prepared: Prepared, ctx) {
    let outcome: Outcome = "processed";
    if ("pass" in prepared)
      outcome = isGiftSession(prepared.pass) ? await recordGiftPurchase(tx, ctx, prepared.pass) : await recordPassPurchase(tx, ctx, prepared.pass);
    else await syncSubscription(tx, ctx, prepared.subscription);
    // Our own Checkouts name the member (in the community's scope: another community's member is not found).
    if (prepared.memberId) await recordCheckoutAnswers(tx, prepared.memberId, prepared.answers, ctx.now);
    if (prepared.memberId && prepared.referral) {
      const { referrerId, percent, months, startedAt } = prepared.referral;
      await recordReferral(tx, prepared.memberId, referrerId, { percent, months }, startedAt);
    }
    return outcome;
  },
});

const memberId = z.uuid().transform((id) => id.toLowerCase());
const referralTerms = z.object({
  referrer_member_id: memberId,
  referral_percent: z.coerce.number().int().min(1).max(50),
  referral_months: z.coerce.number().int().min(1).max(24),
});

function answered(session: StripeCheckoutSession): Answered {
  const member = memberId.safeParse(session.metadata.member_id);
  // Most checkouts carry no referral: no parse then (a failed one builds an error).
  const terms = session.metadata.referrer_member_id ? referralTerms.safeParse(session.metadata) : null;
  return {
    memberId: member.success ? member.data : null,
    answers: answersFromSession(session.custom_fields),
    referral: terms?.success
      ? {
          referrerId: terms.data.referrer_member_id,
          percent: terms.data.referral_percent,
          months: terms.data.referral_months,
          startedAt: session.created ? new Date(session.created * 1000) : new Date(),
        }
      : null,
  };
}
