import { describe, expect, it } from "vitest";
import { discordAvatarUrl, userFromDiscordProfile } from "../lib/auth/profile";

const base = { id: "80351110224678912", username: "nelly", discriminator: "0" };

describe("mapping a Discord profile to our users columns", () => {
  it("keeps every field we store", () => {
    expect(
      userFromDiscordProfile({
        ...base,
        global_name: "Nelly",
        avatar: "8342729096ea3675442027381ff50dfe",
        email: "Nelly@Example.com",
        locale: "en-GB",
        premium_type: 2,
        verified: true,
      }),
    ).toEqual({
      id: base.id,
      discordId: base.id,
      username: "nelly",
      globalName: "Nelly",
      discriminator: "0",
      avatarUrl: `https://cdn.discordapp.com/avatars/${base.id}/8342729096ea3675442027381ff50dfe.png`,
      email: "nelly@example.com",
      locale: "en-GB",
      premiumType: 2,
    });
  });

  it("signs in without an e-mail (Discord sends null) or any optional field", () => {
    const user = userFromDiscordProfile({ ...base, email: null, avatar: null, global_name: null });
    expect(user).toMatchObject({ email: null, globalName: null, locale: null, premiumType: 0 });
  });

  it("builds the default avatar when there is no avatar hash", () => {
    // New usernames: (id >> 22) % 6; legacy discriminators: discriminator % 5.
    expect(discordAvatarUrl({ id: base.id, avatar: null, discriminator: "0" })).toBe(
      `https://cdn.discordapp.com/embed/avatars/${Number((BigInt(base.id) >> 22n) % 6n)}.png`,
    );
    expect(discordAvatarUrl({ id: base.id, avatar: null, discriminator: "1337" })).toBe("https://cdn.discordapp.com/embed/avatars/2.png");
  });

  it("uses gif for animated avatars", () => {
    expect(discordAvatarUrl({ id: base.id, avatar: "a_abc", discriminator: "0" })).toMatch(/\/a_abc\.gif$/);
  });

  it("refuses a profile without a Discord id", () => {
    expect(() => userFromDiscordProfile({ username: "x" })).toThrow();
    expect(() => userFromDiscordProfile({ id: "not-a-snowflake", username: "x" })).toThrow();
  });
});
