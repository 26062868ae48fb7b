/**
 * `npm run bench:orders`: imports 1,000 marketplace orders through the real worker loop (a worker
 * process running the app's task registry), with the Shopify Admin simulator throttling like a
 * standard plan (bucket 2,000 points, 100 points/s restore) and the Virtualstock simulator at its
 * documented limit (250 requests a minute, fixed windows) behind the shared request budget.
 *
 * Ceiling: the calls each order needed on each side are counted from the simulators' request logs
 * (marketplace requests per order, including its share of listing pages and logins; Shopify
 * points per order, the sum of `actualQueryCost`, which is what the leaky bucket is charged). The
 * marketplace allows 250 / (requests per order) orders a minute, Shopify (2,000 + 100 x run
 * seconds) / (points per order) over the run (the bucket starts full); the ceiling is the lower of the two, and `ceiling_share` is the measured rate over it.
 * The measured rate counts from the first poll to the last acknowledgement.
 *
 * Flags: --orders=1000 --latency-ms=50 --limit=250 --restore=100. Last line: the JSON summary.
 */
import "./bench-env";
import { spawn, type ChildProcess } from "node:child_process";
import { migrateDatabase } from "../../app/db/local-database.server";
import { startThrowawayServer } from "../../app/db/throwaway-server.server";
import { workerNodeArgs } from "../../app/jobs/worker-process";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a) => {
    const m = /^--([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(a);
    return m ? [[m[1], Number(m[2])]] : [];
  }),
);
const opt = (name: string, fallback: number): number => (typeof args[name] === "number" ? args[name] : fallback);
const config = {
  orders: opt("orders", 1000),
  latencyMs: opt("latency-ms", 50),
  limit: opt("limit", 250),
  restoreRate: opt("restore", 100),
  bucket: opt("bucket", 2000),
  timeoutMinutes: opt("timeout-minutes", 20),
};
const SHOP = "bench-orders.myshopify.com";
const PRODUCTS = 50;
const log = (message: string) => console.info(`[bench:orders] ${message}`);
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

log(`config ${JSON.stringify(config)}`);
const server = await startThrowawayServer();
const databaseUrl = await server.createDatabase("bench_orders");
await migrateDatabase(databaseUrl);
process.env.DATABASE_URL = databaseUrl;

const { prisma } = await import("../../app/db.server");
const { closeSharedPool } = await import("../../app/jobs/pool.server");
const { addJob } = await import("../../app/jobs/queue.server");
const { encryptSecret } = await import("../../app/lib/crypto.server");
const { startVirtualstockSimulator } = await import("../simulators/virtualstock/server");
const { startShopifySimulator } = await import("../simulators/shopify/server");

const vs = await startVirtualstockSimulator({ rateLimitPerMinute: config.limit, latencyMs: config.latencyMs });
const shopify = await startShopifySimulator({ throttle: { maximumAvailable: config.bucket, restoreRate: config.restoreRate } });
const seeded = shopify.control.seedShop({ domain: SHOP, generate: { variants: PRODUCTS, skuPrefix: "BENCH-", stockPerLocation: 1_000_000 } });
const partNumber = (n: number) => String(80_000_000 + n);
for (let i = 0; i < config.orders; i++) {
  const lines = [{ partNumber: partNumber(i % PRODUCTS), quantity: 1 + (i % 2), unitCostPrice: "24.50" }];
  if (i % 5 === 0) lines.push({ partNumber: partNumber((i + 11) % PRODUCTS), quantity: 1, unitCostPrice: "9.99" });
  vs.control.seedOrder({ orderReference: `BN-${String(i).padStart(5, "0")}`, lines });
}
await prisma.shop.create({ data: { shop: SHOP, leadTimeDays: 2 } });
await prisma.skuMapping.createMany({
  data: seeded.variants.map((v, n) => ({ shop: SHOP, marketplaceSku: partNumber(n), variantGid: v.id, inventoryItemGid: v.inventoryItemId, shopifySku: v.sku, matchMethod: "manual" })),
});
await prisma.marketplaceConnection.create({
  data: {
    shop: SHOP,
    marketplaceId: "john-lewis",
    environment: "sandbox",
    baseUrl: vs.url,
    publicCredentials: { username: "supplier" },
    secretCredentials: encryptSecret(JSON.stringify({ password: "secret" })),
    status: "connected",
  },
});
log(`seeded ${config.orders} orders over ${PRODUCTS} products`);

