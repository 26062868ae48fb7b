/**
 * Task handlers of the orders flow: adapt the worker's context to the use cases. The process's
 * OrdersRuntime is created on first use; tests, the SIGKILL proof's worker and the benchmark
 * install their own with `setOrdersRuntime`.
 */
import { createHash } from "node:crypto";
import { err, ok, type Result } from "../../lib/result";
import { describeMarketplaceError } from "../../marketplace/marketplace-errors";
import { importOrder } from "../../sync/orders/import-order.server";
import { createOrdersRuntime, type OrdersRuntime } from "../../sync/orders/orders-runtime.server";
import { pollOrders } from "../../sync/orders/poll-orders.server";
import type { EnqueueOrderImport } from "../../sync/orders/ports";
import { addJob } from "../queue.server";
import type { TaskContext, TaskError, TaskHandler } from "../task";

let runtime: OrdersRuntime | null = null;

/** Installs the process's orders runtime (the worker entry point, tests, the benchmark). */
export function setOrdersRuntime(value: OrdersRuntime): void {
  runtime = value;
}

async function ordersRuntime(context: TaskContext): Promise<OrdersRuntime> {
  if (!runtime) {
    const { productionGateways, sharedBudgetFor } = await import("../production-gateways.server");
    runtime = createOrdersRuntime({ db: context.db, budgetFor: sharedBudgetFor, gateways: productionGateways(context.db) });
  }
  return runtime;
}

/**
 * Imports run in a few serial lanes per shop: an order always lands in the same lane, so one
 * order's steps never run in two workers at once, while orders in other lanes go in parallel.
 * Within a lane graphile-worker takes the lowest priority (nearest deadline) first.
 */
export const IMPORT_LANES = 8;

export function importQueueName(shop: string, orderRecordId: string): string {
  const lane = createHash("sha1").update(orderRecordId).digest().readUInt8(0) % IMPORT_LANES;
  return `orders:${shop}:${lane}`;
}

export const enqueueOrderImport: EnqueueOrderImport = (shop, orderRecordId, options) =>
  addJob(
    undefined,
    "orders.import",
    { shop, orderId: orderRecordId },
    {
      // One waiting or running job per order: a repeated poll adds nothing while one exists.
      jobKey: `orders.import:${orderRecordId}`,
      jobKeyMode: "unsafe_dedupe",
      queueName: importQueueName(shop, orderRecordId),
      priority: options.priority,
      runAt: options.runAt,
      maxAttempts: 12,
    },
  );

export const pollTask: TaskHandler<{ shop: string; trigger: "schedule" | "manual" }> = async (payload, context): Promise<Result<unknown, TaskError>> => {
  const rt = await ordersRuntime(context);
  const ports = await rt.ports(payload.shop);
  if (!ports.ok) return ports;
  const polled = await pollOrders(
    { db: context.db, marketplace: ports.value.marketplace, marketplaceId: ports.value.marketplaceId, clock: { now: context.now }, enqueue: enqueueOrderImport },
    payload.shop,
  );
  return polled.ok ? ok(polled.value) : err({ kind: polled.error.kind, retryable: polled.error.retryable, message: describeMarketplaceError(polled.error) });
};

export const pollAllTask: TaskHandler<Record<string, never>> = async (_payload, context) => {
  const shops = await context.db.marketplaceConnection.findMany({ select: { shop: true }, distinct: ["shop"] });
  // Cron runs once a minute; a second poll half a minute later halves the wait for a new order
  // (2 requests a minute of the marketplace's 250, well worth an acknowledgement sooner).
  const halfMinuteLater = new Date(context.now().getTime() + 30_000);
  for (const { shop } of shops) {
    await enqueueOrderPoll(shop, "schedule");
    await addJob(undefined, "orders.poll", { shop, trigger: "schedule" }, { jobKey: `orders.poll-half:${shop}`, queueName: pollQueue(shop), runAt: halfMinuteLater, maxAttempts: 3, priority: -100 });
  }
};

/** Queues a poll for one shop (cron fan-out and the orders page's "sync now"). */
export function enqueueOrderPoll(shop: string, trigger: "schedule" | "manual"): Promise<void> {
  return addJob(undefined, "orders.poll", { shop, trigger }, { jobKey: `orders.poll:${shop}`, queueName: pollQueue(shop), maxAttempts: 3, priority: -100 });
}

/** One poll at a time per shop: the scheduled, half-minute and "sync now" polls never overlap. */
const pollQueue = (shop: string) => `orders-poll:${shop}`;

export const importTask: TaskHandler<{ shop: string; orderId: string }> = async (payload, context) => {
  const rt = await ordersRuntime(context);
  const ports = await rt.ports(payload.shop);
  if (!ports.ok) return ports;
  const outcome = await importOrder({ db: context.db, clock: { now: context.now }, settleMs: rt.settleMs, ...ports.value }, payload.shop, payload.orderId);
  if (!outcome.ok) {
    await context.db.orderRecord.updateMany({ where: { id: payload.orderId, shop: payload.shop }, data: { lastError: outcome.error.message.slice(0, 2000) } });
  }
  return outcome;
};
