// CSV import of members and comp access: one row per person, by Discord id or
// e-mail, a tier (by name) and an optional last day. The whole file is checked
// first; a file with any bad row writes nothing. Exports of LaunchPass,
// Memberful and Patreon are read by their own column names (COLUMN_NAMES).
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { ActionError } from "../core/errors";
import { type Actor } from "../core/actors";
import type { TenantTx } from "../db/scopes";
import { enqueueJob, JOB_KINDS, requestRoleSync } from "../jobs/enqueue";
import { refreshMember } from "../billing/member-refresh";
import { newClaimCode } from "./claim-code";
import { enterCommunityLocked } from "../members/membership";

export const MAX_ROWS = 5000;
export const MAX_BYTES = 2_000_000;

/** Header names we read for each field, lower case (first match wins). */
export const COLUMN_NAMES = {
  discordUserId: ["discord_user_id", "discord id", "discord user id", "discord_id", "discorduserid"],
  email: ["email", "e-mail", "email address", "member email", "customer email"],
  tier: ["tier", "plan", "plan name", "tier name", "membership", "product", "subscription plan"],
  until: ["until", "expires", "expires_at", "expiry", "expiration date", "expiration", "access until", "next charge date", "renewal date"],
  status: ["status", "patron status", "member status", "subscription status"],
} as const;

/** Status values that mean "no longer a member": such rows are skipped, not refused. */
const ENDED = /^(former|canceled|cancelled|expired|inactive|declined|deleted|ended)/i;

const discordId = /^[0-9]{17,20}$/;
const email = z.email();

export type CsvRow = {
  line: number;
  discordUserId: string | null;
  email: string | null;
  tier: string;
  tierId: string | null;
  until: string | null;
  skipped: string | null;
  errors: string[];
};
export type CsvPreview = {
  rows: CsvRow[];
  columns: Partial<Record<keyof typeof COLUMN_NAMES, string>>;
  valid: boolean;
  problem: string | null;
  toImport: number;
};

