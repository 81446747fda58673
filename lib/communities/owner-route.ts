import { idSchema } from "../db/ids";
import { getSessionUser } from "../auth/session";
import type { Permission } from "../staff/roles";
import { findManagedCommunity } from "./owner-access";

type ManagedCommunity = NonNullable<Awaited<ReturnType<typeof findManagedCommunity>>>;

/**
 * A dashboard route handler's gate: the signed-in owner or staff member whose
 * role has the permission, or the Response to send (401 signed out; 404 for
 * anyone else, which looks exactly like a missing community).
 */
export async function communityOfRoute(slug: string, need: Permission = "view"): Promise<{ response: Response } | { community: ManagedCommunity }> {
  const user = await getSessionUser();
  if (!user) return { response: Response.json({ error: "Please sign in." }, { status: 401 }) };
  const community = await findManagedCommunity(slug, user, need);
  if (!community) return { response: Response.json({ error: "We couldn't find that community." }, { status: 404 }) };
  return { community };
}

/** The gate, then the member id of the URL (400 if malformed). */
export async function memberOfRoute(
  slug: string,
  memberId: string,
  need: Permission = "view",
): Promise<{ response: Response } | { community: ManagedCommunity; memberId: string }> {
  const gate = await communityOfRoute(slug, need);
  if ("response" in gate) return gate;
  const id = idSchema.safeParse(memberId);
  if (!id.success) return { response: Response.json({ error: "That is not a member id." }, { status: 400 }) };
  return { community: gate.community, memberId: id.data.toLowerCase() };
}
