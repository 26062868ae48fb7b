// Authors a migration from a change to prisma/schema.prisma:
//   npm run db:new-migration -- <name>
// Starts a throwaway embedded PostgreSQL, lets `prisma migrate diff` replay the existing migrations
// into a shadow database on it, and writes the SQL that takes them to the current schema into
// prisma/migrations/<timestamp>_<name>/migration.sql. (`prisma migrate dev` and `--from-url` do not
// work with the JS schema engine; see docs/decisions/006-database-and-prisma-without-engines.md.)
// Review the SQL before committing.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startThrowawayServer } from "../app/db/throwaway-server.server";
import { runPrisma } from "./prisma-generate.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
  process.stderr.write("Usage: npm run db:new-migration -- <name>   (lowercase letters, digits, - and _)\n");
  process.exit(2);
}

const migrationsDir = join(process.cwd(), "prisma", "migrations");
const existing = (await readdir(migrationsDir, { withFileTypes: true }).catch(() => []))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const server = await startThrowawayServer();
try {
  const env = { DATABASE_URL: await server.createDatabase("migration_base") };
  const from = existing.length > 0 ? ["--from-migrations", "prisma/migrations"] : ["--from-empty"];
  const diff = runPrisma(
    ["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { env, quiet: true },
  );
  if (diff.status !== 0) throw new Error(`prisma migrate diff failed:\n${diff.stderr}`);
  const sql = diff.stdout.trim();
  if (sql === "" || sql === "-- This is an empty migration.") {
    process.stdout.write("The schema matches the migrations: nothing to write.\n");
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = join(migrationsDir, `${stamp}_${name.replace(/-/g, "_")}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "migration.sql"), `${sql}\n`);
    process.stdout.write(`Wrote ${join(dir, "migration.sql")}\n`);
  }
} finally {
  await server.stop();
}
