/**
 * Proof of issue 6: the worker process is killed with SIGKILL 20 times while it imports 500 orders
 * with 20% of marketplace and Shopify calls failing or throttled (refused, throttled, or processed
 * with the answer lost). Each kill waits for the work to move on by a share of the whole (read from
 * the database), then falls at a random moment inside the jobs in flight: mid-work on any machine.
 * Afterwards every order exists in Shopify exactly once and was acknowledged exactly once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedPool } from "../../app/jobs/pool.server";
import { enqueueOrderPoll } from "../../app/jobs/tasks/orders-handlers.server";
import { encryptSecret } from "../../app/lib/crypto.server";
import { startShopifySimulator } from "../simulators/shopify/server";
import type { SeededShop, ShopifySimulator } from "../simulators/shopify/control";
import { startVirtualstockSimulator } from "../simulators/virtualstock/server";
import type { VirtualstockSimulator } from "../simulators/virtualstock/control";
import { workerNodeArgs } from "../../app/jobs/worker-process";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startFaultProxy, type FaultProxy } from "./orders-fault-proxy";

const ORDERS = 500;
const KILLS = Number(process.env.ORDERS_PROOF_KILLS ?? 20);
const SHOP = "sigkill-shop.myshopify.com";
const PRODUCTS = 20;

let db: TestDatabase;
let vs: VirtualstockSimulator;
let shopify: ShopifySimulator;
let seeded: SeededShop;
let vsProxy: FaultProxy;
let shopifyProxy: FaultProxy;
let child: ChildProcess | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  vs = await startVirtualstockSimulator({ rateLimitPerMinute: 0, latencyMs: 2 });
  shopify = await startShopifySimulator();
  seeded = shopify.control.seedShop({ domain: SHOP, generate: { variants: PRODUCTS, skuPrefix: "SKU-", stockPerLocation: 100_000 } });
  // Plenty of points: the proxy supplies the throttling, and the test must stay short.
  shopify.control.setThrottle(SHOP, { maximumAvailable: 20_000, restoreRate: 5_000 });
  vsProxy = await startFaultProxy({
    target: vs.url,
    failureRate: 0.2,
    exempt: /^\/__control/,
    throttle: { status: 429, headers: { "retry-after": "0.2" }, body: JSON.stringify({ detail: "Request was throttled. Expected available in 1.0 second." }) },
  });
  shopifyProxy = await startFaultProxy({
    target: shopify.url,
    failureRate: 0.2,
    exempt: /^\/__control/,
    throttle: { status: 429, headers: { "retry-after": "0.1" }, body: JSON.stringify({ errors: [{ message: "Throttled" }] }) },
  });

  for (let i = 0; i < ORDERS; i++) {
    const lines = [{ partNumber: partNumber(i % PRODUCTS), quantity: 1 + (i % 3), unitCostPrice: "19.99" }];
    if (i % 4 === 0) lines.push({ partNumber: partNumber((i + 7) % PRODUCTS), quantity: 1, unitCostPrice: "5.00" });
    vs.control.seedOrder({ orderReference: `SK-${String(i).padStart(4, "0")}`, lines });
  }
  await db.prisma.shop.create({ data: { shop: SHOP, leadTimeDays: 2 } });
  await db.prisma.skuMapping.createMany({
    data: seeded.variants.map((v, n) => ({ shop: SHOP, marketplaceSku: partNumber(n), variantGid: v.id, inventoryItemGid: v.inventoryItemId, shopifySku: v.sku, matchMethod: "manual" })),
  });
  await db.prisma.marketplaceConnection.create({
    data: {
      shop: SHOP,
      marketplaceId: "john-lewis",
      environment: "sandbox",
      baseUrl: vsProxy.url,
      publicCredentials: { username: "supplier" },
      secretCredentials: encryptSecret(JSON.stringify({ password: "secret" })),
      status: "connected",
    },
  });
}, 60_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await Promise.all([vsProxy?.close(), shopifyProxy?.close(), vs?.close(), shopify?.close()]);
  await closeSharedPool();
  await db?.drop();
});

function partNumber(n: number): string {
  return String(70_000_000 + n);
}

async function startWorker(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, workerNodeArgs("test/integration/orders-worker-runner.ts"), {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      ORDERS_RUNNER_CONFIG: JSON.stringify({
        shopifyEndpoint: `${shopifyProxy.url}/shops/${SHOP}/admin/api/2026-04/graphql.json`,
        shopifyToken: seeded.accessToken,
        settleMs: 300,
        concurrency: 8,
        shopifyBackoffMs: 50,
        perMinute: 120_000,
        urgentReserve: 100,
        marketplaceTimeoutMs: 2_000,
      }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let ready = false;
  const readyPromise = new Promise<void>((resolve, reject) => {
    proc.stdout?.on("data", (chunk: Buffer) => {
      if (!ready && chunk.toString().includes("ready")) {
        ready = true;
        resolve();
      }
    });
    proc.once("exit", (code) => (ready ? undefined : reject(new Error(`worker exited before ready (${code})`))));
  });
  let stderr = "";
  proc.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  proc.once("exit", (code, signal) => {
    if (signal !== "SIGKILL" && code !== 0) process.stdout.write(`worker exited ${code}: ${stderr}\n`);
  });
  await readyPromise;
  return proc;
}

// The cron's job, added as "sync now" does (a poll every second instead of every minute), in the
// shop's poll queue. Without the queue, each re-add while a poll runs marks the running one
// attempts = max_attempts and starts another beside it: eight polls at once held every worker and
// starved the imports (seen here as all jobs locked at 3/3 and no progress).
const poll = () => enqueueOrderPoll(SHOP, "manual");

async function acknowledgedCount(): Promise<number> {
  return db.prisma.orderRecord.count({ where: { shop: SHOP, step: "acknowledged" } });
}

/**
 * Steps done so far: an order counts 1 once created in Shopify, 2 once acknowledged. Recording
 * (step "imported") is left out: one poll records all orders at once, so it says little about
 * where the imports are.
 */
