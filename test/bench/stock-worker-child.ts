/**
 * The app's worker for the reconciliation benchmark, in its own process so its peak memory is the
 * app's alone (the simulators, with 50,000 products each, stay in the parent). Arguments: a JSON
 * object with databaseUrl, graphqlUrl, accessToken, accountKey. Writes "ready" when started;
 * on "stop" (stdin) stops and writes {"peakRssMb": n, "readyRssMb": n} (the
 * latter: RSS once started and idle, before any work).
 */
import "./bench-env";

const config = JSON.parse(process.argv[2] ?? "{}") as { databaseUrl: string; graphqlUrl: string; accessToken: string; accountKey: string };
process.env.DATABASE_URL = config.databaseUrl;

const { prisma } = await import("../../app/db.server");
const { startWorker } = await import("../../app/jobs/worker.server");
const { sharedPool, closeSharedPool } = await import("../../app/jobs/pool.server");
const { tasks } = await import("../../app/jobs/tasks");
const { setStockRuntime } = await import("../../app/jobs/tasks/inventory-handlers.server");
const { createSharedRequestBudget } = await import("../../app/jobs/request-budget.server");
const { URGENT_RESERVE_PER_MINUTE } = await import("../../app/sync/inventory/production-stock-runtime.server");
const { createStockRuntime } = await import("../../app/sync/inventory/stock-runtime.server");
const { createAdminClient } = await import("../../app/shopify-admin/admin-client.server");
const { silentWorkerLogger } = await import("../../app/db/worker-logger.server");

let peak = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakHeap = Math.max(peakHeap, m.heapTotal + m.external + m.arrayBuffers);
};
const sampler = setInterval(sample, 20);

setStockRuntime(
  createStockRuntime({
    db: prisma,
    budgetFor: (_key, perMinute) =>
      createSharedRequestBudget({ pool: sharedPool(), accountKey: config.accountKey, perMinute, urgentReserve: URGENT_RESERVE_PER_MINUTE }),
    adminFor: async (shop) => createAdminClient({ shop, accessToken: config.accessToken, endpoint: config.graphqlUrl }),
  }),
);
const runner = await startWorker({
  connectionString: config.databaseUrl,
  registry: tasks,
  cron: [],
  db: prisma,
  logger: silentWorkerLogger,
  pollInterval: 200,
  noHandleSignals: true,
});
const readyRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
process.stdout.write("ready\n");
process.stdin.on("data", async (chunk) => {
  if (!String(chunk).includes("stop")) return;
  sample();
  clearInterval(sampler);
  await runner.stop();
  await closeSharedPool();
  await prisma.$disconnect();
  process.stdout.write(`${JSON.stringify({ peakRssMb: Math.round(peak / 1024 / 1024), readyRssMb, peakHeapMb: Math.round(peakHeap / 1024 / 1024) })}\n`);
  process.exit(0);
});
