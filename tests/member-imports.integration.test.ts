// Bringing members in: a CSV file (checked whole first; a bad file writes
// nothing) and the connected Stripe account's subscriptions (page by page,
// resumable, never twice), each becoming a membership when its person claims
// it with their Discord account. Claiming a Stripe subscription charges
// nothing and hands it to our webhooks.
import { describe, expect, it } from "vitest";
import { legacySubscriptions } from "../prisma/seed-fakes";
import { db } from "../lib/db/client";
import { withCommunity, rowKey } from "../lib/db/scopes";
import { claimMembership, CLAIM_ERRORS } from "../lib/imports/claim";
import { sendClaimMail } from "../lib/imports/claim-mail";
import { grantImported, importCsv, previewCsv } from "../lib/imports/csv";
import { importStripePage, resolveMapping, resumeStripeImport, startStripeImport, stripeCatalog } from "../lib/imports/stripe-import";
import { asOwnerInScope, createTenant, createUser } from "./support/fixtures";
import { behindMemberLock } from "./support/locks";
import { paidCommunity, stripeHarnessForFile } from "./support/stripe-webhooks";

const h = stripeHarnessForFile();

const tiers = [
  { id: "00000000-0000-4000-8000-000000000001", name: "Gold" },
  { id: "00000000-0000-4000-8000-000000000002", name: "Silver" },
];

describe("CSV preview", () => {
  it("reads LaunchPass-style columns, skips ended rows, and reports every bad row with its line", () => {
    const csv = [
      "Discord ID,Email,Plan,Status,Expiration Date",
      "123456789012345678,,gold,Active,2999-12-31",
      ",a@example.com,Silver,Active,",
      ",b@example.com,Silver,Cancelled,",
      "12,,Gold,,",
      ",not-mail,Bronze,,31/12/2999",
      ",a@example.com,Gold,,",
    ].join("\n");
    const preview = previewCsv(csv, tiers);
    expect(preview.columns).toEqual({ discordUserId: "discord id", email: "email", tier: "plan", until: "expiration date", status: "status" });
    expect(preview.valid).toBe(false);
    expect(preview.rows.map((r) => [r.line, r.skipped, r.errors.length])).toEqual([
      [2, null, 0],
      [3, null, 0],
      [4, 'status "Cancelled"', 0],
      [5, null, 1],
      [6, null, 3],
      [7, null, 1],
    ]);
    expect(preview.rows[0]).toMatchObject({ tierId: tiers[0]!.id, until: "2999-12-31T23:59:59.999Z" });
    expect(preview.rows[4]!.errors.join(" ")).toMatch(/not an address.*no tier named "Bronze".*not a date/);
    expect(preview.rows[5]!.errors).toEqual(["this person is on an earlier row too"]);
  });

  it("reads Patreon's and Memberful's column names, and refuses files it cannot use", () => {
    expect(
      previewCsv(
        "Name,Email,Tier,Patron Status,Next Charge Date\nAnn,ann@example.com,Gold,Active patron,2999-01-01\nBo,bo@example.com,Gold,Former patron,",
        tiers,
      ),
    ).toMatchObject({ valid: true, toImport: 1 });
    expect(previewCsv("Email,Plan,Expiration date\nx@example.com,Silver,2999-01-01", tiers)).toMatchObject({ valid: true, toImport: 1 });
    expect(previewCsv("Email,Name\nx@example.com,X", tiers).problem).toMatch(/No tier column/);
    expect(previewCsv("Plan\nGold", tiers).problem).toMatch(/No Discord id or e-mail/);
    expect(previewCsv('Email,Plan\n"unterminated,Gold', tiers).problem).toMatch(/not a CSV file/);
    expect(previewCsv("Email,Plan\n", tiers).problem).toMatch(/no rows/);
  });
});

