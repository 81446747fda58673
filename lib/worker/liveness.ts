// graphile-worker 0.16 frees a job locked by a worker that died (a killed
// process, a lost machine) only after four hours. Each worker process beats for
// its own workers; every process frees the jobs of workers that stopped beating,
// so another worker runs them within a few beats. Jobs are written to be run
// again (docs/architecture.md, "A job"): a job freed this way may have done part
// of its work.
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import type { WorkerEvents } from "graphile-worker";
import type pg from "pg";
import { serverEnv } from "../env";
import { log } from "../observability/log";

export type LivenessOptions = {
  /** How often a process says its workers are alive. */
  beatMs: number;
  /** A worker silent this long is taken for dead (three beats). */
  deadAfterMs: number;
};

export function livenessOptions(): LivenessOptions {
  const beatMs = serverEnv().WORKER_HEARTBEAT_SECONDS * 1000;
  return { beatMs, deadAfterMs: beatMs * 3 };
}

/** Says the given workers are alive now. */
export async function beat(pool: pg.Pool, workerIds: string[], processLabel: string): Promise<void> {
  if (!workerIds.length) return;
  await pool.query(
    `INSERT INTO job_worker_heartbeats (worker_id, process, seen_at) SELECT id, $2, now() FROM unnest($1::text[]) AS id
     ON CONFLICT (worker_id) DO UPDATE SET seen_at = now()`,
    [workerIds, processLabel],
  );
}

/**
 * Frees the jobs of workers that hold a lock older than deadAfterMs and have
 * not beaten within it; forgets workers long gone. Returns the workers freed.
 */
export async function freeDeadWorkersJobs(pool: pg.Pool, deadAfterMs: number): Promise<string[]> {
  const { rows } = await pool.query<{ worker_id: string }>(
    `SELECT DISTINCT j.locked_by AS worker_id FROM graphile_worker._private_jobs j
      WHERE j.locked_by IS NOT NULL AND j.locked_at < now() - make_interval(secs => $1 / 1000.0)
        AND NOT EXISTS (SELECT 1 FROM job_worker_heartbeats h WHERE h.worker_id = j.locked_by AND h.seen_at > now() - make_interval(secs => $1 / 1000.0))`,
    [deadAfterMs],
  );
  const dead = rows.map((r) => r.worker_id);
  // graphile-worker's own unlock: the jobs and their queues, attempts kept.
  if (dead.length) await pool.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [dead]);
  await pool.query("DELETE FROM job_worker_heartbeats WHERE seen_at < now() - interval '1 day'");
  return dead;
}

/**
 * The events to give graphile-worker's run(), and the loop that keeps this
 * process's workers known to be alive and frees dead ones' jobs. Stop it
 * after the runner: the process's workers are then forgotten at once.
 */
export function watchLiveness(pool: pg.Pool, options: LivenessOptions = livenessOptions()) {
  const events: WorkerEvents = new EventEmitter();
  const workers = new Set<string>();
  const processLabel = `${hostname()}:${process.pid}`;
  events.on("worker:create", ({ worker }) => workers.add(worker.workerId));
  events.on("worker:stop", ({ worker }) => workers.delete(worker.workerId));

  const tick = async () => {
    try {
      await beat(pool, [...workers], processLabel);
      const freed = await freeDeadWorkersJobs(pool, options.deadAfterMs);
      if (freed.length) log.warn({ scope: "worker", workers: freed }, "freed the jobs of workers that stopped beating");
    } catch (err) {
      log.warn({ err, scope: "worker" }, "worker heartbeat failed");
    }
  };
  // The first beat soon after the workers exist; then at a steady pace.
  const first = setTimeout(() => void tick(), 100);
  const timer = setInterval(() => void tick(), options.beatMs);
  timer.unref();
  return {
    events,
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await pool.query("DELETE FROM job_worker_heartbeats WHERE process = $1", [processLabel]).catch(() => undefined);
    },
  };
}
