// The members CSV and the REST API are what owners take to their accounts and
// tools: what a member paid must never add one currency to another.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { getMember, listMembers, memberListQuery } from "../lib/api/resources";
import { refreshMember } from "../lib/billing/member-refresh";
import { withCommunity } from "../lib/db/scopes";
import { membersCsvStream } from "../lib/members/csv";
import { membersQuerySchema } from "../lib/members/query";
import { createTenant, createUser } from "./support/fixtures";

describe("what a member paid, per currency", () => {
  it("is written per currency, net of refunds, in the CSV and the REST API, never added across currencies", async () => {
    const { community, owner } = await createTenant("csv_currencies");
    const traveller = await createUser("csv_traveller");
    const newcomer = await createUser("csv_newcomer");
    const travellerId = await withCommunity(community.id, async (tx) => {
      const member = await tx.communityMember.create({
        data: { communityId: community.id, userId: traveller.id, discordUserId: traveller.discordId },
        select: { id: true },
      });
      await tx.communityMember.create({ data: { communityId: community.id, userId: newcomer.id, discordUserId: newcomer.discordId } });
      const paid = (amount: string, currency: string, daysAgo: number, amountRefunded = "0") => ({
        communityId: community.id,
        memberId: member.id,
        amount,
        amountRefunded,
        currency,
        status: amountRefunded === "0" ? "succeeded" : "partially_refunded",
        createdAt: new Date(Date.now() - daysAgo * 86_400_000),
      });
      await tx.payment.createMany({ data: [paid("10.00", "USD", 60), paid("10.00", "USD", 40, "1.00"), paid("18.00", "EUR", 5)] });
      // The stored total (kept for sorting), as every payment leaves it: one sum whatever the currency, which the export must not write.
      await refreshMember(tx, member.id, new Date());
      return member.id;
    });

    const csv = await new Response(membersCsvStream(community.id, membersQuerySchema.parse({}))).text();
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const row = (discordId: string) => rows.find((r) => r.discord_user_id === discordId);
    // The currency paid in last first.
    expect(row(traveller.discordId)).toMatchObject({ total_spent: "18.00; 19.00", currency: "EUR; USD" });
    expect(row(owner.discordId)).toMatchObject({ total_spent: "9.99", currency: "USD" });
    expect(row(newcomer.discordId)).toMatchObject({ total_spent: "0.00", currency: "" });

    // A community paid in one currency only: its stored totals, with the currency.
    const single = await createTenant("csv_one_currency");
    await withCommunity(single.community.id, (tx) => refreshMember(tx, single.rows.memberId, new Date()));
    const [only] = parse(await new Response(membersCsvStream(single.community.id, membersQuerySchema.parse({}))).text(), { columns: true }) as Record<
      string,
      string
    >[];
    expect(only).toMatchObject({ discord_user_id: single.owner.discordId, total_spent: "9.99", currency: "USD" });

    // The REST API's member: the same, per currency, beside the stored one-number total.
    const spent = [
      { currency: "EUR", amount: "18.00" },
      { currency: "USD", amount: "19.00" },
    ];
    expect(await withCommunity(community.id, (tx) => getMember(tx, travellerId))).toMatchObject({ total_spent: "37.00", spent });
    const page = await withCommunity(community.id, (tx) => listMembers(tx, memberListQuery.parse({})));
    expect(page?.data.find((m) => m.id === travellerId)?.spent).toEqual(spent);
    expect(page?.data.find((m) => m.discord_user_id === newcomer.discordId)?.spent).toEqual([]);
  });
});
