/**
 * Task handler of the first sync: wires the use case's ports from the stock and orders flows'
 * exported functions for one shop. The stock runtime (one marketplace gateway per connection,
 * budgets shared through PostgreSQL) is created on first use; tests install their own with
 * `setOnboardingStockRuntime`.
 */
import type { PrismaClient } from "@prisma/client";
import { env } from "../../env.server";
import { err, ok } from "../../lib/result";
import { ADMIN_API_VERSION, createAdminClient } from "../../shopify-admin/admin-client.server";
import { createInventoryReader } from "../../shopify-admin/inventory-queries.server";
import { updateStockSettings } from "../../sync/inventory/get-inventory-overview.server";
import { autoMatchSkus } from "../../sync/inventory/manage-sku-mappings.server";
import { runReconcileJob, type StockRuntime } from "../../sync/inventory/stock-jobs.server";
import { adminTransport } from "../../sync/inventory/stock-runtime.server";
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

/** The shop's offline Admin token, or the simulator's in demo mode (as the other flows do). */
async function inventoryReaderFor(db: PrismaClient, shop: string) {
  const session = await db.session.findFirst({ where: { shop, isOnline: false }, orderBy: { expires: "desc" } });
  const demo = env.DEMO_MODE && env.SHOPIFY_ADMIN_API_URL;
  const accessToken = session?.accessToken ?? (demo ? env.DEMO_SHOPIFY_ACCESS_TOKEN : null);
  if (!accessToken) return null;
  const endpoint = demo ? `${env.SHOPIFY_ADMIN_API_URL}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json` : undefined;
  return createInventoryReader({ transport: adminTransport(createAdminClient({ shop, accessToken, endpoint })) });
}

export const firstSyncTask: TaskHandler<{ shop: string }> = async ({ shop }, context) => {
  const reader = await inventoryReaderFor(context.db, shop);
  if (!reader) return err({ kind: "no-shopify-access", retryable: false, message: "No Shopify access token for this shop: reinstall the app." });
  const runtime = await runtimeFor(context);
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
