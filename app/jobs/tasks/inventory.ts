/**
 * The stock flow's tasks and schedule (issue 5). Registered in app/jobs/tasks.ts and app/jobs/cron.ts
 * with one spread each; the handlers live in app/sync/inventory/stock-jobs.server.ts.
 */
import { z } from "zod";
import { defineTask } from "../task";

const Shop = z.object({ shop: z.string().min(1) });

export const inventoryTasks = {
  /** Reads Shopify's current levels for the items webhooks reported and records desired quantities. */
  "inventory.refresh": defineTask({
    payload: Shop,
    load: () => import("./inventory-handlers.server").then((m) => m.refreshTask),
  }),
  /** Pushes pending stock to the marketplace, riskiest first, within the shared request budget. */
  "inventory.push": defineTask({
    payload: Shop,
    // Retries are scheduled by the pusher itself (per SKU and for outages); the worker's own
    // attempts only cover crashes.
    maxAttempts: 25,
    // A run pushes for PUSH_SLICE_MS (60 s) and hands over; five minutes means it is stuck.
    timeoutMs: 5 * 60_000,
    load: () => import("./inventory-handlers.server").then((m) => m.pushTask),
  }),
  /** Compares every mapped SKU with what the marketplace shows and queues corrections. */
  "inventory.reconcile": defineTask({
    payload: Shop.extend({ runId: z.string().optional(), trigger: z.enum(["schedule", "manual", "onboarding", "bench"]).default("schedule") }),
    maxAttempts: 3,
    load: () => import("./inventory-handlers.server").then((m) => m.reconcileTask),
  }),
  /** The scheduled fan-out: one reconciliation per shop that publishes stock. */
  "inventory.reconcile-all": defineTask({
    payload: z.object({}),
    maxAttempts: 3,
    load: () => import("./inventory-handlers.server").then((m) => m.reconcileAllTask),
  }),
};

/** Hourly drift healing (minute 41, away from the top of the hour when other schedules run). */
export const inventoryCronItems = [
  {
    task: "inventory.reconcile-all" as const,
    match: "41 * * * *",
    identifier: "inventory.reconcile-all",
    options: { backfillPeriod: 0, jobKey: "inventory.reconcile-all", maxAttempts: 3 },
  },
];
