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
import { SYSTEM_SHOP, type TaskContext, type TaskDefinition, type TaskError } from "./task";
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
    taskList[name] = wrapTask(name, definition, db);
  }
  // Crash recovery: graphile-worker 0.16 keeps a killed worker's jobs locked for 4 hours. Each
  // process announces its workers through advisory locks and releases the jobs of dead ones.
  const events = new EventEmitter() as WorkerEvents;
  const liveness = await startWorkerLiveness({ connectionString: options.connectionString, events });
  const recoveryPool = new pg.Pool({ connectionString: options.connectionString, max: 1 });
  recoveryPool.on("error", () => {});
  const recover = async () => {
    const dead = await recoverDeadWorkers(recoveryPool).catch(() => []);
    if (dead.length > 0) options.logger.info(`Released the jobs of ${dead.length} dead worker(s): ${dead.join(", ")}`);
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

/**
 * Adapts a registry task to graphile-worker: parses the payload, runs the handler, and turns the
 * outcome into "done", "retry later" (throw) or "dead-lettered" (a JobFailure row, then done so the
 * job leaves the queue). A job is dead-lettered when its error is not retryable, when its payload
 * does not parse, or when its last attempt fails.
 */
export function wrapTask(name: string, definition: TaskDefinition, db: PrismaClient): Task {
  return async (rawPayload: unknown, helpers: JobHelpers) => {
    const { job } = helpers;
    const shop = shopOf(rawPayload);
    const queueName = job.job_queue_id == null ? null : await helpers.getQueueName();
    const lastAttempt = job.attempts >= job.max_attempts;
    const deadLetter = (reason: string) =>
      db.jobFailure.create({
        data: {
          shop,
          taskName: name,
          payload: (rawPayload ?? {}) as object,
          queueName,
          reason: reason.slice(0, 2000),
          attempts: job.attempts,
        },
      });

    const parsed = definition.payload.safeParse(rawPayload);
    if (!parsed.success) {
      await deadLetter(`Invalid payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      return;
    }
    const context: TaskContext = {
      job: { id: job.id, taskName: name, attempt: job.attempts, maxAttempts: job.max_attempts, queueName },
      db,
      now: () => new Date(),
      signal: helpers.abortSignal,
    };

    let outcome;
    try {
      const handler = await definition.load();
      outcome = await handler(parsed.data, context);
    } catch (error) {
      // Unexpected failures (bugs, lost connections) are retried; the last one is dead-lettered.
      if (!lastAttempt) throw error;
      await deadLetter(error instanceof Error ? error.message : String(error));
      return;
    }
    if (!outcome || outcome.ok) return;
    const reason = outcome.error.message ?? outcome.error.kind;
    if (!outcome.error.retryable || lastAttempt) {
      await deadLetter(lastAttempt && outcome.error.retryable ? `Gave up after ${job.attempts} attempts: ${reason}` : reason);
      return;
    }
    throw new RetryableJobError(outcome.error);
  };
}

function shopOf(payload: unknown): string {
  const shop = (payload as { shop?: unknown } | null)?.shop;
  return typeof shop === "string" && shop.length > 0 ? shop : SYSTEM_SHOP;
}
