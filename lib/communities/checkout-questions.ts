// Questions an owner asks every paying member (a TradingView name, how they
// found the community), asked by Stripe Checkout itself as its custom fields:
// nothing to fill in on our side before paying, and the answers come back on
// the completed Checkout Session. Stripe's limits are ours: three questions, a
// label of 100 characters, answers of 255, lists of 200 choices.
import type Stripe from "stripe";
import { z } from "zod";
import type { StripeCheckoutSession } from "../billing/stripe-objects";
import { CONTROL_CHARACTERS, NO_CONTROL_CHARACTERS } from "../utils/text";

export const MAX_QUESTIONS = 3;
const MAX_CHOICES = 200;
export const QUESTION_TYPES = ["text", "numeric", "dropdown"] as const;
export const QUESTION_TYPE_LABELS: Record<(typeof QUESTION_TYPES)[number], string> = {
  text: "Text",
  numeric: "Digits only (an account or phone number)",
  dropdown: "A choice from a list",
};

export type CheckoutQuestion = { label: string; type: (typeof QUESTION_TYPES)[number]; choices: string[]; optional: boolean };
export type CheckoutAnswer = { question: string; answer: string };
export type CheckoutAnswers = { answeredAt: string; answers: CheckoutAnswer[] };

const plainText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !CONTROL_CHARACTERS.test(v), NO_CONTROL_CHARACTERS);

const storedQuestion = z.object({
  label: plainText(100).pipe(z.string().min(1)),
  type: z.enum(QUESTION_TYPES),
  choices: z.array(plainText(100).pipe(z.string().min(1))).max(MAX_CHOICES),
  optional: z.boolean(),
});

// Built once: zod compiles a schema on its first parse, and checkout reads the questions on every session.
const storedQuestions = z.array(storedQuestion).max(MAX_QUESTIONS);

/** The settings form: three slots (q1…q3), an empty label leaves a slot unused. */
export const checkoutQuestionsFormSchema = z
  .object(
    Object.fromEntries(
      [1, 2, 3].flatMap((n) => [
        [`q${n}Label`, plainText(100).optional().default("")],
        [`q${n}Type`, z.enum(QUESTION_TYPES, { message: "choose what kind of answer" }).optional().default("text")],
        [`q${n}Choices`, z.string().max(25_000).optional().default("")],
        [`q${n}Required`, z.string().optional()],
      ]),
    ) as Record<string, z.ZodType<string | undefined>>,
  )
  .transform((form, ctx): CheckoutQuestion[] => {
    const questions: CheckoutQuestion[] = [];
    for (const n of [1, 2, 3]) {
      const label = form[`q${n}Label`] ?? "";
      if (!label) continue;
      const type = form[`q${n}Type`] as CheckoutQuestion["type"];
      const choices =
        type === "dropdown"
          ? [
              ...new Set(
                (form[`q${n}Choices`] ?? "")
                  .split(/\r?\n/)
                  .map((c) => c.trim())
                  .filter(Boolean),
              ),
            ]
          : [];
      const problem =
        type !== "dropdown"
          ? null
          : choices.length < 2
            ? "need at least two, one per line"
            : choices.length > MAX_CHOICES
              ? `must be at most ${MAX_CHOICES} (Stripe's limit)`
              : choices.some((c) => c.length > 100 || CONTROL_CHARACTERS.test(c))
                ? "must each be at most 100 characters of plain text"
                : null;
      if (problem) ctx.addIssue({ code: "custom", path: [`q${n}Choices`], message: problem });
      questions.push({ label, type, choices, optional: form[`q${n}Required`] !== "on" });
    }
    return questions;
  });

/** The community's questions as stored in its settings; anything unreadable asks nothing. */
export function readCheckoutQuestions(settings: unknown): CheckoutQuestion[] {
  const raw = typeof settings === "object" && settings !== null ? (settings as Record<string, unknown>).checkoutQuestions : undefined;
  const parsed = storedQuestions.safeParse(raw ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * The questions as Checkout Session custom fields. Keys and choice values are
 * positions (Stripe wants them alphanumeric); the answers are read back with
 * the labels the session itself carries, so a later edit cannot mislabel them.
 */
export function stripeCustomFields(questions: CheckoutQuestion[]): Stripe.Checkout.SessionCreateParams.CustomField[] {
  return questions.map((q, i) => ({
    key: `q${i + 1}`,
    label: { type: "custom", custom: q.label },
    type: q.type,
    optional: q.optional,
    ...(q.type === "dropdown" ? { dropdown: { options: q.choices.map((label, j) => ({ label, value: `c${j + 1}` })) } } : {}),
  }));
}

/** What the member answered, each with the question as it was asked; unanswered optional questions are left out. */
export function answersFromSession(fields: StripeCheckoutSession["custom_fields"]): CheckoutAnswer[] {
  return (fields ?? []).flatMap((field) => {
    const question = field.label.custom ?? field.key;
    const picked = field.dropdown?.value;
    const answer = picked ? (field.dropdown!.options.find((o) => o.value === picked)?.label ?? picked) : (field.text?.value ?? field.numeric?.value ?? "");
    return answer.trim() ? [{ question, answer: answer.trim() }] : [];
  });
}

const storedAnswers = z.object({
  answeredAt: z.string(),
  answers: z.array(z.object({ question: z.string(), answer: z.string() })),
});

/** A member's stored answers, or none. */
export function readCheckoutAnswers(raw: unknown): CheckoutAnswers | null {
  // Most members have none: no parse (a failed one builds an error), as the CSV export reads every member.
  if (raw === null || raw === undefined) return null;
  const parsed = storedAnswers.safeParse(raw);
  return parsed.success && parsed.data.answers.length > 0 ? parsed.data : null;
}
