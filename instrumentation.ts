// Runs once when a Next.js server starts: refuse to serve with a configuration
// or database role that row-level security would not hold.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { verifyRuntimeOrExit } = await import("./lib/startup/verify-runtime");
    await verifyRuntimeOrExit();
  }
}
