// `npm run lint`: ESLint over the repository, then Prettier's check of the code's
// formatting (`npm run format` rewrites it). Exits non-zero if either finds anything.
import { spawnSync } from "node:child_process";

const PRETTIER_FILES = "**/*.{ts,tsx,mjs,js,json,css}";

const step = (label: string, args: string[]) => {
  const result = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (result.status !== 0) console.error(`✗ ${label} found problems`);
  return result.status ?? 1;
};

const eslint = step("ESLint", ["node_modules/eslint/bin/eslint.js", ".", "--max-warnings=0"]);
const prettier = step("Prettier", ["node_modules/prettier/bin/prettier.cjs", "--check", "--log-level=warn", PRETTIER_FILES]);
process.exit(eslint || prettier ? 1 : 0);
