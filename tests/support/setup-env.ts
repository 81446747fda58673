import { inject } from "vitest";
import { newKeyEntry } from "../../lib/crypto/token-box";

// Before any test file imports lib/db: the app connects as the application role only.
process.env.APP_DATABASE_URL = inject("appUrl");
delete process.env.DATABASE_URL;
// Bot tokens are sealed under this run's key (npm test passes one; a bare `vitest run` makes one).
process.env.BOT_TOKEN_KEYS ??= newKeyEntry("test");
