import { expect, test } from "@playwright/test";
import { signInAs, signOut } from "./support/auth";
import { query } from "./support/db";
import { expectAccessible } from "./support/axe";

test("the owner makes a promotion code for one tier; a member opens its link and pays the discounted price; the owner sees it used", async ({ page }) => {
  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/promotions");
  const form = page.getByRole("form", { name: "New promotion code" });
  await form.getByLabel("Code").fill("patron25");
  await form.getByLabel("Percent").fill("25");
  await form.getByRole("checkbox", { name: "Patron" }).check();
  await form.getByRole("button", { name: "Create code" }).click();
  await expect(form.getByText("Code PATRON25 is live.")).toBeVisible();
  const link = (await form.getByTestId("promo-link").textContent())!;
  expect(link).toMatch(/\/c\/pixel-guild\?promo=PATRON25$/);
  const listed = page.getByTestId("promo-PATRON25");
  await expect(listed).toContainText("25% off for the first payment · Patron");
  await expect(listed.getByTestId("promo-redeemed")).toHaveText("0 uses");

  // The same code twice is refused, with the field named; nothing typed or ticked is lost.
  await form.getByLabel("Code").fill("PATRON25");
  await form.getByLabel("Percent").fill("10");
  await form.getByRole("checkbox", { name: "Patron" }).check();
  await form.getByRole("checkbox", { name: "Pro" }).check();
  await form.getByRole("button", { name: "Create code" }).click();
  await expect(form.getByText("you already have a code with this name")).toBeVisible();
  await expect(form.getByLabel("Percent")).toHaveValue("10");
  await expect(form.getByRole("checkbox", { name: "Patron" })).toBeChecked();
  await expect(form.getByRole("checkbox", { name: "Pro" })).toBeChecked();
  await expect(form.getByRole("checkbox", { name: "Supporter" })).not.toBeChecked();
  await signOut(page);

  // Erin follows the link: the page says what the code gives, on the tier it is for.
  await signInAs(page, "Erin Newcomer", new URL(link).pathname + new URL(link).search);
  await expect(page.getByRole("status").filter({ hasText: "PATRON25" })).toContainText(
    "Code PATRON25: 25% off for the first payment on the tiers marked below.",
  );
  const tiers = page.getByRole("region", { name: "Membership tiers" });
  await expect(tiers.getByText("Code PATRON25 applies")).toHaveCount(1);
  await tiers.getByRole("button", { name: "Subscribe to Patron" }).click();
  await expect(page.getByText("90.00 USD (code PATRON25: was 120.00) / year")).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page.getByText("You're in! Your Patron membership of Pixel Guild is active.")).toBeVisible({ timeout: 15_000 });
  const [payment] = await query<{ amount: string }>(
    "SELECT p.amount::text FROM payments p JOIN community_members m ON m.id = p.member_id JOIN users u ON u.id = m.user_id JOIN communities c ON c.id = p.community_id WHERE c.slug = 'pixel-guild' AND u.discord_id = '100000000000000004'",
  );
  expect(payment!.amount).toBe("90.00");
  await signOut(page);

  // A code that does not exist (a typo in a link) says so, and the usual price stands.
  await page.goto("/c/pixel-guild?promo=NOPE");
  await expect(page.getByText("The code “NOPE” can't be used any more. You can still subscribe at the usual price.")).toBeVisible();

  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/promotions");
  await expect(page.getByTestId("promo-PATRON25").getByTestId("promo-redeemed")).toHaveText("1 use");
});

