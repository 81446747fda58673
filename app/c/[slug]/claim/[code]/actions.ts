"use server";

import { z } from "zod";
import { userAction } from "@/lib/actions";
import { stripe } from "@/lib/billing/stripe";
import { claimMembership } from "@/lib/imports/claim";

export const claimAction = userAction(z.object({ slug: z.string().max(100), code: z.string().max(64) }), ({ slug, code }, { actor }) =>
  claimMembership(slug, code, actor, stripe()),
);
