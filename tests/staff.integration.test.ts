// Staff roles: what each role may do is enforced by the action chain (and the
// dashboard's route gate), staff find the communities they help run, their
// acts are audited with their role, and a staff row of one community gives
// nothing in another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createActionChain, NOT_FOUND, type Actor } from "../lib/actions/action-chain";
import { findManagedCommunity } from "../lib/communities/owner-access";
import { listStaffedCommunities } from "../lib/communities/owner";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { grantComp, grantCompSchema } from "../lib/members/comp-access";
import { changeStaffRole, inviteStaff, inviteStaffSchema, removeStaff } from "../lib/staff/service";
import { can, NOT_ALLOWED, type Permission } from "../lib/staff/roles";
import { createTenant, createUser } from "./support/fixtures";

afterAll(() => db.$disconnect());

let tenant: Awaited<ReturnType<typeof createTenant>>;
let other: Awaited<ReturnType<typeof createTenant>>;
let owner: Actor;
const people: Record<"admin" | "moderator" | "viewer" | "stranger", Actor> = {} as never;
const staffIds: Record<string, string> = {};

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

beforeAll(async () => {
  tenant = await createTenant("staff");
  other = await createTenant("staff_other");
  owner = { id: tenant.owner.id, discordId: tenant.owner.discordId, username: "owner" };
  for (const role of ["admin", "moderator", "viewer", "stranger"] as const) {
    const u = await createUser(role);
    people[role] = { id: u.id, discordId: u.discordId, username: role };
    if (role !== "stranger") {
      const created = await withCommunity(tenant.community.id, (tx) =>
        inviteStaff(
          inviteStaffSchema.parse({ discordUserId: u.discordId, role }),
          { ...tenant.community, name: "Staffed", ownerId: owner.id, stripeAccountId: null, subscriptionTier: "free" },
          owner,
          tx,
        ),
      );
      staffIds[role] = created.id;
    }
  }
});

/** An action needing `need` that renames nothing: it only reports that it ran. */
const probe = (actor: Actor, need: Permission) =>
  createActionChain({ getActor: async () => actor }).communityAction(
    z.object({}),
    need,
    async () => "ran",
    () => ({ action: `probe.${need}`, objectType: "community" }),
  );

describe("what each role may do", () => {
  const table: [keyof typeof people | "owner", Permission, boolean][] = [
    ["owner", "own", true],
    ["admin", "manage", true],
    ["admin", "own", false],
    ["moderator", "moderate", true],
    ["moderator", "manage", false],
    ["viewer", "view", true],
    ["viewer", "moderate", false],
  ];
  it.each(table)("%s on a %s action: allowed %s", async (who, need, allowed) => {
    const actor = who === "owner" ? owner : people[who];
    const result = await probe(actor, need)(null, form({ communitySlug: tenant.community.slug }));
    if (allowed) expect(result).toMatchObject({ ok: true, data: "ran" });
    else expect(result).toMatchObject({ ok: false, error: NOT_ALLOWED, code: "not_allowed" });
  });

  it("a stranger, or staff of another community, sees no community at all", async () => {
    expect(await probe(people.stranger, "view")(null, form({ communitySlug: tenant.community.slug }))).toMatchObject({
      ok: false,
      error: NOT_FOUND,
      code: "not_found",
    });
    expect(await probe(people.admin, "view")(null, form({ communitySlug: other.community.slug }))).toMatchObject({ ok: false, error: NOT_FOUND });
    expect(await findManagedCommunity(other.community.slug, people.admin)).toBeNull();
  });

  it("the dashboard's gate agrees: payouts are the owner's, pages are every staff member's", async () => {
    expect((await findManagedCommunity(tenant.community.slug, people.viewer))?.role).toBe("viewer");
    expect(await findManagedCommunity(tenant.community.slug, people.admin, "own")).toBeNull();
    expect((await findManagedCommunity(tenant.community.slug, owner, "own"))?.role).toBe("owner");
    expect(can("moderator", "moderate") && !can("moderator", "manage") && can("admin", "manage") && !can("admin", "own")).toBe(true);
  });

  it("a moderator's real work (comp access) runs and is audited with their role", async () => {
    const grant = createActionChain({ getActor: async () => people.moderator }).communityAction(
      grantCompSchema,
      "moderate",
      (input, { actor, community, tx }) => grantComp(tx, community.id, actor, input),
      (input, r) => ({ action: "comp.granted", objectType: "member", objectId: input.memberId, details: { tier: r.tier } }),
    );
    const result = await grant(
      null,
      form({ communitySlug: tenant.community.slug, memberId: tenant.rows.memberId, tierId: tenant.rows.tierId, until: "", note: "by a moderator" }),
    );
    expect(result).toMatchObject({ ok: true });
    const entry = await withCommunity(tenant.community.id, (tx) =>
      tx.auditLog.findFirst({ where: { action: "comp.granted", actorUserId: people.moderator.id }, select: { details: true } }),
    );
    expect(entry?.details).toMatchObject({ tier: "Gold", staffRole: "moderator" });
  });
});

