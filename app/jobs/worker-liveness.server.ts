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
import { SYSTEM_SHOP } from "./task";

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
  // A lock that was not taken would also make a live worker look dead (its running jobs released
  // and fetched again, each fetch spending an attempt), so a failed request stops the process too.
  let chain: Promise<unknown> = Promise.resolve();
  const run = (sql: string, workerId: string, mustSucceed: boolean) => {
    chain = chain
      .then(() => client.query(sql, [LOCK_CLASS, workerId]))
      .catch((error: unknown) => {
        if (stopping || !mustSucceed) return;
        process.stderr.write(`worker liveness lock failed for ${workerId}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      });
  };
  const onCreate = ({ worker }: { worker: { workerId: string } }) => run("select pg_advisory_lock($1, hashtext($2))", worker.workerId, true);
  const onStop = ({ worker }: { worker: { workerId: string } }) => run("select pg_advisory_unlock($1, hashtext($2))", worker.workerId, false);
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

/** What one recovery pass did. */
export type RecoveryOutcome = {
  /** Worker ids found dead; their jobs and queues were released. */
  workers: string[];
  /** Jobs the dead workers held on their last attempt, now `JobFailure` rows. */
  deadLettered: number;
  /** Jobs on their last attempt whose identical work was already queued again: removed, no row. */
  superseded: number;
};

/**
 * Releases jobs and queues held by workers whose process is gone. Only lockers older than
 * `graceMs` are examined: a worker takes its first job a moment before its advisory lock is
 * granted.
 *
 * A job is fetched with its attempt already counted, so releasing a job that was on its last
 * attempt would leave it in graphile's table for ever (`attempts = max_attempts`, not locked, no
 * error): never run again and never shown. Such jobs become `JobFailure` rows with a reason (the
 * Retry button runs them again), unless the same task with the same payload and queue is waiting
 * to run (a job key re-added while it ran, which also sets `attempts = max_attempts`): that newer
 * job does the work, so the dead one is just removed.
 */
export async function recoverDeadWorkers(pool: pg.Pool, options: { graceMs?: number } = {}): Promise<RecoveryOutcome> {
  const grace = `${Math.max(0, options.graceMs ?? 5_000)} milliseconds`;
  const outcome: RecoveryOutcome = { workers: [], deadLettered: 0, superseded: 0 };
  const { rows } = await pool.query<{ locked_by: string }>(
    `select distinct locked_by from graphile_worker._private_jobs where locked_by is not null and locked_at < now() - $1::interval
     union
     select distinct locked_by from graphile_worker._private_job_queues where locked_by is not null and locked_at < now() - $1::interval`,
    [grace],
  );
  if (rows.length === 0) return outcome;
  const client = await pool.connect();
  try {
    for (const { locked_by } of rows) {
      const probe = await client.query<{ free: boolean }>("select pg_try_advisory_lock($1, hashtext($2)) as free", [LOCK_CLASS, locked_by]);
      if (probe.rows[0]?.free) {
        await client.query("select pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, locked_by]);
        outcome.workers.push(locked_by);
      }
    }
    if (outcome.workers.length === 0) return outcome;
    await client.query("begin");
    // The delete takes the row locks: a second process recovering the same worker at the same
    // time waits, then finds the rows gone, so each job is recorded once.
    const { rows: ended } = await client.query<{ dead_lettered: number; superseded: number }>(
      `with ended as (
         delete from graphile_worker._private_jobs j
          where j.locked_by = any($1::text[]) and j.attempts >= j.max_attempts
          returning j.id, j.task_id, j.job_queue_id, j.payload, j.attempts, j.max_attempts, j.last_error
       ), described as (
         select e.*, t.identifier as task_name, q.queue_name,
                exists (
                  select 1 from graphile_worker._private_jobs o
                   where o.task_id = e.task_id and o.job_queue_id is not distinct from e.job_queue_id
                     and o.payload::jsonb = e.payload::jsonb and o.attempts < o.max_attempts
                ) as covered
           from ended e
           join graphile_worker._private_tasks t on t.id = e.task_id
           left join graphile_worker._private_job_queues q on q.id = e.job_queue_id
       ), recorded as (
         insert into "JobFailure" (id, shop, "taskName", payload, "queueName", reason, attempts)
         select gen_random_uuid()::text,
                coalesce(nullif(d.payload->>'shop', ''), $2),
                d.task_name, d.payload::jsonb, d.queue_name,
                left(format('The worker process running it stopped (crash or kill) during its last attempt (%s of %s)%s',
                            d.attempts, d.max_attempts,
                            case when d.last_error is null then '.' else '; the attempt before failed: ' || d.last_error end), 2000),
                d.attempts
           from described d where not d.covered
         returning 1
       )
       select (select count(*) from recorded)::int as dead_lettered, (select count(*) from described where covered)::int as superseded`,
      [outcome.workers, SYSTEM_SHOP],
    );
    outcome.deadLettered = ended[0]?.dead_lettered ?? 0;
    outcome.superseded = ended[0]?.superseded ?? 0;
    await client.query("select graphile_worker.force_unlock_workers($1::text[])", [outcome.workers]);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return outcome;
}