describe("CSV import", () => {
  it("a bad file writes nothing; a good one gives known Discord accounts access now and the rest a claim link", async () => {
    const t = await createTenant("csv");
    const actor = { id: t.owner.id, discordId: t.owner.discordId, username: "owner" };
    const known = await createUser("csv_known");
    // A Discord account that has never signed in here: it claims when it first does.
    const strangerDiscordId = `19${Date.now()}`.slice(0, 18).padEnd(18, "7");
    const communityTiers = await withCommunity(t.community.id, (tx) => tx.subscriptionTier.findMany({ select: { id: true, name: true } }));
    const count = () =>
      withCommunity(t.community.id, async (tx) => [await tx.communityMember.count(), await tx.accessGrant.count(), await tx.memberImport.count()]);
    const before = await count();

    const bad = previewCsv(`Discord ID,Tier\n${known.discordId},Gold\n1,Gold`, communityTiers);
    await expect(withCommunity(t.community.id, (tx) => importCsv(tx, t.community.id, actor, bad))).rejects.toThrow(/Some rows need fixing/);
    expect(await count()).toEqual(before);

    const good = previewCsv(
      `Discord ID,Email,Tier,Until\n${known.discordId},,Gold,2999-06-30\n${strangerDiscordId},,gold,\n,new@example.com,Gold,`,
      communityTiers,
    );
    const result = await withCommunity(t.community.id, (tx) => importCsv(tx, t.community.id, actor, good));
    expect(result).toEqual({ granted: 1, waiting: 2, skipped: 0 });
    const member = await withCommunity(t.community.id, (tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: { communityId_userId: { communityId: t.community.id, userId: known.id } },
        select: { subscriptionStatus: true, subscriptionTier: true, subscriptionExpiresAt: true },
      }),
    );
    expect(member).toEqual({ subscriptionStatus: "comp", subscriptionTier: "Gold", subscriptionExpiresAt: new Date("2999-06-30T23:59:59.999Z") });

    const pending = await withCommunity(t.community.id, (tx) =>
      tx.memberImport.findMany({ where: { source: "csv", claimedAt: null }, orderBy: { email: "asc" } }),
    );
    const forStranger = pending.find((p) => p.discordUserId === strangerDiscordId)!;
    const stranger = await db.user.create({ data: { discordId: strangerDiscordId, username: "csv_stranger" }, select: { id: true, discordId: true } });
    const byMail = pending.find((p) => p.email === "new@example.com")!;
    // The row names a Discord account: only that account may claim it.
    const other = await createUser("csv_other");
    // Refused with the message and, for callers to branch on, its code.
    await expect(claimMembership(t.community.slug, forStranger.claimCode, other, h.client)).rejects.toMatchObject({
      message: CLAIM_ERRORS.otherAccount,
      code: "otherAccount",
    });
    expect(await claimMembership(t.community.slug, forStranger.claimCode, stranger, h.client)).toEqual({ slug: t.community.slug, already: false });
    expect(await claimMembership(t.community.slug, forStranger.claimCode, stranger, h.client)).toEqual({ slug: t.community.slug, already: true });
    // An e-mailed link: whoever signs in with it first, once.
    expect(await sendClaimMail(t.community.id, byMail.id)).toBe("sent");
    expect(await sendClaimMail(t.community.id, byMail.id)).toBe("skipped");
    const mails = (await (await fetch(`${process.env.MAIL_INBOX_URL}/messages?to=new%40example.com`)).json()) as { subject: string; text: string }[];
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`/c/${t.community.slug}/claim/${byMail.claimCode}`);
    expect(await claimMembership(t.community.slug, byMail.claimCode, other, h.client)).toMatchObject({ already: false });
    await expect(claimMembership(t.community.slug, byMail.claimCode, known, h.client)).rejects.toThrow(CLAIM_ERRORS.taken);
    await expect(claimMembership(t.community.slug, "x".repeat(24), known, h.client)).rejects.toThrow(CLAIM_ERRORS.unknown);
    // A claim link of this community is nothing in another.
    const elsewhere = await createTenant("csv_elsewhere");
    await expect(claimMembership(elsewhere.community.slug, byMail.claimCode, other, h.client)).rejects.toThrow(CLAIM_ERRORS.unknown);
  });
});

describe("lock order", () => {
  it("an import for a returning member takes the member's lock before their row, as a billing event does, so the two cannot deadlock", async () => {
    const t = await createTenant("csv_lock");
    const returning = await createUser("csv_returning");
    const tier = await withCommunity(t.community.id, (tx) => tx.subscriptionTier.findFirstOrThrow({ select: { id: true } }));
    const member = await withCommunity(t.community.id, (tx) =>
      tx.communityMember.create({
        data: { communityId: t.community.id, userId: returning.id, discordUserId: returning.discordId, isActive: false, removedAt: new Date() },
        select: { id: true },
      }),
    );

    const who = { userId: returning.id, discordUserId: returning.discordId, tierId: tier.id, until: null, by: t.owner.id, now: new Date() };
    const imported = await behindMemberLock(
      member.id,
      () => withCommunity(t.community.id, (tx) => grantImported(tx, t.community.id, who)),
      // The import waits for the member's lock before it makes them active again; their row stays free meanwhile.
      async () =>
        expect(await asOwnerInScope(t.community.id, "SELECT is_active FROM community_members WHERE id = $1 FOR UPDATE NOWAIT", [member.id])).toEqual([
          { is_active: false },
        ]),
    );
    expect(imported).toBe(member.id);
    const after = await withCommunity(t.community.id, (tx) =>
      tx.communityMember.findUniqueOrThrow({ where: rowKey(member.id), select: { isActive: true, subscriptionStatus: true } }),
    );
    expect(after).toEqual({ isActive: true, subscriptionStatus: "comp" });
  });
});

