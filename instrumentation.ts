// Runs once when a Next.js server starts: refuse to serve with a configuration
// or database role that row-level security would not hold.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { verifyRuntimeOrExit } = await import("./lib/startup/verify-runtime");
    await verifyRuntimeOrExit();
    // In development (and the e2e build) jobs run inside the web server; in
    // production `npm run worker` runs them, so the web tier stays stateless.
    if (process.env.COMMUNITYOS_IN_PROCESS_WORKER === "1") {
      const { startWorker } = await import("./lib/worker/worker");
      await startWorker({ concurrency: 2 });
    }
  }
}
