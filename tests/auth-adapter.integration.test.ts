import { randomInt } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { AdapterUser } from "next-auth/adapters";
import { communityOsAdapter } from "../lib/auth/adapter";
import { userFromDiscordProfile } from "../lib/auth/profile";
import { db } from "../lib/db/client";

function profile(overrides: Record<string, unknown> = {}) {
  const id = String(300_000_000_000_000_000n + BigInt(randomInt(1, 2 ** 47)));
  return { id, username: `user${id.slice(-5)}`, discriminator: "0", avatar: null, email: null, ...overrides };
}

describe("the Auth.js adapter", () => {
  it("creates a user from a Discord profile with no e-mail", async () => {
    const adapter = communityOsAdapter();
    const p = profile();
    const created = await adapter.createUser!({ ...userFromDiscordProfile(p), emailVerified: null } as unknown as AdapterUser);
    const row = await db.user.findUniqueOrThrow({ where: { discordId: p.id } });
    expect(row).toMatchObject({ id: created.id, email: null, username: p.username, premiumType: 0 });
    expect(row.lastLogin).toBeInstanceOf(Date);
  });

  it("treats a known Discord id as the same person: updated, never duplicated", async () => {
    const adapter = communityOsAdapter();
    const p = profile();
    const existing = await db.user.create({ data: { discordId: p.id, username: "old-name", email: "old@example.com" } });
    const signedIn = await adapter.createUser!({
      ...userFromDiscordProfile({ ...p, username: "new-name", global_name: "New Name", email: "New@Example.com" }),
      emailVerified: null,
    } as unknown as AdapterUser);
    expect(signedIn.id).toBe(existing.id);
    expect(await db.user.count({ where: { discordId: p.id } })).toBe(1);
    expect(await db.user.findUniqueOrThrow({ where: { id: existing.id } })).toMatchObject({
      username: "new-name",
      globalName: "New Name",
      email: "new@example.com",
    });
  });

  it("never links accounts by e-mail", async () => {
    await db.user.create({ data: { discordId: profile().id, username: "shared", email: "shared@example.com" } });
    expect(await communityOsAdapter().getUserByEmail!("shared@example.com")).toBeNull();
  });
});

afterAll(async () => {
  await db.$disconnect();
});
