/**
 * Crash recovery for graphile-worker 0.16: a job (and its named queue) locked by a process that
 * died stays locked for 4 hours (graphile's `resetLockedAt`), far beyond an acknowledgement window.
 * Each worker process holds a PostgreSQL advisory lock per graphile worker id on one dedicated
 * connection; PostgreSQL drops those locks the moment the process dies (even on SIGKILL, when its
 * connection closes). `recoverDeadWorkers` finds lockers whose advisory lock is free and releases
 * their jobs with graphile's own `force_unlock_workers`.
 *
 * Every worker process started with `startWorker` takes part (the orders proof kills workers 20
 * times); a process without the liveness lock would look dead to the others' recovery.
 */
import type { EventEmitter } from "node:events";
import pg from "pg";

/** First key of our two-key advisory locks (ASCII "JL"), so we never collide with other users. */
const LOCK_CLASS = 0x4a4c;

export interface WorkerLiveness {
  stop(): Promise<void>;
}

/**
 * Announces this process's graphile workers as alive for as long as the process lives. Pass the
 * same EventEmitter as `events` to graphile-worker's `run`.
 */
export async function startWorkerLiveness(options: { connectionString: string; events: EventEmitter }): Promise<WorkerLiveness> {
  const client = new pg.Client({ connectionString: options.connectionString, application_name: "worker-liveness" });
  await client.connect();
  // A lost liveness connection means our workers look dead to others: stop rather than run on.
  let stopping = false;
  client.on("error", (error) => {
    if (stopping) return;
    process.stderr.write(`worker liveness connection lost: ${error.message}\n`);
    process.exit(1);
  });
  // One connection runs one query at a time: lock and unlock requests are chained.
  let chain: Promise<unknown> = Promise.resolve();
  const run = (sql: string, workerId: string) => {
    chain = chain.then(() => client.query(sql, [LOCK_CLASS, workerId])).catch(() => {});
  };
  const onCreate = ({ worker }: { worker: { workerId: string } }) => run("select pg_advisory_lock($1, hashtext($2))", worker.workerId);
  const onStop = ({ worker }: { worker: { workerId: string } }) => run("select pg_advisory_unlock($1, hashtext($2))", worker.workerId);
  options.events.on("worker:create", onCreate);
  options.events.on("worker:stop", onStop);
  return {
    async stop() {
      stopping = true;
      options.events.off("worker:create", onCreate);
      options.events.off("worker:stop", onStop);
      await client.end();
    },
  };
}

/**
 * Releases jobs and queues held by workers whose process is gone. Only lockers older than
 * `graceMs` are examined: a worker takes its first job a moment before its advisory lock is
 * granted. Returns the worker ids released.
 */
export async function recoverDeadWorkers(pool: pg.Pool, options: { graceMs?: number } = {}): Promise<string[]> {
  const grace = `${Math.max(0, options.graceMs ?? 5_000)} milliseconds`;
  const { rows } = await pool.query<{ locked_by: string }>(
    `select distinct locked_by from graphile_worker._private_jobs where locked_by is not null and locked_at < now() - $1::interval
     union
     select distinct locked_by from graphile_worker._private_job_queues where locked_by is not null and locked_at < now() - $1::interval`,
    [grace],
  );
  if (rows.length === 0) return [];
  const client = await pool.connect();
  const dead: string[] = [];
  try {
    for (const { locked_by } of rows) {
      const probe = await client.query<{ free: boolean }>("select pg_try_advisory_lock($1, hashtext($2)) as free", [LOCK_CLASS, locked_by]);
      if (probe.rows[0]?.free) {
        await client.query("select pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, locked_by]);
        dead.push(locked_by);
      }
    }
    if (dead.length > 0) await client.query("select graphile_worker.force_unlock_workers($1::text[])", [dead]);
  } finally {
    client.release();
  }
  return dead;
}
