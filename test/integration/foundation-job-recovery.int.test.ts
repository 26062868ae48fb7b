/**
 * The jobs a worker leaves behind: a job whose key is re-added while it runs, a job whose worker
 * died on its last attempt, a live worker that is busy, and a task that never settles. Each case
 * ends with the work done, queued again, or a JobFailure row with a reason: never a job stuck
 * locked or left failed in graphile-worker's table where nobody sees it.
 */
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { silentWorkerLogger } from "../../app/db/worker-logger.server";
import { closeSharedPool } from "../../app/jobs/pool.server";
import { addJob, listJobFailures } from "../../app/jobs/queue.server";
import { defineTask } from "../../app/jobs/task";
import type { TaskRegistry } from "../../app/jobs/tasks";
import { recoverDeadWorkers } from "../../app/jobs/worker-liveness.server";
import { startWorker } from "../../app/jobs/worker.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { until } from "../setup/until";

let db: TestDatabase;
let runner: Runner | null = null;

/** A promise the test resolves by hand, to hold a task in the middle of its run. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const supersede = { runs: 0, held: gate(), reachedGate: false };
const busy = { runs: 0, pastBusyPart: false, held: gate() };
const hang = { aborted: false };
const countRuns = new Map<string, number>();

const Shop = z.object({ shop: z.string() });
const registry: TaskRegistry = {
  // Like inventory.push: the run re-adds its own key (more work arrived), then fails.
  "test.supersede": defineTask({
    payload: Shop,
    load: async () => async (payload) => {
      supersede.runs++;
      if (supersede.runs > 1) return;
      await addJob(undefined, "test.supersede", payload, { jobKey: `supersede:${payload.shop}`, queueName: `supersede:${payload.shop}` });
      supersede.reachedGate = true;
      await supersede.held.opened;
      throw new Error("connection reset");
    },
  }),
  // Blocks the event loop (a large synchronous mapping), then waits on I/O.
  "test.busy": defineTask({
    payload: Shop,
    load: async () => async () => {
      busy.runs++;
      const until = Date.now() + 1_200;
      while (Date.now() < until) {
        // Busy on purpose: nothing else in this process runs meanwhile.
      }
      busy.pastBusyPart = true;
      await busy.held.opened;
    },
  }),
  // Never settles and ignores its signal (a wait that loops for ever).
  "test.hangs": defineTask({
    payload: Shop,
    timeoutMs: 300,
    load: async () => async (_payload, { signal }) => {
      signal.addEventListener("abort", () => (hang.aborted = true));
      await new Promise(() => {});
    },
  }),
  "test.count": defineTask({
    payload: Shop,
    load: async () => async ({ shop }) => {
      countRuns.set(shop, (countRuns.get(shop) ?? 0) + 1);
    },
  }),
};

type JobRow = { task: string; attempts: number; max_attempts: number; locked_at: Date | null; locked_by: string | null; last_error: string | null };
async function jobsFor(shop: string): Promise<JobRow[]> {
  const { rows } = await db.pool.query<JobRow>(
    `select t.identifier as task, j.attempts, j.max_attempts, j.locked_at, j.locked_by, j.last_error
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where j.payload->>'shop' = $1 order by j.id`,
    [shop],
  );
  return rows;
}

/** What graphile-worker's fetch does for a worker: count the attempt and lock the job. */
async function lockAs(workerId: string, shop: string) {
  await db.pool.query(
    `update graphile_worker._private_jobs set attempts = attempts + 1, locked_by = $1, locked_at = now() - interval '1 minute'
      where payload->>'shop' = $2`,
    [workerId, shop],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  runner = await startWorker({
    connectionString: db.url,
    registry,
    cron: [],
    concurrency: 3,
    logger: silentWorkerLogger,
    pollInterval: 100,
    noHandleSignals: true,
    db: db.prisma,
    // The tests below call recovery themselves, at the moments that matter.
    recoveryIntervalMs: 60_000,
    taskAbortGraceMs: 200,
  });
});
afterAll(async () => {
  supersede.held.open();
  busy.held.open();
  await runner?.stop();
  await closeSharedPool();
  await db.drop();
});

