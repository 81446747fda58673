// Prisma's statements are named prepared statements: PostgreSQL parses and
// plans each text once per connection and keeps the plan. A kept plan must not
// carry one tenant's view into another's: the community is read from the
// transaction's settings when the plan runs, and PostgreSQL plans again for
// another role (the user scope's). Proven here on one connection, with the
// generic plan forced, alternating two communities and a user.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDatabase, type Database } from "../lib/db/client";
import { scopesFor } from "../lib/db/scopes";
import { createTenant } from "./support/fixtures";

type Prepared = { name: string; statement: string; generic_plans: bigint; custom_plans: bigint };

let database: Database;
let scopes: ReturnType<typeof scopesFor>;
let a: Awaited<ReturnType<typeof createTenant>>;
let b: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  // One connection: every transaction below reuses its prepared statements.
  database = createDatabase(inject("appUrl"), 1);
  scopes = scopesFor(database);
  [a, b] = await Promise.all([createTenant("named_a"), createTenant("named_b")]);
});

afterAll(async () => {
  await database?.$disconnect();
});

const membersSeen = (tx: Parameters<Parameters<typeof scopes.withCommunity>[1]>[0]) =>
  tx.communityMember.findMany({ select: { communityId: true, userId: true }, orderBy: { joinedAt: "asc" } });

const preparedOnConnection = () =>
  scopes.withCommunity(a.community.id, (tx) => tx.$queryRaw<Prepared[]>`SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements`);

describe("Prisma's statements, prepared once per connection", () => {
  it("a kept plan answers each scope with its own rows only: two communities and a user, alternating", async () => {
    // Session-wide on the pool's one connection: every execution below runs the one generic plan.
    await scopes.withCommunity(a.community.id, (tx) => tx.$executeRaw`SET plan_cache_mode = force_generic_plan`);
    for (let round = 0; round < 4; round++) {
      expect(await scopes.withCommunity(a.community.id, membersSeen)).toEqual([{ communityId: a.community.id, userId: a.owner.id }]);
      expect(await scopes.withCommunity(b.community.id, membersSeen)).toEqual([{ communityId: b.community.id, userId: b.owner.id }]);
      expect(await scopes.withUser(b.owner.id, membersSeen)).toEqual([{ communityId: b.community.id, userId: b.owner.id }]);
    }
    const prepared = (await preparedOnConnection()).filter((p) => p.statement.includes('FROM "public"."community_members"'));
    // One text, parsed once, executed twelve times under a generic plan.
    expect(prepared).toHaveLength(1);
    expect(prepared[0]!.name).toMatch(/^cos_[0-9a-f]{20}$/);
    expect(Number(prepared[0]!.generic_plans)).toBe(12);
  });

  it("the plain client's statements are prepared too", async () => {
    for (let i = 0; i < 3; i++) await database.community.findUnique({ where: { id: a.community.id }, select: { slug: true } });
    const prepared = (await preparedOnConnection()).filter((p) => p.statement.includes('FROM "public"."communities"'));
    expect(prepared).toHaveLength(1);
    expect(Number(prepared[0]!.generic_plans) + Number(prepared[0]!.custom_plans)).toBe(3);
  });

  it("past the bound a new text of Prisma's goes unnamed, a named one keeps its name, and the webhook path's are still named", async () => {
    vi.resetModules();
    const { statementName } = await import("../lib/db/statement-names");
    const first = statementName("SELECT 0");
    expect(first).toMatch(/^cos_/);
    for (let i = 1; i < 500; i++) expect(statementName(`SELECT ${i}`)).toMatch(/^cos_/);
    expect(statementName("SELECT 500")).toBeUndefined();
    expect(statementName("SELECT 0")).toBe(first);
    // The webhook path's own statements, a fixed set, are named whatever Prisma's filled.
    expect(statementName("SELECT 501", { always: true })).toMatch(/^cos_/);
    expect(statementName("SELECT 501")).toBe(statementName("SELECT 501", { always: true }));
  });
});
