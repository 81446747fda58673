import { idSchema } from "../db/ids";
import { getSessionUser } from "../auth/session";
import { findOwnedCommunity } from "./owner-access";

/**
 * A dashboard route handler's gate: the signed-in owner of the community in the
 * URL, or the Response to send (401 signed out; 404 for anyone else's community,
 * which looks exactly like a missing one).
 */
type OwnedCommunity = NonNullable<Awaited<ReturnType<typeof findOwnedCommunity>>>;

/** The owner's gate, then the member id of the URL (400 if malformed). */
export async function ownerMemberOfRoute(slug: string, memberId: string): Promise<{ response: Response } | { community: OwnedCommunity; memberId: string }> {
  const gate = await ownerOfRoute(slug);
  if ("response" in gate) return gate;
  const id = idSchema.safeParse(memberId);
  if (!id.success) return { response: Response.json({ error: "That is not a member id." }, { status: 400 }) };
  return { community: gate.community, memberId: id.data.toLowerCase() };
}

export async function ownerOfRoute(slug: string): Promise<{ response: Response } | { community: OwnedCommunity }> {
  const user = await getSessionUser();
  if (!user) return { response: Response.json({ error: "Please sign in." }, { status: 401 }) };
  const community = await findOwnedCommunity(slug, user.id);
  if (!community) return { response: Response.json({ error: "We couldn't find that community." }, { status: 404 }) };
  return { community };
}
