import { Logger, type LogLevel } from "graphile-worker";

/**
 * graphile-worker logs every job start and completion through console.log/console.error. We keep
 * its warnings and errors on stderr in long-running processes, and nothing in tests and migrations
 * (a failing job is recorded as a JobFailure row, which is what tests assert on).
 */
export const silentWorkerLogger = new Logger(() => () => {});

export const workerConsoleLogger = new Logger((scope) => (level: LogLevel, message: string) => {
  if (level === "error" || level === "warning") {
    process.stderr.write(`[worker${scope.taskIdentifier ? `:${scope.taskIdentifier}` : ""}] ${level}: ${message}\n`);
  }
});
