import { recordPassPurchase } from "../../passes";
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject, readBack } from "../handler";
import { checkoutSessionSchema, type StripeCheckoutSession, type StripeSubscription } from "../../stripe-objects";

type Prepared = { subscription: StripeSubscription } | { pass: StripeCheckoutSession };

// A subscription checkout says little we trust beyond its subscription id: the
// subscription itself is fetched, so this and customer.subscription.created
// (in whichever order) produce the same row. A pass (one payment) is read back
// from Stripe and recorded once it is paid.
export const checkoutSessionCompleted = defineHandler({
  async prepare(object, ctx): Promise<Prepared | null> {
    const session = parseObject(checkoutSessionSchema, object);
    if (session.mode === "payment") {
      const { object: current } = await readBack(checkoutSessionSchema, session, () =>
        ctx.stripe.checkout.sessions.retrieve(session.id, {}, { stripeAccount: ctx.stripeAccount }),
      );
      return current.payment_status === "paid" ? { pass: current } : null;
    }
    if (session.mode !== "subscription" || !session.subscription) return null;
    return { subscription: await currentSubscription(ctx, session.subscription) };
  },
  async apply(tx, prepared: Prepared, ctx) {
    if ("pass" in prepared) return recordPassPurchase(tx, ctx, prepared.pass);
    await syncSubscription(tx, ctx, prepared.subscription);
    return "processed";
  },
});
