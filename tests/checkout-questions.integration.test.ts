// The community's checkout questions, through the whole path against the fake
// Stripe: saved in settings, sent as the Checkout Session's custom fields,
// answered on the hosted Checkout (which refuses a missing answer as Checkout
// does), kept on the member by the webhook, and shown to the owner (details,
// CSV) and in the member's own data; erased with the member.
import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { getMember } from "../lib/api/resources";
import { startCheckout } from "../lib/billing/checkout";
import { checkoutQuestionsFormSchema, type CheckoutQuestion } from "../lib/communities/checkout-questions";
import { saveCheckoutQuestions, updateCommunity } from "../lib/communities/owner";
import { readSettings } from "../lib/communities/validation";
import { db } from "../lib/db/client";
import { rowKey, withCommunity } from "../lib/db/scopes";
import { exportMemberData } from "../lib/gdpr/export";
import { endMembership } from "../lib/gdpr/membership-exit";
import { recordCheckoutAnswers } from "../lib/members/checkout-answers";
import { membersCsvStream } from "../lib/members/csv";
import { memberDetail, membersQuerySchema } from "../lib/members/query";
import { createTenant, createUser } from "./support/fixtures";
import { paidCommunity, stripeHarnessForFile, type PaidCommunity } from "./support/stripe-webhooks";

const h = stripeHarnessForFile();

const QUESTIONS = checkoutQuestionsFormSchema.parse({
  q1Label: "Your TradingView username",
  q1Type: "text",
  q1Required: "on",
  q2Label: "How did you find us?",
  q2Type: "dropdown",
  q2Choices: "YouTube\nA friend\nTwitter",
});

const ask = (paid: PaidCommunity, questions: CheckoutQuestion[]) => paid.inScope((tx) => saveCheckoutQuestions(tx, paid.community.id, questions));

async function buyerCheckout(paid: PaidCommunity, name: string) {
  const user = await createUser(name);
  const actor = { id: user.id, discordId: user.discordId, username: name };
  const { url } = await startCheckout(paid.tierId, { actor, community: paid.community, inScope: paid.inScope, origin: "http://x" }, h.client);
  return { actor, url, session: h.fake.objects.get(new URL(url).pathname.split("/").pop()!)! };
}

const submit = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams({ outcome: "pay", ...fields }), redirect: "manual" });

const deliverAll = async () => {
  for (const d of await h.take()) expect((await h.deliver(d)).status).toBe(200);
};

const memberOf = (paid: PaidCommunity, userId: string) =>
  paid.inScope((tx) => tx.communityMember.findFirstOrThrow({ where: { userId }, select: { id: true, checkoutAnswers: true } }));

