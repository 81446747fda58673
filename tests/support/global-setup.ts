import type { TestProject } from "vitest/node";
import { provisionTestDatabase } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    ownerUrl: string;
    appUrl: string;
  }
}

/** Reuses the database `npm test` provisioned, or makes one for a bare `vitest run`. */
export default async function setup(project: TestProject) {
  const given = process.env.COMMUNITYOS_TEST_OWNER_URL && process.env.COMMUNITYOS_TEST_APP_URL;
  const database = given
    ? { ownerUrl: process.env.COMMUNITYOS_TEST_OWNER_URL!, appUrl: process.env.COMMUNITYOS_TEST_APP_URL!, teardown: async () => {} }
    : await provisionTestDatabase();
  project.provide("ownerUrl", database.ownerUrl);
  project.provide("appUrl", database.appUrl);
  return database.teardown;
}
