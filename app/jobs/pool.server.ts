import pg from "pg";
import { databaseUrl } from "../env.server";

/**
 * One small pg pool per process for SQL the Prisma client cannot express well (graphile-worker's
 * functions, the request budget's row locks). Created on first use, like the Prisma client.
 */
let pool: pg.Pool | undefined;

export function sharedPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: databaseUrl(), max: 5 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on("error", () => {});
  }
  return pool;
}

export async function closeSharedPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.end();
}