const STEP_WEIGHT: Record<string, number> = { created: 1, acknowledged: 2 };
const TOTAL_STEPS = ORDERS * 2;
/** Steps each killed worker completes first: small, so most of the work is left for the kills that follow. */
const STEPS_PER_KILL = 5;
async function progress(): Promise<{ steps: number; acknowledged: number; midway: number; lockedJobs: number }> {
  const byStep = await db.prisma.orderRecord.groupBy({ by: ["step"], where: { shop: SHOP }, _count: true });
  const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from graphile_worker._private_jobs where locked_at is not null`);
  const count = (step: string) => byStep.find((g) => g.step === step)?._count ?? 0;
  return {
    steps: byStep.reduce((sum, g) => sum + (STEP_WEIGHT[g.step] ?? 0) * g._count, 0),
    acknowledged: count("acknowledged"),
    midway: count("imported") + count("created"),
    lockedJobs: rows[0]?.n ?? 0,
  };
}

/**
 * Waits until this worker has moved the work on by `steps` (so the kill lands while it is
 * demonstrably working, whatever the machine's speed), then a few random milliseconds more, so
 * the kill falls at a random point inside the jobs then in flight.
 */
async function untilProgress(from: number, steps: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await progress()).steps < Math.min(from + steps, TOTAL_STEPS)) {
    if (Date.now() > deadline) {
      if (process.env.ORDERS_PROOF_DEBUG) {
        const { rows: locked } = await db.pool.query(
          `select j.id, t.identifier, j.attempts, j.max_attempts, j.locked_by, round(extract(epoch from now() - j.locked_at)) as age_s
             from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.locked_at is not null`,
        );
        process.stdout.write(`locked when stalled: ${JSON.stringify(locked)}\n`);
      }
      throw new Error(`No progress from ${from} by ${steps} steps within ${timeoutMs} ms: ${JSON.stringify(await progress())}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, Math.random() * 300));
}

