#!/usr/bin/env node
// Runs the Prisma CLI without Prisma's native engines (see docs/decisions/006-database-and-prisma-without-engines.md).
//
// The client uses the JS query compiler with the pg driver adapter, and migrations use the JS
// schema engine configured in prisma.config.ts, so no native engine is ever executed. The CLI
// still looks for engine files on startup and tries to download them when they are missing; it
// accepts any existing file named by PRISMA_SCHEMA_ENGINE_BINARY / PRISMA_QUERY_ENGINE_LIBRARY, so
// we point both at empty placeholder files. Plain JavaScript so that `postinstall` can run it
// before anything else is set up.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const placeholderDir = join(root, "node_modules", ".cache", "prisma-no-engines");
const prismaCli = join(root, "node_modules", "prisma", "build", "index.js");

/**
 * Environment for any Prisma CLI call: placeholder engine paths, no telemetry or update checks.
 * @returns {Record<string, string>}
 */
export function prismaCliEnv() {
  mkdirSync(placeholderDir, { recursive: true });
  const schemaEngine = join(placeholderDir, "schema-engine");
  const queryEngine = join(placeholderDir, "libquery_engine.so.node");
  for (const file of [schemaEngine, queryEngine]) {
    if (!existsSync(file)) writeFileSync(file, "");
  }
  return {
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngine,
    PRISMA_QUERY_ENGINE_LIBRARY: queryEngine,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
  };
}

/**
 * Runs `prisma <args>` synchronously from the repository root.
 * @param {string[]} args
 * @param {{ env?: Record<string, string | undefined>, quiet?: boolean }} [options]
 * @returns {{ status: number, stdout: string, stderr: string }}
 */
export function runPrisma(args, options = {}) {
  const result = spawnSync(process.execPath, [prismaCli, ...args], {
    cwd: root,
    env: { ...process.env, ...options.env, ...prismaCliEnv() },
    encoding: "utf8",
    stdio: options.quiet ? "pipe" : ["ignore", "inherit", "inherit"],
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `prisma generate` only reads DATABASE_URL's presence from the schema, never connects.
  const { status } = runPrisma(["generate"], {
    env: { DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
  });
  process.exit(status);
}
