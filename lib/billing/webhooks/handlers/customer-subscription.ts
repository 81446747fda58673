// customer.subscription.created / updated / deleted / paused / resumed
import { syncSubscription } from "../../subscription-sync";
import { currentSubscription, defineHandler, parseObject } from "../handler";
import { z } from "zod";

export const customerSubscription = defineHandler({
  async prepare(object, ctx) {
    const { id } = parseObject(z.object({ id: z.string().min(3).max(255) }), object);
    return currentSubscription(ctx, id, object);
  },
  async apply(tx, subscription, ctx) {
    await syncSubscription(tx, ctx, subscription);
    return "processed";
  },
});
