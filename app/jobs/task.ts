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
  /** Set when the worker is shutting down; long handlers should stop early. */
  signal: AbortSignal | undefined;
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
};

export function defineTask<S extends z.ZodType>(definition: TaskDefinition<S>): TaskDefinition<S> {
  return definition;
}

/** 10 attempts with graphile-worker's exp(n)-second backoff spread retries over about 3.4 hours. */
export const DEFAULT_MAX_ATTEMPTS = 10;

/** JobFailure.shop for jobs that belong to no shop (maintenance, fan-out cron jobs). */
export const SYSTEM_SHOP = "(system)";
