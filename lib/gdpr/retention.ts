// Data retention: what each policy may say, and the job that enforces them.
// Tenant tables are purged community by community in their own RLS scope, a
// batch per short transaction so a large purge never holds locks for long;
// whole analytics months past retention are dropped as partitions instead.
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { db } from "../db/client";
import { withCommunity, type TenantTx } from "../db/scopes";

const noCriteria = z.object({}).strict();

/** The tables a policy can govern, what its days count from, and the criteria it accepts. */
export const RETENTION_TABLES = {
  analytics_events: {
    label: "Analytics events",
    counts: "days after the event",
    criteria: z.object({ eventTypes: z.array(z.string().trim().min(1).max(50)).min(1).max(20).optional() }).strict(),
    example: '{"eventTypes": ["page_view"]}',
  },
  stripe_events: {
    label: "Stripe webhook ledger",
    counts: "days after the event was received",
    criteria: z
      .object({
        outcomes: z
          .array(z.enum(["processed", "ignored", "rejected"]))
          .min(1)
          .optional(),
      })
      .strict(),
    example: '{"outcomes": ["ignored", "rejected"]}',
  },
  discord_role_syncs: { label: "Discord role sync history", counts: "days after the sync", criteria: noCriteria, example: "{}" },
  community_alerts: {
    label: "Owner alerts",
    counts: "days after the alert was raised (resolved ones only, unless resolvedOnly is false)",
    criteria: z.object({ resolvedOnly: z.boolean().optional() }).strict(),
    example: '{"resolvedOnly": true}',
  },
  audit_log: { label: "Audit log", counts: "days after the entry", criteria: noCriteria, example: "{}" },
  member_notices: { label: "Messages sent to members", counts: "days after the message was sent", criteria: noCriteria, example: "{}" },
  webhook_deliveries: { label: "Webhook delivery log", counts: "days after the event", criteria: noCriteria, example: "{}" },
  sessions: { label: "Expired sign-in sessions", counts: "days after the session expired", criteria: noCriteria, example: "{}" },
  verification_tokens: { label: "Expired verification tokens", counts: "days after the token expired", criteria: noCriteria, example: "{}" },
} as const;

export type RetentionTable = keyof typeof RETENTION_TABLES;
export const retentionTable = z.enum(Object.keys(RETENTION_TABLES) as [RetentionTable, ...RetentionTable[]]);

export const MAX_RETENTION_DAYS = 3650;
const BATCH = 5000;

/** A policy's criteria, checked against what its table accepts; null means "everything past retention". */
export function parseCriteria(table: RetentionTable, criteria: unknown): Record<string, unknown> | null {
  if (criteria === null || criteria === undefined) return null;
  const parsed = RETENTION_TABLES[table].criteria.parse(criteria) as Record<string, unknown>;
  return Object.keys(parsed).length ? parsed : null;
}

type Criteria = { eventTypes?: string[]; outcomes?: string[]; resolvedOnly?: boolean } | null;

