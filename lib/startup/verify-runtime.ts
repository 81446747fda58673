import { appDatabaseUrl, parseServerEnv } from "../env";
import { checkRuntimeRole } from "../db/runtime-role";

/** Stops the server with a clear message if the configuration would be unsafe. */
export async function verifyRuntimeOrExit(): Promise<void> {
  try {
    await checkRuntimeRole(appDatabaseUrl(parseServerEnv()));
  } catch (error) {
    console.error(`\nCommunityOS cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
