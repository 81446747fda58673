import { randomBytes } from "node:crypto";

/** The secret in a claim link: 144 random bits. */
export const newClaimCode = () => randomBytes(18).toString("base64url");

export const claimPath = (slug: string, code: string) => `/c/${slug}/claim/${code}`;
