// A new community's form: a name or address left empty is the server's own
// (lib/communities/owner.ts makes them); one typed is checked as typed.
import { describe, expect, it } from "vitest";
import { slugFrom } from "../lib/communities/slug";
import { createCommunitySchema } from "../lib/communities/validation";

const guildId = "123456789012345678";

describe("createCommunitySchema", () => {
  it("leaves out an empty or blank name and address", () => {
    const parsed = createCommunitySchema.parse({ guildId, name: "", slug: "  ", description: "" });
    expect([parsed.name, parsed.slug, parsed.description]).toEqual([undefined, undefined, null]);
  });

  it("checks a typed name and address as typed", () => {
    const refused = createCommunitySchema.safeParse({ guildId, name: "a", slug: "Not A Slug!" });
    expect(refused.success).toBe(false);
    expect(refused.error!.flatten().fieldErrors).toEqual({
      name: ["must be at least 2 characters"],
      slug: ["may use lower-case letters, digits and single hyphens"],
    });
    expect(createCommunitySchema.parse({ guildId, name: " Carol's Workshop ", slug: "workshop" })).toMatchObject({
      name: "Carol's Workshop",
      slug: "workshop",
    });
  });
});

describe("slugFrom", () => {
  it("makes an address from a server's name, or nothing usable from a name without Latin letters or digits", () => {
    expect(slugFrom("Carol's Workshop")).toBe("carol-s-workshop");
    expect(slugFrom("Café  Crème ☕")).toBe("cafe-creme");
    expect(slugFrom("日本語")).toBe("");
  });
});
