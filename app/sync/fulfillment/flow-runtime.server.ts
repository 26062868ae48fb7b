/**
 * Production wiring of the dispatch and cancellation flows' ports for one process: order links
 * from the Orders flow's records, the marketplace gateway per connection (shared request budget
 * through PostgreSQL), the Admin client per shop (the simulator in demo mode) and the job queue.
 */
import type { PrismaClient } from "@prisma/client";
import { enqueueJob } from "../../jobs/queue.server";
import { err, ok } from "../../lib/result";
import { createAdminClient, type AdminClient } from "../../shopify-admin/admin-client.server";
import { offlineAdminAccess } from "../../shopify-admin/offline-access.server";
import { orderQueue } from "../webhooks/webhook-payloads";
import { createPrismaOrderLinks } from "./order-links.server";
import type { EnqueueFlowJob, FlowDeps } from "./ports";
import { createShopifyOrders } from "./shopify-orders.server";
import type { ShopifyOrders } from "./shopify-orders";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";

/** Dispatch confirmations run before routine work (graphile-worker: lower priority runs first). */
export const DISPATCH_PRIORITY = -10;

/**
 * The queue: dispatches coalesce per parcel; cancellations run in the shop's order queue, after its
 * webhooks. Every keyed job also has a named queue: graphile-worker re-adding a key whose job is
 * running starts the new job at once, beside the running one, unless a queue holds it back.
 */
export const queueEnqueue: EnqueueFlowJob = async (tx, job) => {
  switch (job.task) {
    case "fulfillment.dispatch":
      // One shop's dispatches in turn: a parcel is never confirmed by two runs at once, and a
      // shop's few confirmations a minute fit well inside the budget.
      return enqueueJob(tx, job.task, job.payload, {
        priority: DISPATCH_PRIORITY,
        jobKey: `dispatch:${job.payload.dispatchId}`,
        queueName: `dispatch:${job.payload.shop}`,
      });
    case "cancellations.process":
      return enqueueJob(tx, job.task, job.payload, { priority: DISPATCH_PRIORITY, queueName: orderQueue(job.payload.shop) });
    case "cancellations.poll":
      return enqueueJob(tx, job.task, job.payload, { jobKey: `cancellations.poll:${job.payload.shop}`, queueName: `cancellations-poll:${job.payload.shop}` });
  }
};

async function adminFor(db: PrismaClient, shop: string): Promise<AdminClient | null> {
  const access = await offlineAdminAccess(db, shop);
  return access ? createAdminClient(access) : null;
}

export interface FlowRuntimeOptions {
  db: PrismaClient;
  /** The shop's gateway (the worker shares the stock runtime's, so one login and budget per account). */
  marketplace: FlowDeps["marketplace"];
  adminFor?: (shop: string) => Promise<AdminClient | null>;
  enqueue?: EnqueueFlowJob;
  now?: () => Date;
}

export function createFlowDeps(options: FlowRuntimeOptions): FlowDeps {
  const shopifyCache = new Map<string, ShopifyOrders>();
  return {
    db: options.db,
    now: options.now ?? (() => new Date()),
    links: createPrismaOrderLinks(options.db),
    marketplace: options.marketplace,
    enqueue: options.enqueue ?? queueEnqueue,
    async shopify(shop) {
      const cached = shopifyCache.get(shop);
      if (cached) return ok(cached);
      const admin = await (options.adminFor ?? ((s: string) => adminFor(options.db, s)))(shop);
      if (!admin) return err({ kind: "shopify" as const, retryable: false, message: "No Shopify access token for this shop: reinstall the app." });
      const port = createShopifyOrders(admin);
      shopifyCache.set(shop, port);
      return ok(port);
    },
  };
}

/** The worker's deps: gateways from the stock runtime's production wiring (shared budgets). */
export async function productionFlowDeps(db: PrismaClient): Promise<FlowDeps> {
  const { productionStockRuntime } = await import("../inventory/production-stock-runtime.server");
  const stock = await productionStockRuntime({ db });
  return createFlowDeps({
    db,
    marketplace: async (shop) => {
      const res = await stock.marketplace(shop);
      return res.ok ? ok<MarketplaceGateway>(res.value) : err({ kind: "not-connected" as const, retryable: res.error.retryable, message: res.error.message });
    },
  });
}
