import { db } from "../db/client";
import { ActionError } from "../core/errors";

export const ADMINS_ONLY = "Only platform administrators can do this.";

/** Read from the database on every check: revoking is_admin takes effect at once. */
export async function isPlatformAdmin(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { isAdmin: true, erasedAt: true } });
  return !!user?.isAdmin && !user.erasedAt;
}

export async function assertPlatformAdmin(userId: string): Promise<void> {
  if (!(await isPlatformAdmin(userId))) throw new ActionError(ADMINS_ONLY);
}
