import type { Session } from "next-auth";
import { auth } from "./index";

export type SessionUser = Session["user"];

/** The signed-in user, or null. A session proves who someone is, never what they may do. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await auth();
  return session?.user?.id ? session.user : null;
}
