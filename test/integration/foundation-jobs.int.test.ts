import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { silentWorkerLogger } from "../../app/db/worker-logger.server";
import { closeSharedPool } from "../../app/jobs/pool.server";
import {
  addJob,
  enqueueJob,
  getQueueStats,
  listJobFailures,
  retryJobFailure,
} from "../../app/jobs/queue.server";
import { defineTask } from "../../app/jobs/task";
import { tasks, type TaskRegistry } from "../../app/jobs/tasks";
import { startWorker } from "../../app/jobs/worker.server";
import { err } from "../../app/lib/result";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { until } from "../setup/until";

let db: TestDatabase;
const runs = new Map<number, string[]>();
let flakyCalls = 0;

/** Test tasks beside the app's: they record who ran them and fail on demand. */
const registry: TaskRegistry = {
  ...tasks,
  "test.count": defineTask({
    payload: z.object({ shop: z.string(), n: z.number() }),
    load: async () => async ({ n }, { job }) => {
      runs.set(n, [...(runs.get(n) ?? []), job.id]);
      await new Promise((r) => setTimeout(r, 5));
    },
  }),
  "test.rejected": defineTask({
    payload: z.object({ shop: z.string() }),
    load: async () => async () => err({ kind: "rejected", retryable: false, message: "SKU JL-1 is unknown to the marketplace" }),
  }),
  "test.unavailable": defineTask({
    payload: z.object({ shop: z.string() }),
    load: async () => async () => err({ kind: "unavailable", retryable: true, message: "503 from the marketplace" }),
  }),
  "test.throws": defineTask({
    payload: z.object({ shop: z.string() }),
    load: async () => async () => {
      flakyCalls++;
      throw new Error("connection reset");
    },
  }),
};

const runners: Runner[] = [];
async function startRunners(count: number) {
  for (let i = 0; i < count; i++) {
    runners.push(
      await startWorker({
        connectionString: db.url,
        registry,
        cron: [],
        concurrency: 3,
        logger: silentWorkerLogger,
        pollInterval: 100,
        noHandleSignals: true,
        db: db.prisma,
      }),
    );
  }
}
async function stopRunners() {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
}

async function jobsFor(shop: string) {
  const { rows } = await db.pool.query<{ task: string; attempts: number; max_attempts: number; queue_name: string | null; key: string | null; run_at: Date; locked_at: Date | null; payload: unknown; last_error: string | null }>(
    `select t.identifier as task, j.attempts, j.max_attempts, q.queue_name, j.key, j.run_at, j.locked_at, j.payload, j.last_error
       from graphile_worker._private_jobs j
       join graphile_worker._private_tasks t on t.id = j.task_id
       left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
      where j.payload->>'shop' = $1 order by j.id`,
    [shop],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await stopRunners();
  await closeSharedPool();
  await db.drop();
});

describe("queue", () => {
  it("adds a job in the caller's transaction: rolled back, it never exists", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await enqueueJob(tx, "webhook.process", { shop: "rollback.myshopify.com", deliveryId: "d1" });
        throw new Error("the caller's work failed");
      }),
    ).rejects.toThrow("the caller's work failed");
    expect(await jobsFor("rollback.myshopify.com")).toEqual([]);

    const client = await db.pool.connect();
    try {
      await client.query("begin");
      await enqueueJob(client, "webhook.process", { shop: "commit.myshopify.com", deliveryId: "d2" }, { queueName: "orders:commit.myshopify.com" });
      await client.query("commit");
    } finally {
      client.release();
    }
    expect(await jobsFor("commit.myshopify.com")).toMatchObject([{ task: "webhook.process", queue_name: "orders:commit.myshopify.com", max_attempts: 10 }]);
  });

  it("refuses a payload that does not match the task's schema", async () => {
    await expect(
      // @ts-expect-error deliveryId is required
      enqueueJob(undefined, "webhook.process", { shop: "x.myshopify.com" }),
    ).rejects.toThrow();
  });

  it("coalesces jobs with the same key that have not started", async () => {
    const runAt = new Date(Date.now() + 60_000);
    for (const deliveryId of ["a", "b", "c"]) {
      await enqueueJob(undefined, "webhook.process", { shop: "coalesce.myshopify.com", deliveryId }, { jobKey: "push:item-1", runAt });
    }
    expect((await jobsFor("coalesce.myshopify.com")).map((j) => j.payload)).toEqual([
      { shop: "coalesce.myshopify.com", deliveryId: "c" },
    ]);
  });

  it("reports a shop's pending work only", async () => {
    await addJob(undefined, "test.count", { shop: "stats.myshopify.com", n: -1 }, { runAt: new Date(Date.now() - 5_000) });
    await addJob(undefined, "test.count", { shop: "stats.myshopify.com", n: -2 }, { runAt: new Date(Date.now() + 60_000) });
    await addJob(undefined, "test.count", { shop: "other.myshopify.com", n: -3 });
    const stats = await getQueueStats("stats.myshopify.com");
    expect(stats).toMatchObject({ pending: 2, running: 0, failedLast24h: 0 });
    expect(stats.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(4);
    expect(await getQueueStats("nobody.myshopify.com")).toEqual({ pending: 0, running: 0, failedLast24h: 0, oldestPendingAgeSeconds: null });
    await db.pool.query(`delete from graphile_worker._private_jobs where payload->>'shop' in ('stats.myshopify.com', 'other.myshopify.com')`);
  });
});

