import { stringify } from "csv-stringify/sync";
import { withCommunity } from "../db/scopes";
import { listMembers, type MembersQuery } from "./query";

const BATCH = 1000;
export const MEMBER_CSV_COLUMNS = [
  "discord_user_id",
  "username",
  "display_name",
  "nickname",
  "status",
  "tier",
  "access_until",
  "total_spent",
  "joined_at",
  "roles",
];

/**
 * The filtered member list as a CSV stream: one keyset batch at a time, each
 * read in its own short transaction, pulled only as fast as the reader reads,
 * so 100k members never sit in memory and no transaction waits on a download.
 * Names are the members' own text: a cell a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR) is written with a leading apostrophe.
 */
export function membersCsvStream(communityId: string, filters: MembersQuery): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let query: MembersQuery = { ...filters, cursor: null };
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await withCommunity(communityId, (tx) => listMembers(tx, query, BATCH));
      const records = page.rows.map((m) => [
        m.discordUserId,
        m.user.username,
        m.user.globalName ?? "",
        m.nickname ?? "",
        m.subscriptionStatus,
        m.subscriptionTier ?? "",
        m.subscriptionExpiresAt?.toISOString() ?? "",
        m.totalSpent.toFixed(2),
        m.joinedAt.toISOString(),
        m.roles.join(" "),
      ]);
      controller.enqueue(encoder.encode(stringify(records, { header: first, columns: MEMBER_CSV_COLUMNS, escape_formulas: true })));
      first = false;
      if (!page.nextCursor) return controller.close();
      query = { ...query, cursor: JSON.parse(Buffer.from(page.nextCursor, "base64url").toString("utf8")) };
    },
  });
}
