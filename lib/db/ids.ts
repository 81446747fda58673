import { z } from "zod";

export const idSchema = z.uuid({ message: "must be a UUID" });

/**
 * Ids reach queries and the scope's SET statement only through here: Prisma
 * silently drops a `where` field that is undefined, and the scope is sent as a
 * literal, so anything but a well-formed UUID is refused.
 */
export function parseId(value: unknown, what = "id"): string {
  const result = idSchema.safeParse(value);
  if (!result.success) throw new InvalidIdError(`${what} must be a UUID`);
  return result.data.toLowerCase();
}

export class InvalidIdError extends Error {
  override name = "InvalidIdError";
}
