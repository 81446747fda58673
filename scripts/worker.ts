// npm run worker — the job worker as its own process (production). It needs the
// same environment as the web server: APP_DATABASE_URL, BOT_TOKEN_KEYS, …
import { verifyRuntimeOrExit } from "../lib/startup/verify-runtime";
import { serverEnv } from "../lib/env";
import { startWorker } from "../lib/worker/worker";
import { warmUp } from "../lib/worker/warm-up";

process.env.NEXT_TELEMETRY_DISABLED = "1";
await verifyRuntimeOrExit();
const concurrency = serverEnv().WORKER_CONCURRENCY;
await warmUp(concurrency);
const runner = await startWorker({ concurrency });
console.log("▸ worker started");
const stop = async () => {
  await runner.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
await runner.promise;
