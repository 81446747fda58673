// A job worker that dies (killed, its machine lost) must not keep its jobs for
// graphile-worker's four hours: live processes beat for their workers, and the
// jobs of a worker that stopped beating are freed for the others.
import { randomUUID } from "node:crypto";
import { Logger, run } from "graphile-worker";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { beat, freeDeadWorkersJobs, watchLiveness } from "../lib/worker/liveness";

const pool = new pg.Pool({ connectionString: inject("appUrl"), max: 4 });
afterAll(() => pool.end());

/** A job of its own kind, locked by the given worker that long ago. */
async function lockedJob(kind: string, workerId: string, lockedSecondsAgo: number): Promise<string> {
  const { rows } = await pool.query<{ id: string }>("SELECT id::text FROM graphile_worker.add_job($1, '{}'::json)", [kind]);
  const id = rows[0]!.id;
  await pool.query("UPDATE graphile_worker._private_jobs SET locked_by = $2, locked_at = now() - make_interval(secs => $3) WHERE id = $1::bigint", [
    id,
    workerId,
    lockedSecondsAgo,
  ]);
  return id;
}

const lockOf = async (id: string) =>
  (await pool.query<{ locked_by: string | null }>("SELECT locked_by FROM graphile_worker._private_jobs WHERE id = $1::bigint", [id])).rows[0]!.locked_by;

describe("job worker liveness", () => {
  it("frees the jobs of a worker that stopped beating, and only those", async () => {
    const kind = `test:liveness:${randomUUID()}`;
    const [dead, alive, starting] = ["dead", "alive", "starting"].map((w) => `worker-${w}-${randomUUID().slice(0, 8)}`) as [string, string, string];
    const deadJob = await lockedJob(kind, dead, 60);
    const aliveJob = await lockedJob(kind, alive, 60); // a long job of a live worker
    const freshJob = await lockedJob(kind, starting, 1); // locked a moment ago, before its first beat
    await beat(pool, [alive], "test");
    await pool.query("UPDATE job_worker_heartbeats SET seen_at = now() - interval '2 minutes' WHERE worker_id = $1", [dead]);
    try {
      const freed = await freeDeadWorkersJobs(pool, 30_000);
      expect(freed).toContain(dead);
      expect(freed).not.toContain(alive);
      expect(freed).not.toContain(starting);
      expect(await lockOf(deadJob)).toBeNull();
      expect(await lockOf(aliveJob)).toBe(alive);
      expect(await lockOf(freshJob)).toBe(starting);
      // The freed job is there to be taken again, its attempts kept.
      const { rows } = await pool.query<{ attempts: number }>("SELECT attempts FROM graphile_worker._private_jobs WHERE id = $1::bigint", [deadJob]);
      expect(rows).toHaveLength(1);
    } finally {
      await pool.query("DELETE FROM graphile_worker._private_jobs WHERE id = ANY($1::bigint[])", [[deadJob, aliveJob, freshJob]]);
      await pool.query("DELETE FROM job_worker_heartbeats WHERE worker_id = ANY($1)", [[alive, dead]]);
    }
  });

  it("a running worker beats for each of its workers, picks up a dead worker's job, and is forgotten when it stops", async () => {
    const kind = `test:liveness:${randomUUID()}`;
    const ran: string[] = [];
    // A job a killed process had taken: locked by a worker that never beats again.
    const orphan = await lockedJob(kind, `worker-killed-${randomUUID().slice(0, 8)}`, 5);
    const liveness = watchLiveness(pool, { beatMs: 200, deadAfterMs: 600 });
    const runner = await run({
      pgPool: pool,
      taskList: { [kind]: async (_payload, helpers) => void ran.push(String(helpers.job.id)) },
      concurrency: 2,
      crontab: "",
      logger: new Logger(() => () => undefined),
      noHandleSignals: true,
      pollInterval: 100,
      events: liveness.events,
    });
    try {
      await expect.poll(() => ran, { timeout: 10_000, interval: 100 }).toContain(orphan);
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM job_worker_heartbeats WHERE seen_at > now() - interval '5 seconds'");
      expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
    } finally {
      await runner.stop();
      await liveness.stop();
    }
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM job_worker_heartbeats WHERE process LIKE $1", [`%:${process.pid}`]);
    expect(rows[0]!.n).toBe(0);
  });
});
