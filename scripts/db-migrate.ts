// npm run db:migrate — applies prisma/migrations to DATABASE_URL (an owner or
// superuser connection) and creates the application role if it is missing.
import { appDatabaseUrl, parseServerEnv } from "../lib/env";
import { migrateDatabase } from "../lib/db/migrate";

const env = parseServerEnv();
if (!env.DATABASE_URL) {
  console.error("DATABASE_URL (an owner or superuser connection) is required to migrate. `npm run dev` migrates its embedded database itself.");
  process.exit(1);
}
await migrateDatabase(env.DATABASE_URL, appDatabaseUrl(env));
console.log("database is up to date");