describe("Stripe import", () => {
  async function setUp(prefix: string, count: number) {
    const paid = await paidCommunity(h);
    const owner = await db.user.findUniqueOrThrow({ where: { id: paid.community.ownerId }, select: { id: true, discordId: true, username: true } });
    const response = await fetch(`${h.fake.url}/_control/import`, {
      method: "POST",
      body: JSON.stringify({ account: paid.account, objects: legacySubscriptions({ product: "Old Pass", price: "10.00", count }, prefix) }),
    });
    expect(response.ok).toBe(true);
    return { paid, actor: { id: owner.id, discordId: owner.discordId, username: owner.username } };
  }
  const runAll = async (communityId: string, runId: string) => {
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const outcome = await importStripePage({ client: h.client, communityId, runId });
      outcomes.push(outcome);
      if (outcome !== "more") break;
    }
    return outcomes;
  };

  it("the fake lists as Stripe does, refusals included", async () => {
    const { paid } = await setUp("refuse", 3);
    const opts = { stripeAccount: paid.account };
    const page1 = await h.client.subscriptions.list({ limit: 2, status: "all" }, opts);
    expect(page1).toMatchObject({ object: "list", has_more: true });
    const page2 = await h.client.subscriptions.list({ limit: 2, status: "all", starting_after: page1.data.at(-1)!.id }, opts);
    expect(new Set([...page1.data, ...page2.data].map((s) => s.id)).size).toBe(page1.data.length + page2.data.length);
    // Stripe's limit is 1 to 100; a cursor must be an object of the list; status is one of its values.
    await expect(h.client.prices.list({ limit: 101 }, opts)).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "limit" });
    await expect(h.client.subscriptions.list({ starting_after: "sub_nope" }, opts)).rejects.toMatchObject({
      code: "resource_missing",
      param: "starting_after",
    });
    await expect(h.client.subscriptions.list({ status: "sleeping" as "all" }, opts)).rejects.toMatchObject({ param: "status" });
    // Without status, canceled subscriptions are left out, as at Stripe.
    const live = await h.client.subscriptions.list({ limit: 100 }, opts);
    expect(live.data.every((s) => s.status !== "canceled")).toBe(true);
  });

  it("lists the account's prices but not the tiers' own", async () => {
    const { paid } = await setUp("cat", 1);
    const ours = await paid.inScope((tx) => tx.subscriptionTier.findMany({ select: { stripePriceId: true } }));
    const catalog = await stripeCatalog(h.client, paid.account, new Set(ours.map((t) => t.stripePriceId!)), paid.community.id);
    expect(catalog).toEqual([{ id: "price_cat_guildpass", product: "Old Pass", amount: "10.00", currency: "USD", interval: "monthly", active: true }]);
  });

  it("makes a tier from a price when asked (its product's name, amount and interval), and refuses prices that cannot be one", async () => {
    const { paid } = await setUp("newtier", 1);
    const mapping = await resolveMapping({ price_newtier_guildpass: "new", price_unknown: "" }, paid.community, paid.inScope, h.client);
    const tier = await paid.inScope((tx) =>
      tx.subscriptionTier.findUniqueOrThrow({
        where: rowKey(mapping.price_newtier_guildpass!),
        select: { name: true, price: true, interval: true, stripePriceId: true },
      }),
    );
    expect(tier).toMatchObject({ name: "Old Pass", interval: "monthly", stripePriceId: expect.stringMatching(/^price_/) });
    expect(tier.price.toFixed(2)).toBe("10.00");
    expect(Object.keys(mapping)).toEqual(["price_newtier_guildpass"]);
    await expect(resolveMapping({ price_missing: "new" }, paid.community, paid.inScope, h.client)).rejects.toThrow(/fixed monthly or yearly amount/);
  });

  it("imports every live subscription once over several pages, and a second run adds nothing", async () => {
    const { paid, actor } = await setUp("many", 230);
    const { runId } = await paid.inScope((tx) => startStripeImport(tx, paid.community, actor, { price_many_guildpass: paid.tierId }, false));
    expect(await runAll(paid.community.id, runId)).toEqual(["more", "more", "done"]);
    const run = await paid.inScope((tx) => tx.stripeImport.findUniqueOrThrow({ where: rowKey(runId) }));
    expect(run).toMatchObject({ status: "done", seen: 231, imported: 230, skipped: 1 });
    expect(await paid.inScope((tx) => tx.memberImport.count({ where: { source: "stripe" } }))).toBe(230);
    // One run at a time; then a second run finds them all imported already.
    const again = await paid.inScope((tx) => startStripeImport(tx, paid.community, actor, { price_many_guildpass: paid.tierId }, false));
    await expect(paid.inScope((tx) => startStripeImport(tx, paid.community, actor, { price_many_guildpass: paid.tierId }, false))).rejects.toThrow(
      /already running/,
    );
    await runAll(paid.community.id, again.runId);
    expect(await paid.inScope((tx) => tx.stripeImport.findUniqueOrThrow({ where: rowKey(again.runId), select: { imported: true, skipped: true } }))).toEqual({
      imported: 0,
      skipped: 231,
    });
    expect(await paid.inScope((tx) => tx.memberImport.count())).toBe(230);
  });

  it("resumes a stopped run from its cursor without doubles", async () => {
    const { paid, actor } = await setUp("resume", 150);
    const { runId } = await paid.inScope((tx) => startStripeImport(tx, paid.community, actor, { price_resume_guildpass: paid.tierId }, false));
    expect(await importStripePage({ client: h.client, communityId: paid.community.id, runId })).toBe("more");
    // The worker gave up (Stripe down for hours): the run is stopped where it was.
    await paid.inScope((tx) => tx.stripeImport.update({ where: rowKey(runId), data: { status: "failed", error: "Stripe unavailable" } }));
    expect(await importStripePage({ client: h.client, communityId: paid.community.id, runId })).toBe("stopped");
    await paid.inScope((tx) => resumeStripeImport(tx, paid.community.id, runId));
    expect(await runAll(paid.community.id, runId)).toEqual(["done"]);
    expect(
      await paid.inScope((tx) => tx.stripeImport.findUniqueOrThrow({ where: rowKey(runId), select: { status: true, imported: true, seen: true } })),
    ).toEqual({ status: "done", imported: 150, seen: 151 });
    expect(await paid.inScope((tx) => tx.memberImport.count())).toBe(150);
  });

  it("a claimed subscription is the member's, charged nothing, and followed by our webhooks from then on", async () => {
    const { paid, actor } = await setUp("claim", 2);
    const { runId } = await paid.inScope((tx) => startStripeImport(tx, paid.community, actor, { price_claim_guildpass: paid.tierId }, false));
    await runAll(paid.community.id, runId);
    const pending = await paid.inScope((tx) => tx.memberImport.findFirstOrThrow({ where: { stripeSubscriptionId: "sub_claim_0001" } }));
    expect(pending).toMatchObject({ email: "claim1@example.com", stripeCustomerId: "cus_claim_0001" });
    const invoicesBefore = [...h.fake.objects.values()].filter((o) => o.object === "invoice" || o.object === "charge").length;
    const person = await createUser("claimer");
    await h.take();
    await claimMembership(paid.community.slug, pending.claimCode, person, h.client);
    const member = await paid.inScope((tx) =>
      tx.communityMember.findUniqueOrThrow({
        where: { communityId_userId: { communityId: paid.community.id, userId: person.id } },
        select: { id: true, subscriptionStatus: true, subscriptionTier: true, stripeCustomerId: true },
      }),
    );
    expect(member).toMatchObject({ subscriptionStatus: "active", subscriptionTier: "Gold", stripeCustomerId: "cus_claim_0001" });
    expect(
      await paid.inScope((tx) =>
        tx.subscription.findFirstOrThrow({ where: { stripeSubscriptionId: "sub_claim_0001" }, select: { memberId: true, tierId: true, status: true } }),
      ),
    ).toEqual({ memberId: member.id, tierId: paid.tierId, status: "active" });
    // Stripe now names our member, as our own Checkout would have; no invoice or charge was made.
    expect(h.fake.objects.get("sub_claim_0001")!.metadata).toMatchObject({ community_id: paid.community.id, member_id: member.id, tier_id: paid.tierId });
    expect([...h.fake.objects.values()].filter((o) => o.object === "invoice" || o.object === "charge").length).toBe(invoicesBefore);
    // The update's webhook applies to the member like any other, and a cancellation later ends the membership.
    for (const delivery of await h.take()) {
      const delivered = await h.deliver(delivery);
      expect(["processed", "ignored"]).toContain(delivered.applied ?? delivered.body.outcome);
    }
    await h.client.subscriptions.cancel("sub_claim_0001", {}, { stripeAccount: paid.account });
    for (const delivery of await h.take()) await h.deliver(delivery);
    expect(await paid.inScope((tx) => tx.communityMember.findUniqueOrThrow({ where: rowKey(member.id), select: { subscriptionStatus: true } }))).toEqual({
      subscriptionStatus: "canceled",
    });
  });
});
