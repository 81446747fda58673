import { stringify } from "csv-stringify/sync";
import { withCommunity } from "../db/scopes";
import { paidCurrencies, paidTotals, type PaidTotal } from "../billing/paid-totals";
import type { Prisma } from "../generated/prisma/client";
import { readCheckoutAnswers, readCheckoutQuestions } from "../communities/checkout-questions";
import { listMembers, memberStandingSelect, type MembersQuery } from "./query";

const BATCH = 500;
// Only the columns written: the export reads every member, and each field read is memory to collect.
const csvRowSelect = { ...memberStandingSelect, checkoutAnswers: true, user: { select: { username: true, globalName: true } } } as const;
export const MEMBER_CSV_COLUMNS = [
  "discord_user_id",
  "username",
  "display_name",
  "nickname",
  "status",
  "tier",
  "access_until",
  "total_spent",
  "currency",
  "joined_at",
  "roles",
];

/**
 * The filtered member list as a CSV stream: one keyset batch at a time, each
 * read in its own short transaction, pulled only as fast as the reader reads,
 * so 100k members never sit in memory and no transaction waits on a download.
 * Names are the members' own text: a cell a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR) is written with a leading apostrophe. After the fixed
 * columns, one per checkout question asked now (headed by its question), and
 * `other_answers` for answers to questions since renamed or removed.
 * `total_spent` is net of refunds in `currency`; a member who paid in several
 * currencies has an amount per currency, "; "-separated in both cells (the
 * currency paid in last first): amounts of different currencies are never added.
 */
export function membersCsvStream(communityId: string, filters: MembersQuery): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let query: MembersQuery = { ...filters, cursor: null };
  let asked: string[] = [];
  let currencies: string[] = [];
  let first = true;
  return new ReadableStream<Uint8Array>({
    async start() {
      const { settings } = await withCommunity(communityId, async (tx) => {
        currencies = await paidCurrencies(tx);
        return tx.community.findUniqueOrThrow({ where: { id: communityId }, select: { settings: true } });
      });
      asked = readCheckoutQuestions(settings).map((q) => q.label);
    },
    async pull(controller) {
      const { page, totals } = await withCommunity(communityId, async (tx) => {
        const page = await listMembers(tx, query, BATCH, csvRowSelect);
        const ids = page.rows.map((m) => m.id);
        // Paid in one currency (the usual case), the stored total is already right: no read of the payments.
        return { page, totals: currencies.length > 1 ? await paidTotals(tx, ids) : null };
      });
      const records = page.rows.map((m) => [
        m.discordUserId,
        m.user.username,
        m.user.globalName ?? "",
        m.nickname ?? "",
        m.subscriptionStatus,
        m.subscriptionTier ?? "",
        m.subscriptionExpiresAt?.toISOString() ?? "",
        ...spentColumns(totals ? (totals.get(m.id) ?? []) : storedTotal(m.totalSpent, currencies[0])),
        m.joinedAt.toISOString(),
        m.roles.join(" "),
        ...answerColumns(asked, m.checkoutAnswers),
      ]);
      const columns = [...MEMBER_CSV_COLUMNS, ...asked, "other_answers"];
      controller.enqueue(encoder.encode(stringify(records, { header: first, columns, escape_formulas: true })));
      first = false;
      if (!page.nextCursor) return controller.close();
      query = { ...query, cursor: JSON.parse(Buffer.from(page.nextCursor, "base64url").toString("utf8")) };
    },
  });
}

/** A member's stored total as their one currency's total (where the community was paid in one currency only). */
function storedTotal(totalSpent: Prisma.Decimal, currency: string | undefined): PaidTotal[] {
  return currency && !totalSpent.isZero() ? [{ currency, amount: totalSpent.toFixed(2) }] : [];
}

/** total_spent and currency: nothing paid (or all refunded) is 0.00 in no currency. */
function spentColumns(totals: PaidTotal[]): [string, string] {
  if (totals.length === 0) return ["0.00", ""];
  return [totals.map((t) => t.amount).join("; "), totals.map((t) => t.currency).join("; ")];
}

/** A member's answers under the questions asked now, then the rest as "question: answer" pairs. */
function answerColumns(asked: string[], stored: unknown): string[] {
  const answers = readCheckoutAnswers(stored)?.answers ?? [];
  const other = answers.filter((a) => !asked.includes(a.question)).map((a) => `${a.question}: ${a.answer}`);
  return [...asked.map((question) => answers.find((a) => a.question === question)?.answer ?? ""), other.join("; ")];
}
