// ESLint: Next's rules (React, hooks, accessibility, core web vitals), the
// TypeScript recommendations, and the type-aware rules that catch real bugs in
// async server code cheaply (promises left floating or passed where a callback
// is expected). Formatting is Prettier's job.
import next from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "lib/generated/**",
      "node_modules/**",
      ".data/**",
      ".tools/**",
      "test-results/**",
      "playwright-report/**",
      "backups/**",
      "next-env.d.ts",
    ],
  },
  ...next,
  ...nextTypescript,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // A server action passed to <form action> returns a promise by design.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      // `_name` marks what a destructuring leaves out on purpose (a secret, an id).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // E-mail HTML is a whole document of its own, rendered outside Next's pages.
    files: ["lib/mail/templates.tsx"],
    rules: { "@next/next/no-head-element": "off" },
  },
];

export default config;
