/**
 * A worker process for the orders proofs (SIGKILL test, benchmark): graphile-worker with the app's
 * real task registry and handlers (D's wrapTask), the orders runtime pointed at the simulators
 * (or the fault proxies in front of them), and crash recovery for jobs left locked by a killed
 * predecessor. Configured by ORDERS_RUNNER_CONFIG (JSON); DATABASE_URL comes from the parent.
 *
 *   tsx test/integration/orders-worker-runner.ts
 */
import { EventEmitter } from "node:events";
import { Logger, run, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { z } from "zod";
import { prisma } from "../../app/db.server";
import { createSharedRequestBudget } from "../../app/jobs/request-budget.server";
import { setOrdersRuntime } from "../../app/jobs/tasks/orders-handlers.server";
import { recoverDeadWorkers, startWorkerLiveness } from "../../app/jobs/worker-liveness.server";
import { tasks } from "../../app/jobs/tasks";
import { wrapTask } from "../../app/jobs/worker.server";
import { createOrdersRuntime, ordersAdminClients } from "../../app/sync/orders/orders-runtime.server";

const Config = z.object({
  shopifyEndpoint: z.string(),
  shopifyToken: z.string(),
  settleMs: z.number().int().min(0),
  concurrency: z.number().int().min(1).default(4),
  perMinute: z.number().int().min(1).default(250),
  urgentReserve: z.number().int().min(0).default(10),
  marketplaceTimeoutMs: z.number().int().min(100).default(2_000),
  /** First retry delay of the Admin client for reads (production: 500 ms). */
  shopifyBackoffMs: z.number().int().min(1).default(500),
});
const config = Config.parse(JSON.parse(process.env.ORDERS_RUNNER_CONFIG ?? "{}"));
const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error("DATABASE_URL must be set");

const pool = new pg.Pool({ connectionString, max: 4 });
pool.on("error", () => {});
const budgets = new Map<string, ReturnType<typeof createSharedRequestBudget>>();
setOrdersRuntime(
  createOrdersRuntime({
    db: prisma,
    settleMs: config.settleMs,
    marketplaceTimeoutMs: config.marketplaceTimeoutMs,
    adminFor: async (shop) => ordersAdminClients({ shop, accessToken: config.shopifyToken, endpoint: config.shopifyEndpoint, backoffBaseMs: config.shopifyBackoffMs }),
    budgetFor: (accountKey, _perMinute) => {
      let budget = budgets.get(accountKey);
      if (!budget) {
        budget = createSharedRequestBudget({ pool, accountKey, perMinute: config.perMinute, urgentReserve: config.urgentReserve });
        budgets.set(accountKey, budget);
      }
      return budget;
    },
  }),
);

const events = new EventEmitter() as WorkerEvents;
await startWorkerLiveness({ connectionString, events });
const recover = async () => {
  const outcome = await recoverDeadWorkers(pool, { graceMs: 1_000 }).catch(() => null);
  if (outcome?.workers.length) process.stdout.write(`recovered ${outcome.workers.length}\n`);
};
await recover();
setInterval(() => void recover(), 500).unref();

const taskList: TaskList = {};
for (const [name, definition] of Object.entries(tasks)) taskList[name] = wrapTask(name, definition, prisma);
const runner = await run({
  connectionString,
  concurrency: config.concurrency,
  taskList,
  events,
  parsedCronItems: [],
  logger: new Logger(() => () => {}),
  pollInterval: 200,
  noHandleSignals: true,
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => void runner.stop().then(() => process.exit(0)));
await runner.promise;
