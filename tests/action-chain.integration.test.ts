import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ActionError, createActionChain, NOT_FOUND, SIGN_IN_REQUIRED, type Actor } from "../lib/actions/action-chain";
import { echoedList } from "../lib/actions/echoed";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { createTenant, createUser } from "./support/fixtures";

let owner: Actor;
let stranger: Actor;
let tenant: Awaited<ReturnType<typeof createTenant>>;
let other: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  tenant = await createTenant("chain");
  other = await createTenant("chain_other");
  owner = { id: tenant.owner.id, discordId: tenant.owner.discordId, username: "owner" };
  const s = await createUser("stranger");
  stranger = { id: s.id, discordId: s.discordId, username: "stranger" };
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

const renameSchema = z.object({ name: z.string().trim().min(2, "must be at least 2 characters") });

function chainFor(actor: Actor | null) {
  return createActionChain({ getActor: async () => actor });
}

describe("the action chain's audit log", () => {
  const entries = (action: string) =>
    withCommunity(tenant.community.id, (tx) => tx.auditLog.findMany({ where: { action }, select: { actorUserId: true, objectType: true, details: true } }));

  it("records who did what, in the change's own transaction", async () => {
    const action = chainFor(owner).communityAction(
      renameSchema,
      "own",
      async (input, { tx, community }) =>
        tx.subscriptionTier.create({
          data: { communityId: community.id, name: `Audited ${input.name}`, price: "2.00", interval: "monthly" },
          select: { id: true },
        }),
      (input, tier) => ({ action: "tier.created", objectType: "tier", objectId: tier.id, details: { name: input.name } }),
    );
    const before = (await entries("tier.created")).length;
    expect(await action(null, form({ communitySlug: tenant.community.slug, name: "Logged" }))).toMatchObject({ ok: true });
    const after = await entries("tier.created");
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toEqual({ actorUserId: owner.id, objectType: "tier", details: { name: "Logged" } });
  });

  it("records nothing when the change fails", async () => {
    const action = chainFor(owner).communityAction(
      renameSchema,
      "own",
      async () => {
        throw new ActionError("Refused.");
      },
      () => ({ action: "never.recorded", objectType: "community" }),
    );
    expect(await action(null, form({ communitySlug: tenant.community.slug, name: "Nope" }))).toMatchObject({ ok: false, error: "Refused." });
    expect(await entries("never.recorded")).toEqual([]);
  });

  it("cannot be rewritten or erased by the application", async () => {
    await expect(withCommunity(tenant.community.id, (tx) => tx.auditLog.updateMany({ data: { action: "rewritten" } }))).rejects.toThrow(/permission denied/);
    await expect(withCommunity(tenant.community.id, (tx) => tx.auditLog.deleteMany({}))).rejects.toThrow(/permission denied/);
  });
});

