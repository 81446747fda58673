"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/actions";
import { assertPlatformAdmin } from "@/lib/auth/platform-admin";
import { policyInput, queueRetentionRun, updateRetentionPolicy } from "@/lib/gdpr/retention-admin";

export const updatePolicyAction = userAction(policyInput, async (input, { actor }) => {
  await assertPlatformAdmin(actor.id);
  const saved = await updateRetentionPolicy(actor.id, input);
  revalidatePath("/admin/retention");
  return saved;
});

export const runRetentionAction = userAction(z.object({}), async (_input, { actor }) => {
  await assertPlatformAdmin(actor.id);
  await queueRetentionRun();
  return { queued: true };
});
