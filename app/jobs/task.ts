import type { PrismaClient } from "@prisma/client";
import type { z } from "zod";
import type { Result } from "../lib/result";

/**
 * An expected failure of a job, as a value. `retryable: false` dead-letters the job at once (a
 * JobFailure row the merchant sees, with a retry button); `retryable: true` lets the worker retry
 * with exponential backoff until the attempts run out. MarketplaceError values fit this shape.
 */
export type TaskError = { kind: string; retryable: boolean; message?: string };

/** What a handler returns: nothing or ok when done, an error value when it could not be done. */
export type TaskOutcome = void | Result<unknown, TaskError>;

/** What the worker hands every task: the job being run and the shared ports. */
export type TaskContext = {
  job: {
    id: string;
    taskName: string;
    /** 1 on the first run. */
    attempt: number;
    maxAttempts: number;
    queueName: string | null;
  };
  db: PrismaClient;
  now: () => Date;
  /**
   * Aborted when the worker shuts down or the task's time limit (`timeoutMs`) is reached: long
   * handlers should stop early, leaving their progress recorded. A handler that ignores it is
   * abandoned shortly after and its job retried, so it must not keep writing after an abort.
   */
  signal: AbortSignal;
};

export type TaskHandler<P> = (payload: P, context: TaskContext) => Promise<TaskOutcome>;

/**
 * A task: a zod schema for its payload (checked when enqueued and again when run) and a loader for
 * its handler. Handlers load lazily so that this registry, which the queue imports, never imports
 * flow modules that themselves import the queue.
 */
export type TaskDefinition<S extends z.ZodType = z.ZodType> = {
  payload: S;
  load: () => Promise<TaskHandler<z.output<S>>>;
  /** Overrides DEFAULT_MAX_ATTEMPTS for every job of this task. */
  maxAttempts?: number;
  /** Overrides DEFAULT_TASK_TIMEOUT_MS: how long one run may take before it is aborted. */
  timeoutMs?: number;
};

export function defineTask<S extends z.ZodType>(definition: TaskDefinition<S>): TaskDefinition<S> {
  return definition;
}

/** 10 attempts with graphile-worker's exp(n)-second backoff spread retries over about 3.4 hours. */
export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * A run that has not settled after this long is aborted (`context.signal`) and, if it still does
 * not settle, abandoned and retried: a task that never settles would otherwise keep its job, and the
 * whole named queue behind it, locked for graphile-worker's 4 hours. Generous, because the first
 * sync reconciles a whole catalogue inline and most handlers do not watch the signal yet (an
 * abandoned handler keeps running beside its retry); tasks with a known shape set less.
 */
export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

/** After an abort, how long a handler gets to stop and report before the worker abandons it. */
export const TASK_ABORT_GRACE_MS = 10_000;

/** JobFailure.shop for jobs that belong to no shop (maintenance, fan-out cron jobs). */
export const SYSTEM_SHOP = "(system)";
