// API keys: `cos_<community id, 32 hex>_<secret>`. The community part says
// which scope to look the key up in; only the SHA-256 of the whole key is kept.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "../core/actors";
import { withCommunity, type TenantTx, rowKey } from "../db/scopes";

export const API_SCOPES = ["read", "write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Give the key a name (what uses it).").max(100, "must be at most 100 characters"),
  scope: z.enum(API_SCOPES, { error: "Pick read or read-write." }),
});
export const revokeApiKeySchema = z.object({ keyId: z.uuid() });

const KEY_SHAPE = /^cos_([0-9a-f]{32})_([A-Za-z0-9_-]{32})$/;

const hashOf = (key: string) => createHash("sha256").update(key).digest("hex");

export async function createApiKey(tx: TenantTx, communityId: string, actor: Actor, input: z.output<typeof createApiKeySchema>) {
  const key = `cos_${communityId.replaceAll("-", "")}_${randomBytes(24).toString("base64url")}`;
  const row = await tx.apiKey.create({
    data: { communityId, name: input.name, scope: input.scope, hint: key.slice(-4), secretHash: hashOf(key), createdBy: actor.id },
    select: { id: true, name: true, scope: true },
  });
  // The only time the key exists outside the caller's hands.
  return { ...row, key };
}

export async function revokeApiKey(tx: TenantTx, keyId: string) {
  const { count } = await tx.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: new Date() } });
  return { revoked: count > 0 };
}

export function listApiKeys(tx: TenantTx) {
  return tx.apiKey.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, hint: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export type ApiCaller = { keyId: string; communityId: string; scope: ApiScope; createdBy: string | null };

// last_used_at is written at most once a minute per key: a busy integration is not a write per call.
const TOUCH_EVERY_MS = 60_000;

/** The caller behind a bearer key, or null (missing, malformed, unknown or revoked: all look alike). */
export async function authenticateKey(authorization: string | null, now = new Date()): Promise<ApiCaller | null> {
  const key = authorization?.match(/^Bearer (\S+)$/)?.[1];
  const shape = key?.match(KEY_SHAPE);
  if (!key || !shape) return null;
  const hex = shape[1]!;
  const communityId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return withCommunity(communityId, async (tx) => {
    const found = await tx.apiKey.findUnique({
      where: { communityId_secretHash: { communityId, secretHash: hashOf(key) } },
      select: { id: true, communityId: true, scope: true, createdBy: true, lastUsedAt: true, revokedAt: true },
    });
    if (!found || found.revokedAt || found.communityId !== communityId) return null;
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await tx.apiKey.update({ where: rowKey(found.id), data: { lastUsedAt: now }, select: { id: true } });
    }
    return { keyId: found.id, communityId, scope: found.scope as ApiScope, createdBy: found.createdBy };
  });
}
