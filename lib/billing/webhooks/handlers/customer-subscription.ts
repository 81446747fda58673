// customer.subscription.created / updated / deleted / paused / resumed
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject } from "../handler";
import { z } from "zod";

const subscriptionRef = z.object({ id: z.string().min(3).max(255) });

export const customerSubscription = defineHandler({
  async prepare(object, ctx) {
    const { id } = parseObject(subscriptionRef, object);
    return currentSubscription(ctx, id, object);
  },
  async apply(tx, subscription, ctx) {
    await syncSubscription(tx, ctx, subscription);
    return "processed";
  },
});