describe("orders survive SIGKILL at random points", () => {
  it(`${KILLS} kills during ${ORDERS} orders with 20% faults: each order in Shopify once, acknowledged once`, async () => {
    const started = Date.now();
    let killPhase = "";
    const poller = setInterval(() => void poll().catch(() => {}), 1_000);
    try {
      await poll();
      const atKills: Awaited<ReturnType<typeof progress>>[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const before = (await progress()).steps;
        child = await startWorker();
        // Each worker is killed once it has completed a few steps itself: mid-work by construction.
        await untilProgress(before, STEPS_PER_KILL, 60_000);
        child.kill("SIGKILL");
        await once(child, "exit");
        child = null;
        atKills.push(await progress());
      }
      const progressAtKills = atKills.map((p) => p.acknowledged);
      if (KILLS > 0) {
        expect(progressAtKills[KILLS - 1]).toBeLessThan(ORDERS);
        // Killed mid-work: orders part-way through their steps, jobs still locked by the dead worker.
        expect(atKills.filter((p) => p.midway > 0).length).toBeGreaterThan(0);
        expect(atKills.filter((p) => p.lockedJobs > 0).length).toBeGreaterThan(0);
      }
      killPhase = `kills done after ${((Date.now() - started) / 1000).toFixed(1)} s, acknowledged along the way: ${progressAtKills.join(",")}`;

      child = await startWorker();
      const deadline = Date.now() + 90_000;
      while ((await acknowledgedCount()) < ORDERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    } finally {
      clearInterval(poller);
    }
    child?.kill("SIGTERM");
    if (process.env.ORDERS_PROOF_DEBUG) {
      const { rows: jobs } = await db.pool.query(
        `select t.identifier, j.attempts, j.max_attempts, j.locked_by is not null as locked, round(extract(epoch from j.run_at - now())) as due_in_s, left(j.last_error, 80) as last_error, count(*)::int as n
           from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
          group by 1, 2, 3, 4, 5, 6 order by n desc limit 30`,
      );
      process.stdout.write(`jobs left: ${JSON.stringify(jobs)}\n`);
      const failures = await db.prisma.jobFailure.findMany({ select: { taskName: true, reason: true, attempts: true }, take: 20 });
      process.stdout.write(`job failures: ${JSON.stringify(failures)}\n`);
      const stats = await db.prisma.orderActivity.groupBy({ by: ["action", "outcome"], _avg: { durationMs: true }, _count: true });
      process.stdout.write(`${JSON.stringify(stats)}\n`);
      const span = await db.prisma.orderRecord.aggregate({ _min: { createdAt: true }, _max: { acknowledgedAt: true } });
      process.stdout.write(`${JSON.stringify(span)}\n`);
    }

    // Our records: all 500 acknowledged, none waiting for the merchant.
    const records = await db.prisma.orderRecord.findMany({ where: { shop: SHOP } });
    expect(records).toHaveLength(ORDERS);
    expect(records.filter((r) => r.step !== "acknowledged").map((r) => `${r.reference}:${r.step}:${r.lastError}`)).toEqual([]);
    expect(await db.prisma.orderException.count({ where: { shop: SHOP, resolvedAt: null } })).toBe(0);

    // Shopify: every marketplace order exactly once, and it is the one we recorded.
    const inShopify = shopify.control.orders(SHOP);
    const bySource = new Map<string, string[]>();
    for (const o of inShopify) bySource.set(o.sourceIdentifier ?? "", [...(bySource.get(o.sourceIdentifier ?? "") ?? []), o.id]);
    const duplicates = [...bySource].filter(([, ids]) => ids.length !== 1);
    expect(duplicates).toEqual([]);
    expect(inShopify).toHaveLength(ORDERS);
    for (const r of records) expect(bySource.get(r.reference)).toEqual([r.shopifyOrderGid]);

    // The marketplace: every line acknowledged, and exactly one acknowledgement per order reached it.
    const ackCounts = records.map((r) => vs.control.actionsFor(r.marketplaceOrderId).filter((a) => a.action === "acknowledge" && (a.status ?? 200) < 300).length);
    expect(ackCounts.filter((n) => n !== 1)).toEqual([]);
    for (const r of records) expect(Object.values(vs.control.lineStatuses(r.marketplaceOrderId)).every((s) => s === "ORDER_ACK")).toBe(true);

    // The faults really happened on both sides.
    for (const proxy of [vsProxy, shopifyProxy]) {
      expect(proxy.counts.refuse + proxy.counts.throttle + proxy.counts["lose-answer"]).toBeGreaterThan(30);
      expect(proxy.counts["lose-answer"]).toBeGreaterThan(5);
    }
    process.stdout.write(
      `sigkill proof: ${ORDERS} orders, ${KILLS} kills, ${((Date.now() - started) / 1000).toFixed(1)} s (${killPhase}); ` +
        `faults marketplace ${JSON.stringify(vsProxy.counts)}, shopify ${JSON.stringify(shopifyProxy.counts)}\n`,
    );
  }, 300_000);
});
