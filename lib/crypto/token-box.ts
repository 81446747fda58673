// Bot tokens at rest: AES-256-GCM (Node's crypto) under a key from the
// environment. The ciphertext names its key, so keys can rotate: new writes use
// the first key, every listed key can still read. The community id is bound as
// associated data, so a ciphertext copied into another community's row fails.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

const VERSION = "v1";
const AUTH_TAG_BYTES = 16;

export type KeyRing = { current: string; keys: Map<string, Buffer> };

const keyEntry = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]{43}=?$/, "each key is id:base64 of 32 random bytes (e.g. k1:$(openssl rand -base64 32))");

/** BOT_TOKEN_KEYS = "k2:<base64>,k1:<base64>": the first encrypts, all decrypt. */
export function parseKeyRing(value: string): KeyRing {
  const entries = value.split(",").map((entry) => keyEntry.parse(entry));
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const [id, encoded] = entry.split(":") as [string, string];
    const key = Buffer.from(encoded, "base64");
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes, got ${key.length}`);
    if (keys.has(id)) throw new Error(`key id ${id} is listed twice`);
    keys.set(id, key);
  }
  return { current: entries[0]!.split(":")[0]!, keys };
}

export function newKeyEntry(id: string): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

export function encryptToken(plaintext: string, communityId: string, ring: KeyRing): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.current)!, iv, { authTagLength: AUTH_TAG_BYTES });
  cipher.setAAD(Buffer.from(communityId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, ring.current, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export function keyIdOf(sealed: string): string | null {
  const parts = sealed.split(".");
  return parts.length === 5 && parts[0] === VERSION ? parts[1]! : null;
}

export function decryptToken(sealed: string, communityId: string, ring: KeyRing): string {
  const [version, keyId, iv, ciphertext, tag] = sealed.split(".");
  if (version !== VERSION || !keyId || !iv || !ciphertext || !tag) throw new TokenDecryptionError("not a sealed bot token");
  const key = ring.keys.get(keyId);
  if (!key) throw new TokenDecryptionError(`the key "${keyId}" this token was sealed with is not in BOT_TOKEN_KEYS`);
  const authTag = Buffer.from(tag, "base64url");
  // GCM accepts shorter tags unless told otherwise, and a short tag is easier to forge.
  if (authTag.length !== AUTH_TAG_BYTES) throw new TokenDecryptionError("the bot token's authentication tag is not 16 bytes (the value was altered)");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(communityId));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenDecryptionError("the bot token could not be decrypted (wrong key, or the value was altered)");
  }
}
