import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../app/db/local-database.server";
import { startThrowawayServer } from "../../app/db/throwaway-server.server";

/** The database every test database is copied from: all migrations applied once per run. */
const TEMPLATE_DATABASE = "app_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the maintenance database of the run's PostgreSQL server (to create/drop databases). */
    testAdminDatabaseUrl: string;
    /** Name of the migrated template database that test databases are copied from. */
    testTemplateDatabase: string;
  }
}

/**
 * Configuration tests run with. Tests never read `.env` (app/env.server.ts skips it when
 * NODE_ENV=test), so every required variable gets a fixed, obviously-fake value here; test workers
 * inherit this environment.
 */
const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:3999",
  SCOPES: "read_products,read_inventory,write_inventory,read_orders,write_orders",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  DEMO_MODE: "false",
};

/**
 * One embedded PostgreSQL for the whole run, on a random port in a temporary directory. Each test
 * file then gets its own database copied from the migrated template (test/setup/database.ts).
 */
export default async function setup(project: TestProject) {
  for (const [name, value] of Object.entries(TEST_ENV)) process.env[name] ??= value;
  delete process.env.DATABASE_URL;

  const server = await startThrowawayServer();
  try {
    await migrateDatabase(await server.createDatabase(TEMPLATE_DATABASE));
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide("testAdminDatabaseUrl", server.url("postgres"));
  project.provide("testTemplateDatabase", TEMPLATE_DATABASE);
  return async () => {
    await server.stop();
  };
}
