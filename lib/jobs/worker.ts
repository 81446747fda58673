import { Logger, run, type Runner } from "graphile-worker";
import pg from "pg";
import { appDatabaseUrl, serverEnv } from "../env";
import { crontab, taskList } from "./tasks";

const globalForWorker = globalThis as unknown as { communityosWorker?: Promise<Runner> };

const logger = new Logger((scope) => (level, message) => {
  if (level === "debug") return;
  const line = JSON.stringify({ level, scope: scope.label ?? "worker", task: scope.taskIdentifier, job: scope.jobId, msg: message });
  (level === "error" ? console.error : console.log)(line);
});

/**
 * Starts the job worker once per process: inside `next dev`, or as `npm run
 * worker` in production. Several workers may run at once; each job is locked
 * by one of them (SKIP LOCKED).
 */
export function startWorker(options: { concurrency?: number } = {}): Promise<Runner> {
  globalForWorker.communityosWorker ??= (async () => {
    const env = serverEnv();
    const pgPool = new pg.Pool({ connectionString: appDatabaseUrl(env), max: (options.concurrency ?? 4) + 2, application_name: "communityos-worker" });
    return run({ pgPool, taskList, crontab, concurrency: options.concurrency ?? 4, logger, noHandleSignals: true, pollInterval: 2000 });
  })();
  return globalForWorker.communityosWorker;
}