describe("the action chain", () => {
  it("refuses anonymous callers before doing anything", async () => {
    const handler = vi.fn();
    const action = chainFor(null).communityAction(renameSchema, "own", handler);
    expect(await action(null, form({ communitySlug: tenant.community.slug, name: "New" }))).toMatchObject({ ok: false, error: SIGN_IN_REQUIRED });
    expect(handler).not.toHaveBeenCalled();
  });

  it("answers another owner's community exactly like a missing one, and runs nothing", async () => {
    const handler = vi.fn();
    const action = chainFor(stranger).communityAction(renameSchema, "own", handler);
    const refused = await action(null, form({ communitySlug: tenant.community.slug, name: "Hijacked" }));
    const missing = await action(null, form({ communitySlug: "no-such-community", name: "Hijacked" }));
    const malformed = await action(null, form({ communitySlug: "../../etc", name: "Hijacked" }));
    for (const result of [refused, missing, malformed]) expect(result).toMatchObject({ ok: false, error: NOT_FOUND });
    expect(handler).not.toHaveBeenCalled();
  });

  it("returns field errors for bad input and runs nothing", async () => {
    const handler = vi.fn();
    const action = chainFor(owner).communityAction(renameSchema, "own", handler);
    const result = await action(null, form({ communitySlug: tenant.community.slug, name: " x " }));
    expect(result).toEqual({
      ok: false,
      error: "Please correct the highlighted fields.",
      fieldErrors: { name: ["must be at least 2 characters"] },
      values: { communitySlug: tenant.community.slug, name: " x " },
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it("runs the owner's handler inside the community's RLS scope with typed input", async () => {
    const action = chainFor(owner).communityAction(renameSchema, "own", async (input, { tx, community, actor }) => ({
      name: input.name,
      community: community.slug,
      actor: actor.id,
      memberCommunities: [...new Set((await tx.communityMember.findMany({ select: { communityId: true } })).map((m) => m.communityId))],
    }));
    const result = await action(null, form({ communitySlug: tenant.community.slug, name: "  Renamed  " }));
    expect(result).toEqual({
      ok: true,
      data: { name: "Renamed", community: tenant.community.slug, actor: owner.id, memberCommunities: [tenant.community.id] },
    });
  });

  it("lets any signed-in user into a 'signed-in' action, still scoped", async () => {
    const action = chainFor(stranger).communityAction(z.object({}), "signed-in", async (_input, { tx }) => tx.subscriptionTier.count());
    expect(await action(null, form({ communitySlug: other.community.slug }))).toEqual({ ok: true, data: 1 });
  });

  it("reports an ActionError as the user's message", async () => {
    const action = chainFor(owner).userAction(renameSchema, async () => {
      throw new ActionError("That name is reserved.", { name: ["is reserved"] });
    });
    expect(await action(null, form({ name: "Admin", botToken: "never-echoed" }))).toEqual({
      ok: false,
      error: "That name is reserved.",
      fieldErrors: { name: ["is reserved"] },
      values: { name: "Admin" },
    });
  });

  it("echoes every value of a field sent more than once (checkboxes), so a refused form keeps its picks", async () => {
    const action = chainFor(owner).userAction(z.object({ name: z.string(), tierIds: z.array(z.string()) }), async () => {
      throw new ActionError("Please correct the highlighted fields.", { name: ["is taken"] });
    });
    const data = form({ name: "Spring", botToken: "never-echoed" });
    for (const id of ["t1", "t2"]) data.append("tierIds", id);
    for (const token of ["a", "b"]) data.append("apiSecret", token);
    const refused = await action(null, data);
    expect(refused).toEqual({
      ok: false,
      error: "Please correct the highlighted fields.",
      fieldErrors: { name: ["is taken"] },
      values: { name: "Spring" },
      lists: { tierIds: ["t1", "t2"] },
    });
    expect(echoedList(refused, "tierIds")).toEqual(["t1", "t2"]);
    // One box ticked arrives as a single value; none ticked, not at all.
    expect(echoedList({ ok: false, error: "x", values: { tierIds: "t1" } }, "tierIds")).toEqual(["t1"]);
    expect(echoedList(refused, "events")).toEqual([]);
    // Nothing echoed: the form shows what is saved.
    expect(echoedList(null, "tierIds")).toBeUndefined();
    expect(echoedList({ ok: true, data: null }, "tierIds")).toBeUndefined();
  });

  it("hides unexpected errors and rolls back what the handler wrote", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const action = chainFor(owner).communityAction(z.object({}), "own", async (_input, { tx, community }) => {
      await tx.subscriptionTier.create({ data: { communityId: community.id, name: "Half-written", price: "2.00", interval: "monthly" } });
      throw new Error("database exploded: secret detail");
    });
    const result = await action(null, form({ communitySlug: tenant.community.slug }));
    expect(result).toMatchObject({ ok: false, error: "Something went wrong on our side. Nothing was changed; please try again." });
    expect(JSON.stringify(result)).not.toContain("secret detail");
    expect(await withCommunity(tenant.community.id, (tx) => tx.subscriptionTier.count({ where: { name: "Half-written" } }))).toBe(0);
    spy.mockRestore();
  });
});

afterAll(async () => {
  await db.$disconnect();
});
