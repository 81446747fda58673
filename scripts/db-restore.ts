// npm run db:restore -- [dump] [--target postgres://…/new_db] [--clean]
// Restores a db:backup dump (default: the newest in BACKUP_DIR) into the target
// database (default: DATABASE_URL, or the embedded database), creating it and
// the roles from the dump's globals file when the server lacks them.
import path from "node:path";
import { parseArgs } from "node:util";
import { latestBackup, restoreDatabase } from "../lib/db/backup";
import { PROJECT_ROOT } from "./lib/database-setup";
import { withOwnerConnection } from "./lib/owner-connection";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { target: { type: "string" }, clean: { type: "boolean", default: false } } });
const dir = process.env.BACKUP_DIR ?? path.join(PROJECT_ROOT, "backups");

try {
  const dumpFile = positionals[0] ?? (await latestBackup(dir));
  if (!dumpFile) throw new Error(`no backup given and none found in ${dir}`);
  const started = Date.now();
  const result = await (values.target
    ? restoreDatabase({ dumpFile, targetUrl: values.target, clean: values.clean })
    : withOwnerConnection((targetUrl) => restoreDatabase({ dumpFile, targetUrl, clean: values.clean })));
  console.log(`restored ${dumpFile} into "${result.database}" in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.createdRoles.length) console.log(`roles created from the globals file: ${result.createdRoles.join(", ")}`);
} catch (error) {
  console.error(`restore failed: ${(error as Error).message}`);
  process.exit(1);
}
