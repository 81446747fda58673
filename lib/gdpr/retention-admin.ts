// What platform administrators see and change of the retention policies.
import { z } from "zod";
import { ActionError } from "../core/errors";
import { Prisma } from "../generated/prisma/client";
import { db } from "../db/client";
import { enqueueJob, JOB_KINDS } from "../jobs/enqueue";
import { MAX_RETENTION_DAYS, parseCriteria, RETENTION_TABLES, retentionTable } from "./retention";

export async function listRetentionPolicies() {
  const rows = await db.dataRetentionPolicy.findMany({ orderBy: { tableName: "asc" } });
  return rows.map((row) => {
    const table = retentionTable.safeParse(row.tableName);
    return {
      id: row.id,
      tableName: row.tableName,
      label: table.success ? RETENTION_TABLES[table.data].label : row.tableName,
      counts: table.success ? RETENTION_TABLES[table.data].counts : "",
      example: table.success ? RETENTION_TABLES[table.data].example : "{}",
      retentionDays: row.retentionDays,
      criteria: row.deletionCriteria ? JSON.stringify(row.deletionCriteria) : "",
      lastCleanup: row.lastCleanup?.toISOString() ?? null,
      lastDeletedRows: row.lastDeletedRows === null ? null : Number(row.lastDeletedRows),
      updatedAt: row.updatedAt.toISOString(),
    };
  });
}

export const policyInput = z.object({
  tableName: retentionTable,
  retentionDays: z.coerce
    .number({ error: "must be a number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days (10 years)`),
  criteria: z.string().trim().max(2000, "is too long (2000 characters at most)").default(""),
});

function criteriaFrom(tableName: z.output<typeof policyInput>["tableName"], text: string) {
  if (!text) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ActionError("Please correct the highlighted fields.", { criteria: ["must be JSON, e.g. " + RETENTION_TABLES[tableName].example] });
  }
  const parsed = z.unknown().pipe(RETENTION_TABLES[tableName].criteria).safeParse(json);
  if (!parsed.success) {
    throw new ActionError("Please correct the highlighted fields.", {
      criteria: [
        `is not valid for this table (${parsed.error.issues.map((i) => `${i.path.join(".") || "criteria"}: ${i.message}`).join("; ")}). Example: ${RETENTION_TABLES[tableName].example}`,
      ],
    });
  }
  return parseCriteria(tableName, parsed.data);
}

export async function updateRetentionPolicy(actorId: string, input: z.output<typeof policyInput>) {
  const criteria = criteriaFrom(input.tableName, input.criteria);
  const updated = await db.dataRetentionPolicy.updateManyAndReturn({
    where: { tableName: input.tableName },
    data: {
      retentionDays: input.retentionDays,
      deletionCriteria: criteria ? (criteria as Prisma.InputJsonObject) : Prisma.DbNull,
      updatedAt: new Date(),
      updatedBy: actorId,
    },
    select: { tableName: true, retentionDays: true },
  });
  if (updated.length === 0) throw new ActionError("That policy no longer exists.");
  return updated[0]!;
}

/** Queues a retention sweep now instead of waiting for the night's run. */
export async function queueRetentionRun() {
  await db.$transaction((tx) => enqueueJob(tx, JOB_KINDS.applyRetention, {}, { key: JOB_KINDS.applyRetention }));
}
