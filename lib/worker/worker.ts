import { Logger, run, type Runner } from "graphile-worker";
import pg from "pg";
import { appDatabaseUrl, serverEnv } from "../env";
import { crontab, taskList } from "./tasks";
import { log } from "../observability/log";
import { watchGateways } from "../discord/gateway-watch";
import { watchLiveness } from "./liveness";

const globalForWorker = globalThis as unknown as { communityosWorker?: Promise<Runner> };

// graphile-worker's lines go through our JSON logger, with the job they belong to.
const logger = new Logger((scope) => (level, message, meta) => {
  const fields = { scope: scope.label ?? "worker", task: scope.taskIdentifier, job: scope.jobId, ...(meta?.error ? { err: meta.error } : {}) };
  if (level === "error") log.error(fields, message);
  else if (level === "warning") log.warn(fields, message);
  else if (level === "info") log.info(fields, message);
  else log.debug(fields, message);
});

/**
 * Starts the job worker once per process: inside `next dev`, or as `npm run
 * worker` in production. Several workers may run at once; each job is locked
 * by one of them (SKIP LOCKED), and freed for the others if that one dies.
 */
export function startWorker(options: { concurrency?: number } = {}): Promise<Runner> {
  globalForWorker.communityosWorker ??= (async () => {
    const env = serverEnv();
    const pgPool = new pg.Pool({ connectionString: appDatabaseUrl(env), max: (options.concurrency ?? 4) + 2, application_name: "communityos-worker" });
    // An idle connection dropped by a database restart must not take the process down; the pool reconnects.
    pgPool.on("error", (err) => log.warn({ err, scope: "worker" }, "worker database connection lost"));
    // A killed worker's jobs go to the others within a few heartbeats, not graphile-worker's four hours.
    const liveness = watchLiveness(pgPool);
    const runner = await run({
      pgPool,
      taskList,
      crontab,
      concurrency: options.concurrency ?? 4,
      logger,
      noHandleSignals: true,
      pollInterval: 2000,
      events: liveness.events,
    });
    // Joins and departures come over the gateway; the worker holds its connections.
    const gateways = process.env.COMMUNITYOS_GATEWAY !== "off" ? watchGateways({ databaseUrl: appDatabaseUrl(env) }) : null;
    void runner.promise
      .catch((err) => log.error({ err, scope: "worker" }, "worker stopped"))
      .finally(async () => {
        await gateways?.stop();
        await liveness.stop();
        await pgPool.end();
      });
    return runner;
  })();
  return globalForWorker.communityosWorker;
}
