/** Every page of Alice's dashboard for Pixel Guild (the owner with the most data), for checks that visit them all. */
export const OWNER_PAGES = [
  "/dashboard",
  "/dashboard/pixel-guild",
  "/dashboard/pixel-guild/analytics",
  "/dashboard/pixel-guild/members",
  "/dashboard/pixel-guild/payments",
  "/dashboard/pixel-guild/tiers",
  "/dashboard/pixel-guild/promotions",
  "/dashboard/pixel-guild/bot",
  "/dashboard/pixel-guild/payouts",
  "/dashboard/pixel-guild/settings",
  "/dashboard/pixel-guild/activity",
  "/dashboard/pixel-guild/team",
  "/dashboard/pixel-guild/import",
  "/dashboard/pixel-guild/developers",
  "/dashboard/new",
];
