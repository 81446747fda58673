// The members table's query: keyset pages that neither skip nor repeat, search, filters.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { countMembers, listMembers, membersQuerySchema, membersTablePage } from "../lib/members/query";
import { formatTotals } from "../lib/billing/money";
import { createCommunity, createUser } from "./support/fixtures";

afterAll(() => db.$disconnect());

async function communityWithMembers(n: number) {
  const owner = await createUser("list_owner");
  const community = await createCommunity(owner.id);
  const joined = new Date("2026-06-01T00:00:00Z");
  for (let i = 0; i < n; i++) {
    const user = await createUser(i === 7 ? "findme" : "lister");
    await withCommunity(community.id, (tx) =>
      tx.communityMember.create({
        data: {
          communityId: community.id,
          userId: user.id,
          discordUserId: user.discordId,
          // Ties on joined_at and on total_spent: the id breaks them.
          joinedAt: new Date(joined.getTime() + Math.floor(i / 3) * 86_400_000),
          totalSpent: String((i % 4) * 5),
          subscriptionStatus: i % 2 ? "active" : "none",
          subscriptionTier: i % 2 ? "Gold" : null,
          // In the server, left it, not added (no grant), never checked.
          guildStatus: (["joined", "left", "needs_sign_in", "unknown"] as const)[i % 4],
        },
      }),
    );
  }
  return community.id;
}

async function allPages(communityId: string, params: Record<string, string>, limit: number) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const query = membersQuerySchema.parse({ ...params, cursor });
    const page = await withCommunity(communityId, (tx) => listMembers(tx, query, limit));
    seen.push(...page.rows.map((r) => r.id));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("the members list", () => {
  it("pages through everyone exactly once, in both sorts, with ties", async () => {
    const communityId = await communityWithMembers(23);
    for (const sort of ["joined", "spent"]) {
      const ids = await allPages(communityId, { sort }, 5);
      expect(ids).toHaveLength(23);
      expect(new Set(ids).size).toBe(23);
    }
  });

  it("searches by name or Discord id and filters by status and tier", async () => {
    const communityId = await communityWithMembers(10);
    const page = (params: Record<string, string>) => withCommunity(communityId, (tx) => listMembers(tx, membersQuerySchema.parse(params)));
    const found = await page({ q: "FINDME" });
    expect(found.rows.map((r) => r.user.username)).toEqual([expect.stringMatching(/^findme_/)]);
    expect((await page({ q: found.rows[0]!.discordUserId })).rows).toHaveLength(1);
    expect((await page({ status: "active" })).rows).toHaveLength(5);
    expect((await page({ status: "active", tier: "Gold" })).rows).toHaveLength(5);
    expect((await page({ tier: "Nope" })).rows).toHaveLength(0);
  });

  it("filters by where members stand in the Discord server, in the count and the CSV's query too", async () => {
    const communityId = await communityWithMembers(10);
    const standing = async (place: string) => {
      const query = membersQuerySchema.parse({ place });
      const [page, count] = await withCommunity(communityId, async (tx) => [await listMembers(tx, query), await countMembers(tx, query)] as const);
      expect(page.rows).toHaveLength(count);
      return page.rows.map((r) => r.guildStatus).sort();
    };
    expect(await standing("in")).toEqual(["joined", "joined", "joined"]);
    expect(await standing("out")).toEqual(["left", "left", "left", "needs_sign_in", "needs_sign_in"]);
    expect(await standing("")).toHaveLength(10);
    expect(membersQuerySchema.safeParse({ place: "moon" }).success).toBe(false);
  });

  it("filters by where members stand in a linked server, by its guild id, and refuses a standing it does not know", async () => {
    const communityId = await communityWithMembers(8);
    const [linked, other] = ["700000000000000001", "700000000000000002"];
    // The bot's last look in the linked server (another server's standings must not count).
    await withCommunity(communityId, async (tx) => {
      const members = await tx.communityMember.findMany({ orderBy: { id: "asc" }, select: { id: true } });
      const standings = ["joined", "left", "banned", "joined", "needs_sign_in", null, "left", null];
      for (const [i, { id }] of members.entries()) {
        const status = standings[i];
        await tx.communityMember.update({
          where: { communityId_id: { communityId, id } },
          data: { serverStatus: status ? { [linked]: status, [other]: "joined" } : { [other]: "left" } },
        });
      }
    });
    const standing = async (place: string) => {
      const query = membersQuerySchema.parse({ place });
      const [page, count] = await withCommunity(communityId, async (tx) => [await listMembers(tx, query), await countMembers(tx, query)] as const);
      expect(page.rows).toHaveLength(count);
      return page.rows.map((r) => (r.serverStatus as Record<string, string> | null)?.[place.split(":")[1]!] ?? "unknown").sort();
    };
    expect(await standing(`in:${linked}`)).toEqual(["joined", "joined"]);
    expect(await standing(`out:${linked}`)).toEqual(["banned", "left", "left", "needs_sign_in"]);
    expect(await standing(`out:${other}`)).toEqual(["left", "left"]);
    expect(await standing("in:700000000000000009")).toEqual([]);
    for (const place of ["in:", "out:abc", "in:1", "sideways:700000000000000001", "in:700000000000000001:x"])
      expect(membersQuerySchema.safeParse({ place }).success, place).toBe(false);
  });

  it("totals what each member paid per currency, the one paid in last first (their stored total adds currencies)", async () => {
    const communityId = await communityWithMembers(3);
    const page = () => withCommunity(communityId, (tx) => membersTablePage(tx, membersQuerySchema.parse({})));
    const [euro, dollar, none] = (await page()).rows;
    await withCommunity(communityId, async (tx) => {
      const pay = (memberId: string, currency: string, createdAt: Date) =>
        tx.payment.create({ data: { communityId, memberId, amount: "9.00", currency, status: "succeeded", createdAt } });
      await pay(euro!.id, "USD", new Date("2026-01-01T00:00:00Z"));
      await pay(euro!.id, "EUR", new Date("2026-02-01T00:00:00Z"));
      await pay(euro!.id, "EUR", new Date("2026-03-01T00:00:00Z"));
      await pay(dollar!.id, "USD", new Date("2026-02-01T00:00:00Z"));
      // Refunded in full, and a failed payment: neither counts.
      await tx.payment.create({ data: { communityId, memberId: dollar!.id, amount: "5.00", amountRefunded: "5.00", currency: "GBP", status: "refunded" } });
      await tx.payment.create({ data: { communityId, memberId: none!.id, amount: "9.00", currency: "USD", status: "failed" } });
    });
    const totals = Object.fromEntries((await page()).rows.map((r) => [r.id, r.totals]));
    expect(totals).toEqual({
      [euro!.id]: [
        { currency: "EUR", amount: "18.00" },
        { currency: "USD", amount: "9.00" },
      ],
      [dollar!.id]: [{ currency: "USD", amount: "9.00" }],
      [none!.id]: [],
    });
    expect(formatTotals(totals[euro!.id]!, "USD")).toBe("€18.00 + $9.00");
    expect(formatTotals(totals[none!.id]!, "USD")).toBe("$0.00");
  });

  it("refuses a forged cursor or an unknown sort", () => {
    expect(membersQuerySchema.safeParse({ cursor: "not-base64-json" }).success).toBe(false);
    expect(membersQuerySchema.safeParse({ sort: "sideways" }).success).toBe(false);
    expect(membersQuerySchema.safeParse({ q: "x".repeat(101) }).success).toBe(false);
  });
});
