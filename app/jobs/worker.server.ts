import { EventEmitter } from "node:events";
import type { PrismaClient } from "@prisma/client";
import pg from "pg";
import {
  parseCronItems,
  run,
  type CronItem,
  type JobHelpers,
  type Logger,
  type Runner,
  type Task,
  type TaskList,
  type WorkerEvents,
} from "graphile-worker";
import { prisma as appPrisma } from "../db.server";
import {
  DEFAULT_TASK_TIMEOUT_MS,
  SYSTEM_SHOP,
  TASK_ABORT_GRACE_MS,
  type TaskContext,
  type TaskDefinition,
  type TaskError,
} from "./task";
import { tasks as appTasks, type TaskRegistry } from "./tasks";
import { cronItems as appCronItems } from "./cron";
import { recoverDeadWorkers, startWorkerLiveness } from "./worker-liveness.server";

/** Thrown to graphile-worker for a retryable failure; it reschedules the job with backoff. */
export class RetryableJobError extends Error {
  constructor(readonly error: TaskError) {
    super(error.message ?? error.kind);
    this.name = "RetryableJobError";
  }
}

export type WorkerOptions = {
  connectionString: string;
  /** Jobs run concurrently by this process (default 4). */
  concurrency?: number;
  registry?: TaskRegistry;
  cron?: CronItem[];
  db?: PrismaClient;
  logger: Logger;
  /** graphile-worker also listens for new jobs; polling only covers missed notifications. */
  pollInterval?: number;
  /** Tests stop the runner themselves. */
  noHandleSignals?: boolean;
  /** How often this process looks for jobs locked by dead workers (default 5 s). */
  recoveryIntervalMs?: number;
  /** Time limit of one run for tasks that set none (default DEFAULT_TASK_TIMEOUT_MS). */
  taskTimeoutMs?: number;
  /** How long an aborted task gets to stop before it is abandoned (default TASK_ABORT_GRACE_MS). */
  taskAbortGraceMs?: number;
};

/**
 * Runs graphile-worker with the task registry and the cron schedule. Several processes may run this
 * against one database: graphile-worker locks each job (`FOR UPDATE SKIP LOCKED`), so each job runs
 * once.
 */
