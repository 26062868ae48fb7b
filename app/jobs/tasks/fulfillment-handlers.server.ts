/**
 * Task and webhook handlers of the dispatch and cancellation flows: adapt the worker's context to
 * the use cases in app/sync/fulfillment and app/sync/cancellations. The process's deps are built
 * on first use; tests install their own with `setFlowDeps`.
 */
import { ok } from "../../lib/result";
import { pollMarketplaceCancellations, processCancellation, isOwnRefund, recordMerchantCancellation } from "../../sync/cancellations/cancellations.server";
import { checkStuckDispatches } from "../../sync/fulfillment/check-stuck-dispatches.server";
import type { FlowDeps } from "../../sync/fulfillment/ports";
import { recordFulfillment } from "../../sync/fulfillment/record-fulfillment.server";
import { sendDispatch } from "../../sync/fulfillment/send-dispatch.server";
import type { WebhookHandler } from "../../sync/webhooks/webhook-handlers.server";
import { StoredFulfillment, StoredOrderCancelled, StoredRefundCreated } from "../../sync/fulfillment/stored-payloads";
import type { TaskContext, TaskHandler } from "../task";

let deps: FlowDeps | null = null;
let factory: ((context: Pick<TaskContext, "db">) => Promise<FlowDeps>) | null = null;

/** Installs the process's flow deps (tests, the demo); the worker otherwise builds production ones. */
export function setFlowDeps(value: FlowDeps | ((context: Pick<TaskContext, "db">) => Promise<FlowDeps>) | null): void {
  if (typeof value === "function") {
    factory = value;
    deps = null;
  } else {
    deps = value;
    factory = null;
  }
}

async function depsFor(context: Pick<TaskContext, "db">): Promise<FlowDeps> {
  if (!deps) {
    const make = factory ?? (async (c: Pick<TaskContext, "db">) => (await import("../../sync/fulfillment/flow-runtime.server")).productionFlowDeps(c.db));
    deps = await make(context);
  }
  return deps;
}

export const dispatchTask: TaskHandler<{ shop: string; dispatchId: string }> = async (payload, context) =>
  sendDispatch(await depsFor(context), payload.shop, payload.dispatchId);

export const checkStuckTask: TaskHandler<Record<string, never>> = async (_payload, context) => {
  await checkStuckDispatches(await depsFor(context));
};

export const pollCancellationsTask: TaskHandler<{ shop: string }> = async (payload, context) =>
  pollMarketplaceCancellations(await depsFor(context), payload.shop);

export const pollAllCancellationsTask: TaskHandler<Record<string, never>> = async (_payload, context) => {
  const d = await depsFor(context);
  const shops = await context.db.marketplaceConnection.findMany({ distinct: ["shop"], select: { shop: true } });
  for (const { shop } of shops) await d.enqueue(undefined, { task: "cancellations.poll", payload: { shop } });
};

export const processCancellationTask: TaskHandler<{ shop: string; cancellationId: string }> = async (payload, context) =>
  processCancellation(await depsFor(context), payload.shop, payload.cancellationId);

/** fulfillments/create and fulfillments/update. */
export const handleFulfillmentDelivery: WebhookHandler = async (delivery, context) => {
  const f = StoredFulfillment.parse(delivery.payload);
  return recordFulfillment(await depsFor(context), delivery.shop, {
    ...f,
    // Shopify's updated_at on fulfillments/create is its creation time: the dispatch date.
    createdAt: delivery.topic === "FULFILLMENTS_CREATE" ? f.updatedAt : null,
  });
};

/** orders/cancelled: the merchant cancelled a marketplace order in Shopify. */
export const handleOrderCancelledDelivery: WebhookHandler = async (delivery, context) => {
  const order = StoredOrderCancelled.parse(delivery.payload);
  await recordMerchantCancellation(await depsFor(context), delivery.shop, {
    shopifyOrderGid: order.orderGid,
    lines: "all",
    reason: `Cancelled in Shopify${order.cancelReason ? ` (${order.cancelReason})` : ""}.`,
  });
  return ok(undefined);
};

/** refunds/create: lines refunded with restock "cancel" are cancelled lines; our own refunds are skipped. */
export const handleRefundCreatedDelivery: WebhookHandler = async (delivery, context) => {
  const refund = StoredRefundCreated.parse(delivery.payload);
  if (isOwnRefund(refund.note)) return ok(undefined);
  const lines = refund.lines.filter((l) => l.restockType?.toLowerCase() === "cancel").map((l) => ({ lineItemGid: l.lineItemGid, quantity: l.quantity }));
  if (lines.length === 0) return ok(undefined);
  await recordMerchantCancellation(await depsFor(context), delivery.shop, { shopifyOrderGid: refund.orderGid, lines, reason: "Cancelled (refunded with restock) in Shopify." });
  return ok(undefined);
};
