import { describe, expect, it } from "vitest";
import {
  answersFromSession,
  checkoutQuestionsFormSchema,
  readCheckoutAnswers,
  readCheckoutQuestions,
  stripeCustomFields,
} from "../lib/communities/checkout-questions";

const form = (fields: Record<string, string>) => checkoutQuestionsFormSchema.safeParse(fields);

describe("the checkout questions form", () => {
  it("keeps the slots with a question, in order, with their kind and whether an answer is required", () => {
    const parsed = form({
      q1Label: " Your TradingView username ",
      q1Type: "text",
      q1Required: "on",
      q2Label: "",
      q2Type: "numeric",
      q3Label: "How did you find us?",
      q3Type: "dropdown",
      q3Choices: "YouTube\r\n\n  A friend \nYouTube\nTwitter",
    });
    expect(parsed.success && parsed.data).toEqual([
      { label: "Your TradingView username", type: "text", choices: [], optional: false },
      { label: "How did you find us?", type: "dropdown", choices: ["YouTube", "A friend", "Twitter"], optional: true },
    ]);
  });

  it("asks nothing when every question is empty", () => {
    expect(form({ q1Label: "  ", q1Type: "text" })).toMatchObject({ success: true, data: [] });
  });

  it("refuses what Stripe would refuse, on the field at fault", () => {
    const errors = (fields: Record<string, string>) => {
      const parsed = form(fields);
      return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
    };
    expect(errors({ q1Label: "x".repeat(101) })).toEqual({ q1Label: "must be at most 100 characters" });
    expect(errors({ q2Label: "Plan", q2Type: "dropdown", q2Choices: "Only one" })).toEqual({ q2Choices: "need at least two, one per line" });
    const many = Array.from({ length: 201 }, (_, i) => `Choice ${i}`).join("\n");
    expect(errors({ q1Label: "Pick", q1Type: "dropdown", q1Choices: many })).toEqual({ q1Choices: "must be at most 200 (Stripe's limit)" });
    expect(errors({ q1Label: "Pick", q1Type: "dropdown", q1Choices: `a\n${"b".repeat(101)}` })).toEqual({
      q1Choices: "must each be at most 100 characters of plain text",
    });
    expect(errors({ q3Label: "Name", q3Type: "email" })).toEqual({ q3Type: "choose what kind of answer" });
    expect(Object.keys(errors({ q1Label: "Bell\u0007" }))).toEqual(["q1Label"]);
  });
});

describe("the questions as Stripe Checkout custom fields", () => {
  it("uses positions as keys and choice values (Stripe wants them alphanumeric)", () => {
    expect(
      stripeCustomFields([
        { label: "Your TradingView username", type: "text", choices: [], optional: false },
        { label: "Phone", type: "numeric", choices: [], optional: true },
        { label: "Found us via", type: "dropdown", choices: ["YouTube", "A friend"], optional: false },
      ]),
    ).toEqual([
      { key: "q1", label: { type: "custom", custom: "Your TradingView username" }, type: "text", optional: false },
      { key: "q2", label: { type: "custom", custom: "Phone" }, type: "numeric", optional: true },
      {
        key: "q3",
        label: { type: "custom", custom: "Found us via" },
        type: "dropdown",
        optional: false,
        dropdown: {
          options: [
            { label: "YouTube", value: "c1" },
            { label: "A friend", value: "c2" },
          ],
        },
      },
    ]);
  });

  it("reads the answers with the labels the session carried, and leaves out the unanswered", () => {
    expect(
      answersFromSession([
        { key: "q1", label: { custom: "Your TradingView username" }, type: "text", text: { value: " trader_jo " } },
        { key: "q2", label: { custom: "Phone" }, type: "numeric", numeric: { value: null } },
        {
          key: "q3",
          label: { custom: "Found us via" },
          type: "dropdown",
          dropdown: {
            value: "c2",
            options: [
              { label: "YouTube", value: "c1" },
              { label: "A friend", value: "c2" },
            ],
          },
        },
      ]),
    ).toEqual([
      { question: "Your TradingView username", answer: "trader_jo" },
      { question: "Found us via", answer: "A friend" },
    ]);
    expect(answersFromSession(null)).toEqual([]);
  });

  it("reads stored questions and answers leniently: anything unreadable asks and shows nothing", () => {
    expect(readCheckoutQuestions({ checkoutQuestions: [{ label: "Hi", type: "voice", choices: [], optional: false }] })).toEqual([]);
    expect(readCheckoutQuestions(null)).toEqual([]);
    expect(readCheckoutAnswers({ answeredAt: "2026-12-01T00:00:00.000Z", answers: [] })).toBeNull();
    expect(readCheckoutAnswers("nonsense")).toBeNull();
  });
});