test("the owner records what they paid a referrer: never more than is owed, and the referrer sees it", async ({ page }) => {
  // Pixel Guild runs a referral program in the demo data: Bob brought three members.
  const owedBefore = async () => {
    const [row] = await query<{ earned: string; paid: string }>(
      `SELECT (SELECT coalesce(sum(round((p.amount - p.amount_refunded) * m.referral_percent / 100.0, 2)), 0)
                 FROM community_members m JOIN payments p ON p.member_id = m.id
                WHERE m.referred_by_member_id = b.id AND p.status IN ('succeeded', 'partially_refunded')
                  AND p.created_at >= m.referred_at AND p.created_at < m.referred_at + make_interval(months => m.referral_months))::text AS earned,
              (SELECT coalesce(sum(amount), 0) FROM affiliate_payouts WHERE referrer_member_id = b.id)::text AS paid
         FROM community_members b JOIN users u ON u.id = b.user_id JOIN communities c ON c.id = b.community_id
        WHERE c.slug = 'pixel-guild' AND u.username = 'bob'`,
    );
    return Number(row!.earned) - Number(row!.paid);
  };
  const owed = await owedBefore();
  expect(owed).toBeGreaterThan(1);

  await signInAs(page, "Alice Owner", "/dashboard/pixel-guild/promotions");
  const bob = page.getByRole("list", { name: "Referrers" }).getByTestId("referrer").filter({ hasText: "Bob Member" });
  await expect(bob).toContainText(`owed $${owed.toFixed(2)}`);
  const payout = bob.getByRole("form", { name: "Record a payout to Bob Member" });
  await payout.getByLabel("Amount paid").fill((owed + 1).toFixed(2));
  await payout.getByRole("button", { name: "Record payout" }).click();
  await expect(payout.getByRole("alert")).toHaveText(`That's more than the ${owed.toFixed(2)} USD owed.`);
  await payout.getByLabel("Amount paid").fill("1.00");
  await payout.getByLabel("Note (optional)").fill("PayPal");
  await payout.getByRole("button", { name: "Record payout" }).click();
  await expect(payout.getByText("Recorded: 1.00 USD paid to Bob Member.")).toBeVisible();
  await expect(bob).toContainText(`owed $${(owed - 1).toFixed(2)}`);
  await expectAccessible(page, "promotions, after a payout");
  expect(await owedBefore()).toBeCloseTo(owed - 1, 2);
  await signOut(page);

  await signInAs(page, "Bob Member", "/portal");
  await expect(page.getByRole("region", { name: "Invite friends to Pixel Guild" }).getByTestId("referral-stats")).toContainText("paid to you $1.00");
});

test("the owner pages through the referrers, those who brought the most first", async ({ page }) => {
  // Trading Desk has no referrals in the demo data: each of its members is made the referrer of the next.
  const desk = "(SELECT id FROM communities WHERE slug = 'trading-desk')";
  const [marked] = await query<{ referrers: number }>(
    `WITH chain AS (SELECT id, lag(id) OVER (ORDER BY joined_at, id) AS referrer, joined_at FROM community_members WHERE community_id = ${desk}),
          marked AS (UPDATE community_members m SET referred_by_member_id = chain.referrer, referred_at = chain.joined_at, referral_percent = 10, referral_months = 3
                       FROM chain WHERE m.id = chain.id AND chain.referrer IS NOT NULL RETURNING 1)
     SELECT count(*)::int AS referrers FROM marked`,
  );
  const referrers = marked!.referrers;
  expect(referrers).toBeGreaterThan(25);
  try {
    await signInAs(page, "Carol Owner", "/dashboard/trading-desk/promotions");
    const region = page.getByRole("region", { name: "Referrals" });
    await expect(region.getByText(`${referrers} referrers, those who brought the most first`)).toBeVisible();
    const listed = region.getByRole("list", { name: "Referrers" }).getByTestId("referrer");
    await expect(listed).toHaveCount(25);
    const firstPage = await listed.allTextContents();
    await expect(region.getByRole("link", { name: "Previous referrers" })).toHaveCount(0);

    await region.getByRole("link", { name: "More referrers" }).click();
    await expect(page).toHaveURL(/\/dashboard\/trading-desk\/promotions\?referrers=2#referrals-title$/);
    await expect(listed).toHaveCount(referrers - 25);
    // Nobody is on both pages.
    for (const text of await listed.allTextContents()) expect(firstPage).not.toContain(text);
    await expect(region.getByRole("link", { name: "More referrers" })).toHaveCount(0);
    await expectAccessible(page, "promotions, the referrers' second page");

    await region.getByRole("link", { name: "Previous referrers" }).click();
    await expect(listed).toHaveCount(25);
    expect(await listed.allTextContents()).toEqual(firstPage);
  } finally {
    await query(
      `UPDATE community_members SET referred_by_member_id = NULL, referred_at = NULL, referral_percent = NULL, referral_months = NULL WHERE community_id = ${desk}`,
    );
  }
});
