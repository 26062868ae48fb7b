#!/usr/bin/env node
// npm run setup: everything a fresh clone needs after `npm ci`, safe to run again.
//  1. generate the Prisma client (no engine downloads: scripts/prisma-generate.mjs)
//  2. create .env from .env.example if missing, with a fresh random ENCRYPTION_KEY
//  3. start the embedded PostgreSQL (or use DATABASE_URL) and apply the migrations
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function step(title, command, args) {
  process.stdout.write(`\n> ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`\nSetup failed at: ${title}\n`);
    process.exit(result.status ?? 1);
  }
}

step("Generating the Prisma client", process.execPath, [join(root, "scripts", "prisma-generate.mjs")]);

const envFile = join(root, ".env");
if (existsSync(envFile)) {
  process.stdout.write("\n> .env exists: kept as it is\n");
} else {
  const example = readFileSync(join(root, ".env.example"), "utf8");
  const key = randomBytes(32).toString("base64");
  writeFileSync(envFile, example.replace(/^ENCRYPTION_KEY=.*$/m, `ENCRYPTION_KEY=${key}`), { mode: 0o600 });
  process.stdout.write("\n> Created .env from .env.example with a new ENCRYPTION_KEY\n");
}

step("Starting the database and applying migrations", join(root, "node_modules", ".bin", "tsx"), [
  join(root, "scripts", "migrate.ts"),
]);

process.stdout.write("\nSetup complete. Next: npm run demo\n");
