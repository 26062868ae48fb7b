/**
 * The dispatch and cancellation flows' tasks and schedule (issue 7). Registered in app/jobs/tasks.ts,
 * app/jobs/cron.ts and app/sync/webhooks/webhook-handlers.server.ts with one spread each; the
 * handlers live in ./fulfillment-handlers.server.ts.
 */
import { z } from "zod";
import { defineTask } from "../task";

const Shop = z.object({ shop: z.string().min(1) });

export const fulfillmentTasks = {
  /** Confirms one parcel to the marketplace (high priority, urgent request budget). */
  "fulfillment.dispatch": defineTask({
    payload: Shop.extend({ dispatchId: z.string().min(1) }),
    // exp(n) s backoff: 12 attempts spread over about 2.5 days; the stuck check re-queues after that.
    maxAttempts: 12,
    load: () => import("./fulfillment-handlers.server").then((m) => m.dispatchTask),
  }),
  /** Flags parcels not confirmed in time, re-queues them, and recovers fulfillments whose webhook was lost. */
  "fulfillment.check-stuck": defineTask({
    payload: z.object({}),
    maxAttempts: 3,
    load: () => import("./fulfillment-handlers.server").then((m) => m.checkStuckTask),
  }),
  /** Reads the marketplace's cancellation requests for one shop. */
  "cancellations.poll": defineTask({
    payload: Shop,
    maxAttempts: 5,
    load: () => import("./fulfillment-handlers.server").then((m) => m.pollCancellationsTask),
  }),
  /** The scheduled fan-out: one cancellations.poll per connected shop. */
  "cancellations.poll-all": defineTask({
    payload: z.object({}),
    maxAttempts: 3,
    load: () => import("./fulfillment-handlers.server").then((m) => m.pollAllCancellationsTask),
  }),
  /** Moves one cancellation through its steps (Shopify restock, marketplace acknowledgement or portal task). */
  "cancellations.process": defineTask({
    payload: Shop.extend({ cancellationId: z.string().min(1) }),
    maxAttempts: 12,
    load: () => import("./fulfillment-handlers.server").then((m) => m.processCancellationTask),
  }),
};

/** Every five minutes: SLA-relevant, and each run is a few cheap queries when nothing is wrong. */
export const fulfillmentCronItems = [
  {
    task: "fulfillment.check-stuck" as const,
    match: "*/5 * * * *",
    identifier: "fulfillment.check-stuck",
    options: { backfillPeriod: 0, jobKey: "fulfillment.check-stuck", maxAttempts: 3 },
  },
  {
    task: "cancellations.poll-all" as const,
    match: "*/5 * * * *",
    identifier: "cancellations.poll-all",
    options: { backfillPeriod: 0, jobKey: "cancellations.poll-all", maxAttempts: 3 },
  },
];

/** Shopify topics these flows handle (as `authenticate.webhook` names them). */
export const fulfillmentWebhookHandlers = {
  FULFILLMENTS_CREATE: () => import("./fulfillment-handlers.server").then((m) => m.handleFulfillmentDelivery),
  FULFILLMENTS_UPDATE: () => import("./fulfillment-handlers.server").then((m) => m.handleFulfillmentDelivery),
  ORDERS_CANCELLED: () => import("./fulfillment-handlers.server").then((m) => m.handleOrderCancelledDelivery),
  REFUNDS_CREATE: () => import("./fulfillment-handlers.server").then((m) => m.handleRefundCreatedDelivery),
};
