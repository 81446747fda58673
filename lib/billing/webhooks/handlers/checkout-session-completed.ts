import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject } from "../handler";
import { checkoutSessionSchema } from "../stripe-objects";

// The session says little we trust beyond its subscription id: the
// subscription itself is fetched, so this and customer.subscription.created
// (in whichever order) produce the same row.
export const checkoutSessionCompleted = defineHandler({
  async prepare(object, ctx) {
    const session = parseObject(checkoutSessionSchema, object);
    if (session.mode !== "subscription" || !session.subscription) return null;
    return currentSubscription(ctx, session.subscription);
  },
  async apply(tx, subscription, ctx) {
    await syncSubscription(tx, ctx, subscription);
    return "processed";
  },
});
