// The schema engine is a downloaded binary, unavailable offline. `prisma generate`
// does not need it; migrations are applied by scripts/db-migrate.ts instead.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";

import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/communityos" },
});
