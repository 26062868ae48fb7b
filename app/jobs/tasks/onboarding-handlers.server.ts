/**
 * Task handler of the first sync: wires the use case's ports from the stock and orders flows'
 * exported functions for one shop. The stock runtime (one marketplace gateway per connection,
 * budgets shared through PostgreSQL) is created on first use; tests install their own with
 * `setOnboardingStockRuntime`.
 */
import { err, ok } from "../../lib/result";
import { updateStockSettings } from "../../sync/inventory/get-inventory-overview.server";
import { autoMatchSkus } from "../../sync/inventory/manage-sku-mappings.server";
import { runReconcileJob, type StockRuntime } from "../../sync/inventory/stock-jobs.server";
import { runFirstSync, type FirstSyncDeps } from "../../sync/onboarding/run-first-sync.server";
import { enqueueStockJob } from "./inventory-handlers.server";
import { enqueueOrderPoll } from "./orders-handlers.server";
import type { TaskContext, TaskHandler } from "../task";

let stockRuntime: StockRuntime | null = null;

/** Installs the stock runtime the first sync reconciles with (tests). */
export function setOnboardingStockRuntime(value: StockRuntime): void {
  stockRuntime = value;
}

async function runtimeFor(context: TaskContext): Promise<StockRuntime> {
  if (!stockRuntime) {
    const { productionStockRuntime } = await import("../../sync/inventory/production-stock-runtime.server");
    stockRuntime = await productionStockRuntime(context);
  }
  return stockRuntime;
}

export const firstSyncTask: TaskHandler<{ shop: string }> = async ({ shop }, context) => {
  const runtime = await runtimeFor(context);
  const shopify = await runtime.shopify(shop);
  if (!shopify.ok) return err({ kind: "no-shopify-access", retryable: false, message: shopify.error.message });
  const reader = shopify.value;
  const stock = { db: context.db, clock: { now: context.now }, enqueue: enqueueStockJob, runtime };
  const deps: FirstSyncDeps = {
    db: context.db,
    now: context.now,
    listLocations: () => reader.listLocations(),
    saveLocations: (ids, actor) => updateStockSettings(context.db, shop, actor, { publishedLocationIds: ids, globalBuffer: 0 }, context.now()),
    reconcile: () => runReconcileJob(stock, { shop, trigger: "onboarding" }).then((r) => (r.ok ? ok(r.value) : err(r.error))),
    autoMatch: (actor) => autoMatchSkus({ db: context.db, shopify: reader, now: context.now() }, shop, actor),
    releaseOrders: () => enqueueOrderPoll(shop, "manual"),
  };
  return runFirstSync(deps, shop);
};
