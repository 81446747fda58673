import { z } from "zod";
import { answersFromSession, type CheckoutAnswer } from "../../../communities/checkout-questions";
import { recordCheckoutAnswers } from "../../../members/checkout-answers";
import { recordPassPurchase } from "../../passes";
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject, readBack, type Outcome } from "../handler";
import { checkoutSessionSchema, type StripeCheckoutSession, type StripeSubscription } from "../../stripe-objects";

type Answered = { memberId: string | null; answers: CheckoutAnswer[] };
type Prepared = ({ subscription: StripeSubscription } | { pass: StripeCheckoutSession }) & Answered;

// A subscription checkout says little we trust beyond its subscription id: the
// subscription itself is fetched, so this and customer.subscription.created
// (in whichever order) produce the same row. A pass (one payment) is read back
// from Stripe and recorded once it is paid. Either way the member's answers to
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
    if ("pass" in prepared) outcome = await recordPassPurchase(tx, ctx, prepared.pass);
    else await syncSubscription(tx, ctx, prepared.subscription);
    // Our own Checkouts name the member (in the community's scope: another community's member is not found).
    if (prepared.memberId) await recordCheckoutAnswers(tx, prepared.memberId, prepared.answers, ctx.now);
    return outcome;
  },
});

const memberId = z.uuid().transform((id) => id.toLowerCase());

function answered(session: StripeCheckoutSession): Answered {
  const member = memberId.safeParse(session.metadata.member_id);
  return { memberId: member.success ? member.data : null, answers: answersFromSession(session.custom_fields) };
}
