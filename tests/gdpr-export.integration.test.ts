// GDPR access: a user's export holds their rows from every community, and nobody else's.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { withCommunity } from "../lib/db/scopes";
import { exportUserData } from "../lib/gdpr/export";
import { createCommunity, createUser } from "./support/fixtures";

afterAll(() => db.$disconnect());

describe("the data export", () => {
  it("has the user's profile, memberships, subscriptions, payments and events across communities, and nothing of others", async () => {
    const owner = await createUser("gdpr_owner");
    const [a, b] = [await createCommunity(owner.id), await createCommunity(owner.id)];
    const me = await createUser("gdpr_me");
    const someoneElse = await createUser("gdpr_other");
    for (const c of [a, b]) {
      await withCommunity(c.id, async (tx) => {
        for (const person of [me, someoneElse]) {
          const m = await tx.communityMember.create({ data: { communityId: c.id, userId: person.id, discordUserId: person.discordId }, select: { id: true } });
          await tx.payment.create({
            data: { communityId: c.id, memberId: m.id, amount: person === me ? "7.00" : "99.00", currency: "USD", status: "succeeded" },
          });
          await tx.analyticsEvent.create({
            data: {
              communityId: c.id,
              eventType: "page",
              eventName: "community_page_viewed",
              userId: person.id,
              ipAddress: person === me ? "198.51.100.7" : "203.0.113.9",
            },
          });
          await tx.memberNotice.create({
            data: {
              communityId: c.id,
              memberId: m.id,
              kind: person === me ? "receipt" : "winback",
              channel: "email",
              dedupeKey: `k:${m.id}`,
              status: "sent",
              sentAt: new Date(),
            },
          });
        }
      });
    }
    const data = await exportUserData(me.id);
    expect(data.profile).toMatchObject({ id: me.id, discordId: me.discordId });
    expect(data.memberships.map((m) => m.community.slug).sort()).toEqual([a.slug, b.slug].sort());
    expect(data.memberships.flatMap((m) => m.payments.map((p) => p.amount))).toEqual(["7.00", "7.00"]);
    expect(data.events).toHaveLength(2);
    // What was sent to them, and not what was sent to others.
    expect(data.memberships.flatMap((m) => m.notices.map((n) => n.kind))).toEqual(["receipt", "receipt"]);
    expect(data.events.every((e) => e.ipAddress === "198.51.100.7")).toBe(true);
    expect(JSON.stringify(data)).not.toContain(someoneElse.id);
    expect(JSON.stringify(data)).not.toContain("99.00");
  });
});