/** One batch of a tenant table's expired rows, deleted in the current community scope. */
function deleteBatch(tx: TenantTx, table: Exclude<RetentionTable, "sessions" | "verification_tokens">, cutoff: Date, criteria: Criteria): Promise<number> {
  switch (table) {
    case "analytics_events": {
      const types = criteria?.eventTypes;
      return tx.$executeRaw`DELETE FROM analytics_events WHERE (id, "timestamp") IN (
        SELECT id, "timestamp" FROM analytics_events
         WHERE "timestamp" < ${cutoff} ${types ? Prisma.sql`AND event_type = ANY(${types})` : Prisma.empty}
         LIMIT ${BATCH})`;
    }
    case "stripe_events": {
      const outcomes = criteria?.outcomes;
      // A queued event is not applied yet: its row is what keeps a re-delivery from being applied twice.
      return tx.$executeRaw`DELETE FROM stripe_events WHERE id IN (
        SELECT id FROM stripe_events WHERE received_at < ${cutoff} AND outcome <> 'queued' ${outcomes ? Prisma.sql`AND outcome = ANY(${outcomes})` : Prisma.empty} LIMIT ${BATCH})`;
    }
    case "discord_role_syncs":
      return tx.$executeRaw`DELETE FROM discord_role_syncs WHERE id IN (SELECT id FROM discord_role_syncs WHERE created_at < ${cutoff} LIMIT ${BATCH})`;
    case "community_alerts":
      // An open alert is still something the owner must see, whatever its age.
      return criteria?.resolvedOnly === false
        ? tx.$executeRaw`DELETE FROM community_alerts WHERE id IN (SELECT id FROM community_alerts WHERE created_at < ${cutoff} LIMIT ${BATCH})`
        : tx.$executeRaw`DELETE FROM community_alerts WHERE id IN (SELECT id FROM community_alerts WHERE resolved_at < ${cutoff} LIMIT ${BATCH})`;
    case "member_notices":
      return tx.$executeRaw`DELETE FROM member_notices WHERE id IN (SELECT id FROM member_notices WHERE created_at < ${cutoff} LIMIT ${BATCH})`;
    case "webhook_deliveries":
      return tx.$executeRaw`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE created_at < ${cutoff} LIMIT ${BATCH})`;
    case "audit_log":
      // Append-only for the application: only this function may delete from it.
      return tx.$queryRaw<{ deleted: number }[]>`SELECT purge_audit_log(${cutoff}, ${BATCH}) AS deleted`.then(([row]) => row?.deleted ?? 0);
  }
}

/** Runs batch after batch, each its own short transaction, until one comes back short. */
async function drain(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await batch();
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

const purgeCommunity = (communityId: string, table: Exclude<RetentionTable, "sessions" | "verification_tokens">, cutoff: Date, criteria: Criteria) =>
  drain(() => withCommunity(communityId, (tx) => deleteBatch(tx, table, cutoff, criteria), { timeout: 60_000 }));

const purgeGlobal = (table: "sessions" | "verification_tokens", cutoff: Date) =>
  drain(() =>
    table === "sessions"
      ? db.$executeRaw`DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires < ${cutoff} LIMIT ${BATCH})`
      : db.$executeRaw`DELETE FROM verification_tokens WHERE ctid IN (SELECT ctid FROM verification_tokens WHERE expires < ${cutoff} LIMIT ${BATCH})`,
  );

export type RetentionReport = { table: RetentionTable; cutoff: string; deletedRows: number; droppedPartitions: string[] };

/** Applies one policy now: deletes what is past retention and stamps last_cleanup. */
export async function applyPolicy(
  policy: { id: string; tableName: string; retentionDays: number; deletionCriteria: unknown },
  now = new Date(),
): Promise<RetentionReport> {
  const table = retentionTable.parse(policy.tableName);
  const criteria = parseCriteria(table, policy.deletionCriteria) as Criteria;
  const cutoff = new Date(now.getTime() - policy.retentionDays * 86_400_000);
  let deletedRows = 0;
  let droppedPartitions: string[] = [];
  if (table === "sessions" || table === "verification_tokens") {
    deletedRows = await purgeGlobal(table, cutoff);
  } else {
    if (table === "analytics_events" && !criteria) {
      const rows = await db.$queryRaw<{ name: string }[]>`SELECT drop_analytics_partitions_before(${cutoff}) AS name`;
      droppedPartitions = rows.map((r) => r.name);
    }
    // Archived communities keep no exemption from retention.
    const communities = await db.community.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
    for (const { id } of communities) deletedRows += await purgeCommunity(id, table, cutoff, criteria);
  }
  await db.dataRetentionPolicy.update({ where: { id: policy.id }, data: { lastCleanup: now, lastDeletedRows: deletedRows }, select: { id: true } });
  return { table, cutoff: cutoff.toISOString(), deletedRows, droppedPartitions };
}

/** The scheduled sweep: every policy, one after another; one failing policy does not stop the others. */
export async function applyRetentionPolicies(now = new Date()) {
  const policies = await db.dataRetentionPolicy.findMany({ orderBy: { tableName: "asc" } });
  const reports: RetentionReport[] = [];
  const failures: { table: string; error: string }[] = [];
  for (const policy of policies) {
    try {
      reports.push(await applyPolicy(policy, now));
    } catch (error) {
      failures.push({ table: policy.tableName, error: (error as Error).message });
    }
  }
  return { reports, failures };
}
