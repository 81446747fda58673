"use server";

import { redirect } from "next/navigation";
import { userAction, type ActionState } from "@/lib/actions";
import { createCommunity } from "@/lib/communities/owner";
import { createCommunitySchema } from "@/lib/communities/validation";

const create = userAction(createCommunitySchema, (input, { actor }) => createCommunity(input, actor));

export async function createCommunityAction(prev: ActionState<{ slug: string }>, formData: FormData) {
  const result = await create(prev, formData);
  if (result.ok) redirect(`/dashboard/${result.data.slug}?created=1`);
  return result;
}
