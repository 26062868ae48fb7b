// npm run db:migrate: applies prisma/migrations and graphile-worker's schema to DATABASE_URL, or to
// the embedded PostgreSQL under .data/postgres (started for the occasion) when it is not set.
import { ensureLocalDatabase, migrateDatabase } from "../app/db/local-database.server";
import { env } from "../app/env.server";

const local = env.DATABASE_URL ? undefined : await ensureLocalDatabase();
const url = env.DATABASE_URL ?? local!.url;
try {
  await migrateDatabase(url);
  process.stdout.write(`Database is up to date (${new URL(url).host}${new URL(url).pathname}).\n`);
} finally {
  await local?.stop();
}