describe("worker", () => {
  it("runs every job exactly once with two worker processes on one database", async () => {
    const shop = "many.myshopify.com";
    for (let n = 0; n < 40; n++) await enqueueJobFor(shop, n);
    await startRunners(2);
    await until(() => Promise.resolve(runs.size), (size) => size === 40);
    await until(() => jobsFor(shop), (jobs) => jobs.length === 0);
    for (let n = 0; n < 40; n++) expect(runs.get(n)).toHaveLength(1);
  });

  it("dead-letters a job whose error is not retryable, with the reason, at once", async () => {
    const shop = "rejected.myshopify.com";
    await addJob(undefined, "test.rejected", { shop }, { maxAttempts: 5 });
    const failures = await until(() => listJobFailures(shop, { limit: 10 }), (f) => f.length === 1);
    expect(failures[0]).toMatchObject({ taskName: "test.rejected", reason: "SKU JL-1 is unknown to the marketplace", attempts: 1, retriedAt: null });
    expect(await jobsFor(shop)).toEqual([]);
    expect((await getQueueStats(shop)).failedLast24h).toBe(1);
  });

  it("retries a retryable failure with backoff, then dead-letters it when attempts run out", async () => {
    const shop = "unavailable.myshopify.com";
    await addJob(undefined, "test.unavailable", { shop }, { maxAttempts: 2 });
    const [waiting] = await until(() => jobsFor(shop), (jobs) => jobs[0]?.attempts === 1 && jobs[0].locked_at === null);
    // graphile-worker's backoff: the retry is scheduled in the future, not immediately.
    expect(waiting.run_at.getTime()).toBeGreaterThan(Date.now());
    await db.pool.query(`update graphile_worker._private_jobs set run_at = now() where payload->>'shop' = $1`, [shop]);
    const failures = await until(() => listJobFailures(shop, { limit: 10 }), (f) => f.length === 1);
    expect(failures[0]).toMatchObject({ attempts: 2, reason: "Gave up after 2 attempts: 503 from the marketplace" });
    expect(await jobsFor(shop)).toEqual([]);
  });

  it("dead-letters an unexpected exception on the last attempt and retries on request", async () => {
    const shop = "throws.myshopify.com";
    await addJob(undefined, "test.throws", { shop }, { maxAttempts: 1, queueName: `orders:${shop}` });
    const [failure] = await until(() => listJobFailures(shop, { limit: 10 }), (f) => f.length === 1);
    expect(failure.reason).toBe("connection reset");
    expect(flakyCalls).toBe(1);

    expect(await retryJobFailure("someone-else.myshopify.com", failure.id)).toEqual({ ok: false, error: { kind: "not-found" } });
    expect(await retryJobFailure(shop, failure.id)).toEqual({ ok: true, value: undefined });
    // The retry runs the same task and payload in the same serial queue, with fresh attempts.
    await until(() => Promise.resolve(flakyCalls), (calls) => calls === 2);
    const [again] = await until(() => jobsFor(shop), (jobs) => jobs[0]?.attempts === 1 && jobs[0].locked_at === null);
    expect(again).toMatchObject({ task: "test.throws", queue_name: `orders:${shop}`, max_attempts: 10, last_error: "connection reset" });
    const [listed] = await listJobFailures(shop, { limit: 10 });
    expect(listed.id).toBe(failure.id);
    expect(listed.retriedAt).toBeInstanceOf(Date);
    await db.pool.query(`delete from graphile_worker._private_jobs where payload->>'shop' = $1`, [shop]);
  });

  it("dead-letters a job whose payload does not parse instead of retrying it", async () => {
    const shop = "bad-payload.myshopify.com";
    await addJob(undefined, "test.count", { shop, n: "not a number" });
    const [failure] = await until(() => listJobFailures(shop, { limit: 10 }), (f) => f.length === 1);
    expect(failure.reason).toMatch(/^Invalid payload: n:/);
  });

  it("marks a delivery whose topic has no handler as skipped, not failed", async () => {
    const shop = "skipped.myshopify.com";
    const delivery = await db.prisma.webhookDelivery.create({
      data: { shop, topic: "PRODUCTS_UPDATE", webhookId: "w-1", payload: {} },
    });
    await enqueueJob(undefined, "webhook.process", { shop, deliveryId: delivery.id });
    const done = await until(
      () => db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } }),
      (d) => d.status !== "received",
    );
    expect(done.status).toBe("skipped");
    expect(done.processedAt).toBeInstanceOf(Date);
    expect(await listJobFailures(shop, { limit: 10 })).toEqual([]);
  });
});

function enqueueJobFor(shop: string, n: number) {
  return addJob(undefined, "test.count", { shop, n });
}