describe("the team", () => {
  it("staff find the communities they help run, with their role, and only those", async () => {
    expect(await listStaffedCommunities(people.moderator.id)).toEqual([expect.objectContaining({ id: tenant.community.id, role: "moderator" })]);
    expect(await listStaffedCommunities(people.stranger.id)).toEqual([]);
    // The owner's own community is not "helped": it is theirs.
    expect(await listStaffedCommunities(owner.id)).toEqual([]);
  });

  it("refuses inviting the same account twice, or the owner", async () => {
    const ref = { ...tenant.community, name: "Staffed", ownerId: owner.id, stripeAccountId: null, subscriptionTier: "free" };
    await expect(
      withCommunity(tenant.community.id, (tx) =>
        inviteStaff(inviteStaffSchema.parse({ discordUserId: people.viewer.discordId, role: "admin" }), ref, owner, tx),
      ),
    ).rejects.toMatchObject({
      fieldErrors: { discordUserId: [expect.stringContaining("on the team already")] },
    });
    await expect(
      withCommunity(tenant.community.id, (tx) => inviteStaff(inviteStaffSchema.parse({ discordUserId: owner.discordId, role: "admin" }), ref, owner, tx)),
    ).rejects.toMatchObject({
      fieldErrors: { discordUserId: [expect.stringContaining("That is you")] },
    });
    expect(inviteStaffSchema.safeParse({ discordUserId: "12", role: "admin" }).success).toBe(false);
    expect(inviteStaffSchema.safeParse({ discordUserId: people.stranger.discordId, role: "owner" }).success).toBe(false);
  });

  it("a changed role applies at once; a removed member of staff loses access", async () => {
    const u = await createUser("temp_staff");
    const actor = { id: u.id, discordId: u.discordId, username: "temp" };
    const ref = { ...tenant.community, name: "Staffed", ownerId: owner.id, stripeAccountId: null, subscriptionTier: "free" };
    const { id } = await withCommunity(tenant.community.id, (tx) =>
      inviteStaff(inviteStaffSchema.parse({ discordUserId: u.discordId, role: "viewer" }), ref, owner, tx),
    );
    expect(await probe(actor, "manage")(null, form({ communitySlug: tenant.community.slug }))).toMatchObject({ ok: false, error: NOT_ALLOWED });
    await withCommunity(tenant.community.id, (tx) => changeStaffRole({ staffId: id, role: "admin" }, tx));
    expect(await probe(actor, "manage")(null, form({ communitySlug: tenant.community.slug }))).toMatchObject({ ok: true });
    await withCommunity(tenant.community.id, (tx) => removeStaff({ staffId: id }, tx));
    expect(await probe(actor, "view")(null, form({ communitySlug: tenant.community.slug }))).toMatchObject({ ok: false, error: NOT_FOUND });
    expect(await listStaffedCommunities(u.id)).toEqual([]);
  });

  it("the user scope reads no other account's staff rows", async () => {
    const seen = await import("../lib/db/scopes").then(({ withUser }) =>
      withUser(people.viewer.id, (tx) => tx.communityStaff.findMany({ select: { discordUserId: true } })),
    );
    expect(seen.map((s) => s.discordUserId)).toEqual([people.viewer.discordId]);
  });
});