export async function startWorker(options: WorkerOptions): Promise<Runner> {
  const registry = options.registry ?? appTasks;
  const db = options.db ?? appPrisma;
  const taskList: TaskList = {};
  for (const [name, definition] of Object.entries(registry)) {
    taskList[name] = wrapTask(name, definition, db, {
      timeoutMs: options.taskTimeoutMs,
      abortGraceMs: options.taskAbortGraceMs,
      logger: options.logger,
    });
  }
  // Crash recovery: graphile-worker 0.16 keeps a killed worker's jobs locked for 4 hours. Each
  // process announces its workers through advisory locks and releases the jobs of dead ones.
  const events = new EventEmitter() as WorkerEvents;
  const liveness = await startWorkerLiveness({ connectionString: options.connectionString, events });
  const recoveryPool = new pg.Pool({ connectionString: options.connectionString, max: 1 });
  recoveryPool.on("error", () => {});
  const recover = async () => {
    const outcome = await recoverDeadWorkers(recoveryPool).catch((error: unknown) => {
      options.logger.warn(`Crash recovery failed (tried again in a moment): ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (!outcome || outcome.workers.length === 0) return;
    options.logger.info(
      `Released the jobs of ${outcome.workers.length} dead worker(s): ${outcome.workers.join(", ")}` +
        (outcome.deadLettered > 0 ? `; ${outcome.deadLettered} job(s) on their last attempt dead-lettered` : "") +
        (outcome.superseded > 0 ? `; ${outcome.superseded} job(s) on their last attempt left to the newer job for the same work` : ""),
    );
  };
  const timer = setInterval(() => void recover(), options.recoveryIntervalMs ?? 5_000);
  timer.unref();
  try {
    const runner = await run({
      connectionString: options.connectionString,
      concurrency: options.concurrency ?? 4,
      taskList,
      events,
      parsedCronItems: parseCronItems(options.cron ?? appCronItems),
      logger: options.logger,
      pollInterval: options.pollInterval ?? 2000,
      noHandleSignals: options.noHandleSignals ?? false,
    });
    let cleaned: Promise<void> | null = null;
    const cleanUp = () =>
      (cleaned ??= (async () => {
        clearInterval(timer);
        await liveness.stop().catch(() => {});
        await recoveryPool.end().catch(() => {});
      })());
    void runner.promise.catch(() => {}).finally(cleanUp);
    // Stopping the runner also closes the liveness connection before the caller goes on (tests
    // drop their database right after).
    return { ...runner, stop: async () => { await runner.stop(); await cleanUp(); } };
  } catch (error) {
    clearInterval(timer);
    await liveness.stop().catch(() => {});
    await recoveryPool.end().catch(() => {});
    throw error;
  }
}

/** Per-process knobs of `wrapTask`; tasks may set their own `timeoutMs`. */
export type WrapTaskOptions = {
  /** Time limit of a run for tasks that set none (default DEFAULT_TASK_TIMEOUT_MS). */
  timeoutMs?: number;
  /** How long an aborted handler gets to stop before it is abandoned (default TASK_ABORT_GRACE_MS). */
  abortGraceMs?: number;
  logger?: Logger;
};

/** The job's row as it is now: another caller may have changed it while the task ran. */
type CurrentRow = { attempts: number; max_attempts: number };

/**
 * Adapts a registry task to graphile-worker: parses the payload, runs the handler, and turns the
 * outcome into "done", "retry later" (throw) or "dead-lettered" (a JobFailure row, then done so the
 * job leaves the queue). A job is dead-lettered when its error is not retryable, when its payload
 * does not parse, or when its last attempt fails.
 *
 * "Last attempt" is read from the job's row after the failure, not only from the row as fetched:
 * `add_job` with the key of a job that is running sets that job's `attempts` to `max_attempts`
 * (graphile-worker's way of saying "do not retry this one, a newer job is queued"). Throwing then
 * would leave the job in graphile's table for ever, failed but never shown. When the same task,
 * payload and queue is waiting to run, that newer job does the work and the failed run is simply
 * completed; otherwise it is dead-lettered.
 *
 * Every run has a time limit: at `timeoutMs` the handler's signal is aborted; a handler that has
 * not settled `abortGraceMs` later is abandoned and its job fails as timed out (retried with
 * backoff), so a task that never settles cannot keep its job and its named queue locked.
 */
export function wrapTask(name: string, definition: TaskDefinition, db: PrismaClient, options: WrapTaskOptions = {}): Task {
  const timeoutMs = definition.timeoutMs ?? options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const abortGraceMs = options.abortGraceMs ?? TASK_ABORT_GRACE_MS;
  return async (rawPayload: unknown, helpers: JobHelpers) => {
    const { job } = helpers;
    const shop = shopOf(rawPayload);
    const queueName = job.job_queue_id == null ? null : await helpers.getQueueName();
    const deadLetter = (reason: string, attempts: number) =>
      db.jobFailure.create({
        data: {
          shop,
          taskName: name,
          payload: (rawPayload ?? {}) as object,
          queueName,
          reason: reason.slice(0, 2000),
          attempts,
        },
      });

    const parsed = definition.payload.safeParse(rawPayload);
    if (!parsed.success) {
      await deadLetter(`Invalid payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, job.attempts);
      return;
    }
    const timeLimit = new AbortController();
    const signal = helpers.abortSignal ? AbortSignal.any([timeLimit.signal, helpers.abortSignal]) : timeLimit.signal;
    const context: TaskContext = {
      job: { id: job.id, taskName: name, attempt: job.attempts, maxAttempts: job.max_attempts, queueName },
      db,
      now: () => new Date(),
      signal,
    };

    // Decides what a failed run leaves behind: a retry (throw), a dead letter, or nothing.
    // `reason` is what the merchant reads if it is dead-lettered.
    const failed = async (reason: string, retryable: boolean, error: unknown) => {
      const current = await currentRow(helpers);
      // Gone: removed while it ran (uninstall cleanup); nothing is left to retry or report.
      if (!current) return;
      const exhaustedByOthers = job.attempts < job.max_attempts && current.attempts >= current.max_attempts;
      const lastAttempt = job.attempts >= job.max_attempts || current.attempts >= current.max_attempts;
      if (retryable && !lastAttempt) throw error;
      if (exhaustedByOthers && (await sameWorkQueued(helpers))) {
        options.logger?.info(`Job ${job.id} (${name}) failed after a newer job for the same work was queued; that job carries on: ${reason}`);
        return;
      }
      await deadLetter(reason, job.attempts);
    };

    let outcome;
    try {
      const handler = await definition.load();
      outcome = await withTimeLimit(() => handler(parsed.data, context), timeLimit, timeoutMs, abortGraceMs);
    } catch (error) {
      // Unexpected failures (bugs, lost connections, time limits) are retried; the last one is dead-lettered.
      const message = error instanceof Error ? error.message : String(error);
      await failed(message, true, error);
      return;
    }
    if (!outcome || outcome.ok) return;
    const reason = outcome.error.message ?? outcome.error.kind;
    await failed(
      outcome.error.retryable ? `Gave up after ${job.attempts} attempts: ${reason}` : reason,
      outcome.error.retryable,
      new RetryableJobError(outcome.error),
    );
  };
}

/** Thrown when a handler neither settles within its time limit nor stops when aborted. */
export class TaskTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Timed out: still running after ${Math.round(timeoutMs / 1000)} s and did not stop when asked`);
    this.name = "TaskTimeoutError";
  }
}

async function withTimeLimit<T>(run: () => Promise<T>, controller: AbortController, timeoutMs: number, graceMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new TaskTimeoutError(timeoutMs));
      timer = setTimeout(() => reject(new TaskTimeoutError(timeoutMs)), graceMs);
    }, timeoutMs);
  });
  const running = run();
  // An abandoned handler may still reject later; that must not become an unhandled rejection.
  running.catch(() => {});
  try {
    return await Promise.race([running, abandoned]);
  } finally {
    clearTimeout(timer);
  }
}

async function currentRow(helpers: JobHelpers): Promise<CurrentRow | null> {
  const { rows } = await helpers.withPgClient((client) =>
    client.query<CurrentRow>("select attempts, max_attempts from graphile_worker._private_jobs where id = $1::bigint", [helpers.job.id]),
  );
  return rows[0] ?? null;
}

/** Whether the same task with the same payload and queue is waiting to run (a re-added job key). */
async function sameWorkQueued(helpers: JobHelpers): Promise<boolean> {
  const { rows } = await helpers.withPgClient((client) =>
    client.query<{ queued: boolean }>(
      `select exists (
         select 1 from graphile_worker._private_jobs o, graphile_worker._private_jobs j
          where j.id = $1::bigint and o.id <> j.id and o.task_id = j.task_id
            and o.job_queue_id is not distinct from j.job_queue_id
            and o.payload::jsonb = j.payload::jsonb and o.attempts < o.max_attempts) as queued`,
      [helpers.job.id],
    ),
  );
  return rows[0]?.queued ?? false;
}

function shopOf(payload: unknown): string {
  const shop = (payload as { shop?: unknown } | null)?.shop;
  return typeof shop === "string" && shop.length > 0 ? shop : SYSTEM_SHOP;
}
