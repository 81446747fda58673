// npm run db:backup — a pg_dump (custom format) of DATABASE_URL (or the embedded
// database) and its roles, into BACKUP_DIR (default backups/), keeping the
// newest BACKUP_KEEP (default 14). Schedule it (cron, systemd timer) for daily
// backups; WAL archiving covers the minutes between them (README, "Backups").
import path from "node:path";
import { z } from "zod";
import { backupDatabase } from "../lib/db/backup";
import { PROJECT_ROOT } from "./lib/database-setup";
import { withOwnerConnection } from "./lib/owner-connection";

const options = z
  .object({ BACKUP_DIR: z.string().min(1).default(path.join(PROJECT_ROOT, "backups")), BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(14) })
  .parse(process.env);

try {
  const result = await withOwnerConnection((ownerUrl) => backupDatabase({ ownerUrl, dir: options.BACKUP_DIR, keep: options.BACKUP_KEEP }));
  console.log(`backup written: ${result.dumpFile}`);
  console.log(
    result.globalsFile ? `roles written:  ${result.globalsFile}` : "roles not dumped (the connection may not read roles); restore into a server that has them",
  );
  if (result.removed.length) console.log(`older backups removed (keeping ${options.BACKUP_KEEP}): ${result.removed.join(", ")}`);
} catch (error) {
  console.error(`backup failed: ${(error as Error).message}`);
  process.exit(1);
}
