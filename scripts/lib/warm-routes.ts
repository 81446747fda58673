// `next dev` compiles each route on its first visit. Visiting the main ones
// right after start-up, in the background, makes a person's first click quick.
// Gated pages are asked for with a dummy session cookie: the middleware lets
// the request through, the page compiles, then sends it to sign in.

const ROUTES = [
  "/",
  "/signin",
  "/c/pixel-guild",
  "/c/pixel-guild/welcome",
  "/dashboard",
  "/dashboard/new",
  "/dashboard/pixel-guild",
  "/dashboard/pixel-guild/members",
  "/dashboard/pixel-guild/payments",
  "/dashboard/pixel-guild/tiers",
  "/dashboard/pixel-guild/bot",
  "/dashboard/pixel-guild/payouts",
  "/dashboard/pixel-guild/settings",
  "/dashboard/pixel-guild/activity",
  "/portal",
  "/admin/retention",
  "/api/auth/session",
  "/api/auth/providers",
  "/api/c/pixel-guild/membership",
  "/api/health",
];

export async function warmRoutes(origin: string, parallel = 3): Promise<string> {
  const started = Date.now();
  const queue = [...ROUTES];
  const visit = async (): Promise<void> => {
    const path = queue.shift();
    if (!path) return;
    await fetch(`${origin}${path}`, { redirect: "manual", headers: { cookie: "authjs.session-token=warm-up" } }).catch(() => undefined);
    return visit();
  };
  await Promise.all(Array.from({ length: parallel }, visit));
  return `${((Date.now() - started) / 1000).toFixed(0)} s`;
}