const child: ChildProcess = spawn(process.execPath, workerNodeArgs("test/integration/orders-worker-runner.ts"), {
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    ORDERS_RUNNER_CONFIG: JSON.stringify({
      shopifyEndpoint: shopify.graphqlUrl(SHOP),
      shopifyToken: seeded.accessToken,
      settleMs: 15_000,
      concurrency: 8,
      perMinute: config.limit,
      urgentReserve: 10,
      marketplaceTimeoutMs: 10_000,
    }),
  },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  child.stdout?.on("data", (c: Buffer) => c.toString().includes("ready") && resolve());
  child.once("exit", (code) => reject(new Error(`worker exited (${code})`)));
});

const vsBefore = vs.control.requests().length;
const shopifyBefore = shopify.control.requests().length;
const started = Date.now();
const poll = () => addJob(undefined, "orders.poll", { shop: SHOP, trigger: "schedule" }, { jobKey: `orders.poll:${SHOP}`, maxAttempts: 3 });
await poll();
// The cron polls every minute; so does the benchmark.
const poller = setInterval(() => void poll(), 60_000);

let done = 0;
let lastReport = 0;
const deadline = started + config.timeoutMinutes * 60_000;
while (Date.now() < deadline) {
  done = await prisma.orderRecord.count({ where: { shop: SHOP, step: "acknowledged" } });
  if (done >= config.orders) break;
  if (Date.now() - lastReport > 15_000) {
    lastReport = Date.now();
    log(`${done}/${config.orders} acknowledged after ${round((Date.now() - started) / 1000)} s`);
  }
  await new Promise((r) => setTimeout(r, 500));
}
clearInterval(poller);

const last = await prisma.orderRecord.aggregate({ where: { shop: SHOP }, _max: { acknowledgedAt: true } });
const lastAckMs = (last._max.acknowledgedAt?.getTime() ?? Date.now()) - started;
const failed =
  config.orders -
  (await prisma.orderRecord.count({ where: { shop: SHOP, step: "acknowledged", needsAttention: false } })) +
  (await prisma.jobFailure.count({ where: { shop: SHOP } }));

const vsCalls = vs.control.requests().slice(vsBefore);
const adminCalls = shopify.control.requests().slice(shopifyBefore).filter((r) => r.shop === SHOP);
const points = adminCalls.reduce((s, r) => s + (r.actualQueryCost ?? 0), 0);
const inShopify = shopify.control.orders(SHOP);
const duplicates = inShopify.length - new Set(inShopify.map((o) => o.sourceIdentifier)).size;

const ordersPerMin = done / (lastAckMs / 60_000);
const vsPerOrder = vsCalls.length / config.orders;
const pointsPerOrder = points / config.orders;
const vsCeiling = config.limit / vsPerOrder;
// The bucket starts full: over the run Shopify allows (bucket + restore x duration) points.
const shopifyCeiling = (config.bucket + config.restoreRate * (lastAckMs / 1000)) / pointsPerOrder / (lastAckMs / 60_000);
const ceiling = Math.min(vsCeiling, shopifyCeiling);

log(`${done}/${config.orders} acknowledged; last acknowledgement ${round(lastAckMs / 1000, 1)} s after the first poll`);
log(`marketplace: ${vsCalls.length} requests (${round(vsPerOrder, 3)} per order; 429s: ${vsCalls.filter((r) => r.status === 429).length}) -> ceiling ${round(vsCeiling, 1)} orders/min`);
log(`shopify: ${adminCalls.length} requests, ${points} points (${round(pointsPerOrder, 1)} per order; throttled: ${adminCalls.filter((r) => r.throttled).length}) -> ceiling ${round(shopifyCeiling, 1)} orders/min at ${config.restoreRate} points/s with a ${config.bucket}-point bucket`);
log(`rate ${round(ordersPerMin, 1)} orders/min = ${round((100 * ordersPerMin) / ceiling, 1)}% of the ${vsCeiling <= shopifyCeiling ? "marketplace" : "Shopify"} ceiling; Shopify orders ${inShopify.length}, duplicates ${duplicates}; failed ${failed}`);

child.kill("SIGTERM");
await Promise.race([new Promise((r) => child.once("exit", r)), new Promise((r) => setTimeout(r, 5_000))]);
child.kill("SIGKILL");
await prisma.$disconnect();
await closeSharedPool();
await Promise.all([vs.close(), shopify.close()]);
await server.stop();
console.info(
  JSON.stringify({
    bench: "orders",
    orders_per_min: round(ordersPerMin, 1),
    ceiling_share: round(ordersPerMin / ceiling, 3),
    failed: failed + duplicates,
    last_ack_s: round(lastAckMs / 1000, 1),
  }),
);
process.exit(failed + duplicates === 0 ? 0 : 1);
