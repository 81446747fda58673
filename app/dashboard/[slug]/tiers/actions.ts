"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { ActionError, communityAction, communityWorkflow, type ActionResult, type ActionState } from "@/lib/actions";
import { createRoleForTier } from "@/lib/discord/guild-catalog";
import { checkTierRoles } from "@/lib/tiers/discord-roles";
import { createTier, moveTier, setTierActive, syncTier, updateTier, type SyncOutcome } from "@/lib/tiers/service";
import { tierErrorCode } from "@/lib/tiers/errors";
import { moveTierSchema, setTierActiveSchema, tierInputSchema, tierRefSchema } from "@/lib/tiers/validation";

type Saved = { tierId: string } & SyncOutcome;

const create = communityWorkflow(
  tierInputSchema,
  "manage",
  async (input, { community, inScope }) => {
    await checkTierRoles(community.id, input);
    return createTier(input, community, inScope);
  },
  (input, r) => ({
    action: "tier.created",
    objectType: "tier",
    objectId: r.tierId,
    details: { name: input.name, price: input.price, currency: input.currency, interval: input.interval },
  }),
);
const update = communityWorkflow(
  tierInputSchema.and(tierRefSchema),
  "manage",
  async ({ tierId, ...input }, { community, inScope }) => {
    await checkTierRoles(community.id, input);
    return updateTier(tierId, input, community, inScope);
  },
  (input, r) => ({
    action: "tier.updated",
    objectType: "tier",
    objectId: r.tierId,
    details: { name: input.name, price: input.price, currency: input.currency, interval: input.interval },
  }),
);
const move = communityAction(
  moveTierSchema,
  "manage",
  ({ tierId, direction }, { tx }) => moveTier(tierId, direction, tx),
  ({ tierId, direction }) => ({
    action: "tier.reordered",
    objectType: "tier",
    objectId: tierId,
    details: { direction },
  }),
);
const activate = communityWorkflow(
  setTierActiveSchema,
  "manage",
  ({ tierId, active }, { community, inScope }) => setTierActive(tierId, active, community, inScope),
  ({ tierId, active }) => ({ action: active ? "tier.activated" : "tier.deactivated", objectType: "tier", objectId: tierId }),
);
const sync = communityWorkflow(
  tierRefSchema,
  "manage",
  ({ tierId }, { community, inScope }) => syncTier(tierId, community, inScope),
  ({ tierId }) => ({
    action: "tier.synced",
    objectType: "tier",
    objectId: tierId,
  }),
);

/** "Create a role for this tier": made by the bot in the server, below its own role; the form selects it. */
export const createTierRoleAction = communityWorkflow(
  z.object({ name: z.string().trim().min(1, "Give the tier a name first: the role is named after it.").max(100, "must be at most 100 characters") }),
  "manage",
  async ({ name }, { community }) => {
    const role = await createRoleForTier(community.id, name);
    if ("error" in role) throw new ActionError(role.error);
    return role;
  },
  ({ name }, role) => ({ action: "discord.role_created", objectType: "role", objectId: role.id, details: { name } }),
);

function afterSave(formData: FormData, result: ActionResult<Saved>): ActionResult<Saved> {
  if (!result.ok) return result;
  const slug = String(formData.get("communitySlug"));
  revalidatePath(`/dashboard/${slug}/tiers`);
  revalidatePath(`/c/${slug}`);
  const notice = result.data.warning === "refused" ? "sync-refused" : result.data.warning ? "sync-warning" : "saved";
  redirect(`/dashboard/${slug}/tiers?notice=${notice}`);
}

export async function createTierAction(prev: ActionState<Saved>, formData: FormData) {
  return afterSave(formData, await create(prev, formData));
}

export async function updateTierAction(prev: ActionState<Saved>, formData: FormData) {
  return afterSave(formData, await update(prev, formData));
}

/** Row buttons: plain forms, so they work before hydration too. */
export async function tierRowAction(formData: FormData) {
  const kind = formData.get("kind");
  const result = kind === "move" ? await move(null, formData) : kind === "activate" ? await activate(null, formData) : await sync(null, formData);
  const slug = String(formData.get("communitySlug"));
  revalidatePath(`/c/${slug}`);
  // A code, not the message: the page must not display text a crafted link supplies.
  redirect(`/dashboard/${slug}/tiers${result.ok ? "" : `?error=${tierErrorCode(result)}`}`);
}
