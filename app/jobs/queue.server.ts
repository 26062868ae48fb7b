import type { PoolClient } from "pg";
import { prisma } from "../db.server";
import { err, ok, type Result } from "../lib/result";
import { sharedPool } from "./pool.server";
import { DEFAULT_MAX_ATTEMPTS } from "./task";
import { tasks, type TaskName, type TaskPayload } from "./tasks";

/** A Prisma interactive-transaction client (or the client itself): anything with raw SQL. */
type PrismaSql = { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> };

/**
 * Where a job is added: a pg client inside the caller's transaction, a Prisma transaction client,
 * or `undefined` for the process's shared pool (its own implicit transaction). Adding the job in the
 * caller's transaction means the job exists exactly when the caller's rows do.
 */
export type JobClient = PoolClient | PrismaSql | undefined;

export type EnqueueOptions = {
  runAt?: Date;
  /**
   * Jobs with the same key coalesce while they have not started: the newest payload and options
   * replace the waiting job's (graphile-worker's "replace" mode). Pair it with a `runAt` slightly in
   * the future to merge a burst of triggers into one run.
   */
  jobKey?: string;
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  /** Jobs in one named queue run one at a time, in order (e.g. `orders:<shop>`). */
  queueName?: string;
  /** Lower runs first; default 0. */
  priority?: number;
  maxAttempts?: number;
};

const ADD_JOB_SQL = `select 1 from graphile_worker.add_job(
  $1::text, $2::json,
  queue_name => $3::text, run_at => $4::timestamptz, max_attempts => $5::int,
  job_key => $6::text, priority => $7::int, job_key_mode => $8::text)`;

/** Adds a job for `task` after checking its payload against the task's schema. */
export async function enqueueJob<N extends TaskName>(
  client: JobClient,
  task: N,
  payload: TaskPayload<N>,
  options: EnqueueOptions = {},
): Promise<void> {
  const definition = tasks[task];
  const parsed = definition.payload.parse(payload);
  await addJob(client, task, parsed, {
    ...options,
    maxAttempts: options.maxAttempts ?? definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

/**
 * Adds a job by task identifier without schema checks: for re-enqueueing stored payloads and for
 * tests that register their own tasks. Prefer `enqueueJob`. Without `maxAttempts`, a registered
 * task gets its own `maxAttempts` (as with `enqueueJob`), anything else DEFAULT_MAX_ATTEMPTS.
 */
export async function addJob(
  client: JobClient,
  identifier: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<void> {
  const values = [
    identifier,
    JSON.stringify(payload ?? {}),
    options.queueName ?? null,
    options.runAt?.toISOString() ?? null,
    options.maxAttempts ?? registeredTask(identifier)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    options.jobKey ?? null,
    options.priority ?? null,
    options.jobKeyMode ?? "replace",
  ];
  if (client === undefined) {
    await sharedPool().query(ADD_JOB_SQL, values);
  } else if ("$executeRawUnsafe" in client) {
    await client.$executeRawUnsafe(ADD_JOB_SQL, ...values);
  } else {
    await client.query(ADD_JOB_SQL, values);
  }
}

function registeredTask(identifier: string): (typeof tasks)[TaskName] | undefined {
  return Object.hasOwn(tasks, identifier) ? tasks[identifier as TaskName] : undefined;
}

export type QueueStats = {
  pending: number;
  running: number;
  failedLast24h: number;
  /** How long the oldest job that is due has been waiting; null when none is due. */
  oldestPendingAgeSeconds: number | null;
};

/**
 * The shop's jobs as the home page shows them. graphile-worker's public `jobs` view has no payload,
 * so this reads its `_private_jobs` table (read-only) to select the shop's jobs by `payload.shop`.
 */
export async function getQueueStats(shop: string): Promise<QueueStats> {
  const { rows } = await sharedPool().query<{ pending: string; running: string; oldest: number | null }>(
    `select
       count(*) filter (where locked_at is null and attempts < max_attempts) as pending,
       count(*) filter (where locked_at is not null) as running,
       extract(epoch from now() - min(run_at) filter (
         where locked_at is null and attempts < max_attempts and run_at <= now()))::float8 as oldest
     from graphile_worker._private_jobs
     where payload->>'shop' = $1`,
    [shop],
  );
  const failedLast24h = await prisma.jobFailure.count({
    where: { shop, failedAt: { gte: new Date(Date.now() - 24 * 3600_000) } },
  });
  const row = rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    running: Number(row?.running ?? 0),
    failedLast24h,
    oldestPendingAgeSeconds: row?.oldest == null ? null : Math.max(0, Math.round(row.oldest)),
  };
}

export type JobFailureSummary = {
  id: string;
  taskName: string;
  reason: string;
  attempts: number;
  failedAt: Date;
  retriedAt: Date | null;
};

/** The shop's dead-lettered jobs, newest first (resolved ones left out). */
export async function listJobFailures(shop: string, { limit }: { limit: number }): Promise<JobFailureSummary[]> {
  return prisma.jobFailure.findMany({
    where: { shop, resolvedAt: null },
    orderBy: { failedAt: "desc" },
    take: limit,
    select: { id: true, taskName: true, reason: true, attempts: true, failedAt: true, retriedAt: true },
  });
}

/**
 * Runs a dead-lettered job again: the same task, payload and queue, with fresh attempts. The failure
 * row stays (with `retriedAt`) as history; if the job fails again, a new row records it.
 */
export async function retryJobFailure(shop: string, id: string): Promise<Result<void, { kind: "not-found" }>> {
  return prisma.$transaction(async (tx) => {
    const failure = await tx.jobFailure.findFirst({ where: { id, shop } });
    if (!failure) return err({ kind: "not-found" as const });
    await addJob(tx, failure.taskName, failure.payload, { queueName: failure.queueName ?? undefined });
    await tx.jobFailure.update({ where: { id }, data: { retriedAt: new Date() } });
    return ok(undefined);
  });
}

/**
 * Removes the shop's jobs that have not started (after uninstall or redaction). Running jobs finish;
 * their handlers find the shop gone. Returns how many were removed.
 */
export async function removeShopJobs(client: JobClient, shop: string): Promise<number> {
  // One row per removed job, so the row count is the number removed.
  const sql = `select id from graphile_worker.complete_jobs(array(
     select id from graphile_worker._private_jobs where payload->>'shop' = $1 and locked_at is null))`;
  if (client !== undefined && "$executeRawUnsafe" in client) return client.$executeRawUnsafe(sql, shop);
  const result = await (client ?? sharedPool()).query(sql, [shop]);
  return result.rowCount ?? 0;
}