describe("checkout questions", () => {
  it("are asked by Stripe Checkout, required ones enforced, and the answers kept on the member for the owner", async () => {
    const paid = await paidCommunity(h);
    await ask(paid, QUESTIONS);
    const { actor, url, session } = await buyerCheckout(paid, "questions_buyer");
    expect(session.custom_fields).toMatchObject([
      { key: "q1", type: "text", optional: false, label: { custom: "Your TradingView username" } },
      { key: "q2", type: "dropdown", optional: true, dropdown: { options: [{ label: "YouTube" }, { label: "A friend" }, { label: "Twitter" }] } },
    ]);
    const page = await (await fetch(url)).text();
    expect(page).toContain("Your TradingView username");
    expect(page).toContain("How did you find us? (optional)");

    // A required answer left empty: Checkout asks again and charges nothing.
    const refused = await submit(url, { custom_q1: " " });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Your TradingView username is required.");
    expect(await h.take()).toEqual([]);

    const friend = (session.custom_fields as { dropdown?: { options: { label: string; value: string }[] } }[])[1]!.dropdown!.options[1]!.value;
    expect((await submit(url, { custom_q1: "trader_jo", custom_q2: friend })).status).toBe(303);
    await deliverAll();

    const member = await memberOf(paid, actor.id);
    expect(member.checkoutAnswers).toMatchObject({
      answers: [
        { question: "Your TradingView username", answer: "trader_jo" },
        { question: "How did you find us?", answer: "A friend" },
      ],
    });
    const detail = await paid.inScope((tx) => memberDetail(tx, member.id));
    expect(detail?.answers?.answers.map((a) => a.answer)).toEqual(["trader_jo", "A friend"]);
    const exported = await exportMemberData(paid.community.id, member.id);
    expect(JSON.stringify(exported)).toContain("trader_jo");
    // The owner's integrations read them from the REST API's member.
    expect((await paid.inScope((tx) => getMember(tx, member.id)))?.checkout_answers).toEqual([
      { question: "Your TradingView username", answer: "trader_jo" },
      { question: "How did you find us?", answer: "A friend" },
    ]);

    // The CSV: a column per question asked now; answers to a question since renamed are kept apart.
    await ask(paid, [{ ...QUESTIONS[0]!, label: "TradingView name" }, QUESTIONS[1]!]);
    const csv = await new Response(membersCsvStream(paid.community.id, membersQuerySchema.parse({}))).text();
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.discord_user_id === actor.discordId)).toMatchObject({
      "TradingView name": "",
      "How did you find us?": "A friend",
      other_answers: "Your TradingView username: trader_jo",
    });
  });

  it("are asked for a pass (one payment) too", async () => {
    const paid = await paidCommunity(h, { interval: "once", price: "25.00" });
    await ask(paid, [QUESTIONS[0]!]);
    const { actor, url } = await buyerCheckout(paid, "questions_pass");
    expect((await submit(url, { custom_q1: "pass_holder" })).status).toBe(303);
    await deliverAll();
    expect((await memberOf(paid, actor.id)).checkoutAnswers).toMatchObject({ answers: [{ question: "Your TradingView username", answer: "pass_holder" }] });
  });

  it("are not sent when the community asks none, and the member keeps no answers", async () => {
    const paid = await paidCommunity(h);
    const { actor, url, session } = await buyerCheckout(paid, "questions_none");
    expect(session.custom_fields).toEqual([]);
    expect((await submit(url, {})).status).toBe(303);
    await deliverAll();
    expect((await memberOf(paid, actor.id)).checkoutAnswers).toBeNull();
  });

  it("survive a save of the other settings, and the other settings survive a save of the questions", async () => {
    const paid = await paidCommunity(h);
    await ask(paid, QUESTIONS);
    const community = await db.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { name: true, slug: true, description: true } });
    await paid.inScope((tx) => updateCommunity({ ...community, status: "active", ...readSettings({}), gracePeriodDays: 7 }, paid.community, tx));
    await ask(paid, [QUESTIONS[1]!]);
    const { settings } = await db.community.findUniqueOrThrow({ where: { id: paid.community.id }, select: { settings: true } });
    expect(settings).toMatchObject({ gracePeriodDays: 7, checkoutQuestions: [{ label: "How did you find us?" }] });
  });

  it("is refused by (fake) Stripe beyond its limits: four fields, a key that is not alphanumeric", async () => {
    const paid = await paidCommunity(h);
    const price = (await paid.inScope((tx) => tx.subscriptionTier.findUniqueOrThrow({ where: rowKey(paid.tierId), select: { stripePriceId: true } })))
      .stripePriceId!;
    const create = (custom_fields: object[]) =>
      h.client.checkout.sessions.create(
        {
          mode: "subscription",
          line_items: [{ price, quantity: 1 }],
          success_url: "http://x/s",
          cancel_url: "http://x/c",
          custom_fields: custom_fields as never,
        },
        { stripeAccount: paid.account },
      );
    const field = (key: string) => ({ key, label: { type: "custom", custom: "Name" }, type: "text" });
    await expect(create(["a", "b", "c", "d"].map(field))).rejects.toThrow(/at most 3 custom fields/);
    await expect(create([field("user_name")])).rejects.toThrow(/alphanumeric/);
    await expect(create([field("a"), field("a")])).rejects.toThrow(/unique/);
  });

  it("are erased with the member, and never written across communities", async () => {
    const paid = await paidCommunity(h);
    await ask(paid, [QUESTIONS[0]!]);
    const { actor, url } = await buyerCheckout(paid, "questions_erased");
    expect((await submit(url, { custom_q1: "to_be_erased" })).status).toBe(303);
    await deliverAll();
    const member = await memberOf(paid, actor.id);

    // An event of another community naming this member (its metadata is the sender's) writes nothing here.
    const other = await createTenant("questions_other");
    await withCommunity(other.community.id, (tx) => recordCheckoutAnswers(tx, member.id, [{ question: "Q", answer: "forged" }], new Date()));
    expect((await memberOf(paid, actor.id)).checkoutAnswers).toMatchObject({ answers: [{ answer: "to_be_erased" }] });

    await paid.inScope((tx) => endMembership(tx, paid.community.id, member.id, { erase: true, now: new Date() }));
    expect((await memberOf(paid, actor.id)).checkoutAnswers).toBeNull();
  });
});
