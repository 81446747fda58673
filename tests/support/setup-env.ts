import { inject } from "vitest";

// Before any test file imports lib/db: the app connects as the application role only.
process.env.APP_DATABASE_URL = inject("appUrl");
delete process.env.DATABASE_URL;
