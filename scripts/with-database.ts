// tsx scripts/with-database.ts <command> [args...]
// Runs a command with DATABASE_URL set: the configured one, or the embedded PostgreSQL under
// .data/postgres (started, or reused when another process already runs it). Migrations are applied
// first. If this process started the server, it stops it when the command exits.
import { spawn } from "node:child_process";
import { ensureLocalDatabase, migrateDatabase } from "../app/db/local-database.server";
import { env } from "../app/env.server";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write("Usage: tsx scripts/with-database.ts <command> [args...]\n");
  process.exit(2);
}

const local = env.DATABASE_URL ? undefined : await ensureLocalDatabase();
const url = env.DATABASE_URL ?? local!.url;
await migrateDatabase(url);

const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
const code = await new Promise<number>((resolve) => {
  child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  child.on("error", (error) => {
    process.stderr.write(`Could not run ${command}: ${error.message}\n`);
    resolve(127);
  });
});
await local?.stop();
process.exit(code);