function parseDay(value: string): Date | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T23:59:59.999Z`);
  if (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) return new Date(v);
  return null;
}

/** Reads and checks the file against the community's tiers; writes nothing. */
export function previewCsv(text: string, tiers: { id: string; name: string }[], now = new Date()): CsvPreview {
  const empty = (problem: string): CsvPreview => ({ rows: [], columns: {}, valid: false, problem, toImport: 0 });
  if (Buffer.byteLength(text) > MAX_BYTES) return empty(`The file is over ${MAX_BYTES / 1_000_000} MB; split it.`);
  let records: Record<string, string>[];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (error) {
    return empty(`This is not a CSV file we can read: ${(error as Error).message}`);
  }
  if (records.length === 0) return empty("The file has a header but no rows.");
  if (records.length > MAX_ROWS) return empty(`The file has ${records.length} rows; import at most ${MAX_ROWS} at a time.`);
  const headers = Object.keys(records[0]!);
  const columns: CsvPreview["columns"] = {};
  for (const [field, names] of Object.entries(COLUMN_NAMES) as [keyof typeof COLUMN_NAMES, readonly string[]][]) {
    const found = names.find((n) => headers.includes(n));
    if (found) columns[field] = found;
  }
  if (!columns.tier) return empty(`No tier column: name one of ${COLUMN_NAMES.tier.map((n) => `"${n}"`).join(", ")}.`);
  if (!columns.discordUserId && !columns.email) return empty("No Discord id or e-mail column: each row must say who the member is.");

  const byName = new Map(tiers.map((t) => [t.name.toLowerCase(), t.id]));
  const seen = new Set<string>();
  const rows = records.map((record, i): CsvRow => {
    const get = (field: keyof typeof COLUMN_NAMES) => (columns[field] ? (record[columns[field]!] ?? "").trim() : "");
    const row: CsvRow = {
      line: i + 2,
      discordUserId: get("discordUserId") || null,
      email: get("email").toLowerCase() || null,
      tier: get("tier"),
      tierId: null,
      until: null,
      skipped: null,
      errors: [],
    };
    const status = get("status");
    if (status && ENDED.test(status)) {
      row.skipped = `status "${status}"`;
      return row;
    }
    if (row.discordUserId && !discordId.test(row.discordUserId)) row.errors.push("the Discord id must be 17 to 20 digits");
    if (row.email && !email.safeParse(row.email).success) row.errors.push("the e-mail is not an address");
    if (!row.discordUserId && !row.email) row.errors.push("needs a Discord id or an e-mail");
    row.tierId = byName.get(row.tier.toLowerCase()) ?? null;
    if (!row.tierId)
      row.errors.push(row.tier ? `no tier named "${row.tier}" (tiers: ${tiers.map((t) => t.name).join(", ") || "none yet"})` : "the tier is empty");
    const rawUntil = get("until");
    if (rawUntil) {
      const until = parseDay(rawUntil);
      if (!until) row.errors.push(`"${rawUntil}" is not a date (use YYYY-MM-DD)`);
      else if (until <= now) row.skipped = "access already ended";
      else row.until = until.toISOString();
    }
    const who = row.discordUserId ?? row.email ?? "";
    if (who && seen.has(who)) row.errors.push("this person is on an earlier row too");
    seen.add(who);
    return row;
  });
  const valid = rows.every((r) => r.errors.length === 0);
  return {
    rows,
    columns,
    valid,
    problem: valid ? null : "Some rows need fixing (below). Nothing was imported; correct the file and upload it again.",
    toImport: rows.filter((r) => !r.skipped).length,
  };
}

/**
 * Writes a valid file: a Discord account that has signed in before gets its
 * membership and comp access now; everyone else gets a claim link (e-mailed
 * when the row has an address).
 */
export async function importCsv(tx: TenantTx, communityId: string, actor: Actor, preview: CsvPreview, now = new Date()) {
  if (!preview.valid) throw new ActionError(preview.problem ?? "The file has errors.");
  const rows = preview.rows.filter((r) => !r.skipped);
  const users = await tx.user.findMany({
    where: { discordId: { in: rows.map((r) => r.discordUserId).filter((d): d is string => !!d) }, erasedAt: null },
    select: { id: true, discordId: true },
  });
  const userOf = new Map(users.map((u) => [u.discordId, u.id]));
  let granted = 0;
  let waiting = 0;
  for (const row of rows) {
    const userId = row.discordUserId ? userOf.get(row.discordUserId) : undefined;
    if (userId) {
      await grantImported(tx, communityId, {
        userId,
        discordUserId: row.discordUserId!,
        tierId: row.tierId!,
        until: row.until ? new Date(row.until) : null,
        by: actor.id,
        now,
      });
      granted++;
      continue;
    }
    const pending = await tx.memberImport.create({
      data: {
        communityId,
        source: "csv",
        tierId: row.tierId!,
        discordUserId: row.discordUserId,
        email: row.email,
        until: row.until ? new Date(row.until) : null,
        claimCode: newClaimCode(),
      },
      select: { id: true },
    });
    if (row.email) await enqueueJob(tx, JOB_KINDS.claimMail, { communityId, importId: pending.id }, { key: `claim_mail:${pending.id}` });
    waiting++;
  }
  return { granted, waiting, skipped: preview.rows.length - rows.length };
}

/** A membership (rejoined if it had ended) with the tier as comp access, and its roles asked for. */
export async function grantImported(
  tx: TenantTx,
  communityId: string,
  who: { userId: string; discordUserId: string; tierId: string; until: Date | null; by: string | null; now: Date },
) {
  const member = await enterCommunityLocked(tx, communityId, who);
  await tx.accessGrant.create({
    data: { communityId, memberId: member.id, tierId: who.tierId, until: who.until, note: "imported", grantedBy: who.by },
    select: { id: true },
  });
  await refreshMember(tx, member.id, who.now, { locked: true });
  await requestRoleSync(tx, communityId, member.id, "imported");
  return member.id;
}
