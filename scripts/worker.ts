// npm run worker: runs background jobs (graphile-worker) with the app's task registry and cron
// schedule. Start as many as you like against one database; each job runs once.
// Without DATABASE_URL it uses the embedded PostgreSQL (started, or reused if already running).
import { ensureLocalDatabase, migrateDatabase } from "../app/db/local-database.server";
import { workerConsoleLogger } from "../app/db/worker-logger.server";
import { env } from "../app/env.server";
import { startWorker } from "../app/jobs/worker.server";

const local = env.DATABASE_URL ? undefined : await ensureLocalDatabase();
const url = env.DATABASE_URL ?? local!.url;
// The app's modules read DATABASE_URL when they first connect (app/env.server.ts databaseUrl()).
process.env.DATABASE_URL = url;
if (local?.started) await migrateDatabase(url);

const runner = await startWorker({ connectionString: url, logger: workerConsoleLogger });
process.stdout.write(`Worker running (${new URL(url).host}${new URL(url).pathname}).\n`);
// graphile-worker handles SIGINT/SIGTERM: it finishes running jobs, then resolves this promise.
await runner.promise;
await local?.stop();
