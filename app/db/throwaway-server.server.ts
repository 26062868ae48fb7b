import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDatabase, localDatabaseUrl, startEmbeddedServer } from "./local-database.server";

/** A free TCP port on the loopback interface, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export type ThrowawayServer = {
  port: number;
  /** URL of `database` on this server (created on first use by `createDatabase`). */
  url(database: string): string;
  createDatabase(database: string): Promise<string>;
  stop(): Promise<void>;
};

/**
 * An embedded PostgreSQL in a temporary directory on a random port, deleted on stop: for the test
 * run and for authoring migrations. Tuned for speed, not durability.
 */
export async function startThrowawayServer(): Promise<ThrowawayServer> {
  const dir = await mkdtemp(join(tmpdir(), "jl-pg-"));
  // When running as root the server runs as the `postgres` user, which must reach the data dir.
  await chmod(dir, 0o755);
  const port = await freePort();
  const server = await startEmbeddedServer({ dataDir: join(dir, "data"), port, ephemeral: true });
  return {
    port,
    url: (database) => localDatabaseUrl(port, database),
    createDatabase: async (database) => {
      await ensureDatabase(port, database);
      return localDatabaseUrl(port, database);
    },
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
