import { z } from "zod";

/** A list's page as asked for in the URL (?gifts=2); anything else is the first. */
export const pageParam = z.coerce.number().int().min(1).max(100_000).catch(1);
