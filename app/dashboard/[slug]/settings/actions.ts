"use server";

import { revalidatePath } from "next/cache";
import { communityAction, type ActionState } from "@/lib/actions";
import { saveCheckoutQuestions, updateCommunity } from "@/lib/communities/owner";
import { updateCommunitySchema } from "@/lib/communities/validation";
import { checkoutQuestionsFormSchema } from "@/lib/communities/checkout-questions";

const update = communityAction(
  updateCommunitySchema,
  "manage",
  (input, { community, tx }) => updateCommunity(input, community, tx),
  (input) => ({
    action: "community.settings_updated",
    objectType: "community",
    details: { name: input.name, slug: input.slug, status: input.status, gracePeriodDays: input.gracePeriodDays },
  }),
);

export async function updateCommunityAction(prev: ActionState<{ slug: string }>, formData: FormData) {
  const result = await update(prev, formData);
  if (result.ok) {
    revalidatePath("/dashboard");
    return { ...result, message: "Settings saved." };
  }
  return result;
}

const saveQuestions = communityAction(
  checkoutQuestionsFormSchema,
  "manage",
  (questions, { community, tx }) => saveCheckoutQuestions(tx, community.id, questions).then(() => questions.length),
  (questions) => ({ action: "community.checkout_questions_updated", objectType: "community", details: { questions: questions.map((q) => q.label) } }),
);

export async function saveCheckoutQuestionsAction(prev: ActionState<number>, formData: FormData) {
  const result = await saveQuestions(prev, formData);
  if (!result.ok) return result;
  const asked =
    result.data === 0
      ? "Checkout asks no questions now."
      : `Saved. Checkout asks ${result.data === 1 ? "this question" : `these ${result.data} questions`} from the next payment on.`;
  return { ...result, message: asked };
}