describe("a job whose key is re-added while it runs", () => {
  it("shows attempts = max_attempts while running, and a failure then leaves the newer job to do the work", async () => {
    const shop = "supersede.myshopify.com";
    await addJob(undefined, "test.supersede", { shop }, { jobKey: `supersede:${shop}`, queueName: `supersede:${shop}` });
    await until(() => Promise.resolve(supersede.reachedGate), (reached) => reached);

    // The state seen in the demo: locked, attempts at the maximum, no error. graphile-worker's
    // add_job marks a running job with the re-added key as "do not retry" this way.
    const [running, queued] = await jobsFor(shop);
    expect(running).toMatchObject({ attempts: 10, max_attempts: 10, last_error: null });
    expect(running?.locked_at).toBeInstanceOf(Date);
    expect(queued).toMatchObject({ attempts: 0, locked_at: null });

    supersede.held.open();
    await until(() => jobsFor(shop), (jobs) => jobs.length === 0 && supersede.runs === 2);
    // Nothing left behind failed for ever, and no dead letter for work the newer job did.
    expect(await listJobFailures(shop, { limit: 10 })).toEqual([]);
  });
});

describe("crash recovery", () => {
  it("dead-letters a job its dead worker held on the last attempt, with the reason", async () => {
    const shop = "last-attempt.myshopify.com";
    // A task no runner here serves, so only the simulated dead worker ever holds it.
    await addJob(undefined, "test.unserved", { shop }, { maxAttempts: 2, queueName: `orders:${shop}` });

    await lockAs("worker-dead-1", shop);
    await recoverDeadWorkers(db.pool, { graceMs: 0 });
    expect(await jobsFor(shop)).toMatchObject([{ attempts: 1, locked_at: null }]);

    await lockAs("worker-dead-2", shop);
    await recoverDeadWorkers(db.pool, { graceMs: 0 });
    expect(await jobsFor(shop)).toEqual([]);
    const failures = await listJobFailures(shop, { limit: 10 });
    expect(failures).toMatchObject([{ taskName: "test.unserved", attempts: 2 }]);
    expect(failures[0]?.reason).toMatch(/worker process running it stopped .* last attempt \(2 of 2\)/);
    // The named queue is free again: a retry or the next job of the shop can run.
    const { rows } = await db.pool.query(`select locked_by from graphile_worker._private_job_queues where queue_name = $1`, [`orders:${shop}`]);
    expect(rows).toEqual([{ locked_by: null }]);
  });

  it("removes without a dead letter a last-attempt job whose identical work is queued again", async () => {
    const shop = "covered.myshopify.com";
    await addJob(undefined, "test.unserved", { shop }, { jobKey: `covered:${shop}`, queueName: `covered:${shop}` });
    await lockAs("worker-dead-3", shop);
    // Re-added while "running": the held job is marked attempts = max_attempts, a new one waits.
    await addJob(undefined, "test.unserved", { shop }, { jobKey: `covered:${shop}`, queueName: `covered:${shop}`, runAt: new Date(Date.now() + 3_600_000) });
    const outcome = await recoverDeadWorkers(db.pool, { graceMs: 0 });
    expect(outcome).toMatchObject({ workers: ["worker-dead-3"], deadLettered: 0, superseded: 1 });
    expect(await jobsFor(shop)).toMatchObject([{ attempts: 0, locked_at: null }]);
    expect(await listJobFailures(shop, { limit: 10 })).toEqual([]);
  });

  it("never judges a live worker dead, even after its event loop was blocked", async () => {
    const shop = "busy.myshopify.com";
    await addJob(undefined, "test.busy", { shop });
    await until(() => Promise.resolve(busy.pastBusyPart), (past) => past);
    for (let i = 0; i < 3; i++) expect((await recoverDeadWorkers(db.pool, { graceMs: 0 })).workers).toEqual([]);
    const [job] = await jobsFor(shop);
    expect(job).toMatchObject({ attempts: 1 });
    expect(job?.locked_by).not.toBeNull();
    busy.held.open();
    await until(() => jobsFor(shop), (jobs) => jobs.length === 0);
    expect(busy.runs).toBe(1);
  });
});

describe("a task that never settles", () => {
  it("is aborted at its time limit, then abandoned: its last attempt is dead-lettered and its queue moves on", async () => {
    const shop = "hangs.myshopify.com";
    await addJob(undefined, "test.hangs", { shop }, { maxAttempts: 1, queueName: `hang:${shop}` });
    await addJob(undefined, "test.count", { shop }, { queueName: `hang:${shop}` });
    const failures = await until(() => listJobFailures(shop, { limit: 10 }), (f) => f.length === 1);
    expect(failures[0]).toMatchObject({ taskName: "test.hangs", attempts: 1 });
    expect(failures[0]?.reason).toMatch(/Timed out/);
    expect(hang.aborted).toBe(true);
    await until(() => Promise.resolve(countRuns.get(shop) ?? 0), (n) => n === 1);
    await until(() => jobsFor(shop), (jobs) => jobs.length === 0);
  });
});
