/**
 * Production wiring of the stock flow's ports for one process: the Admin client per shop (offline
 * session token; the simulator in demo mode) and one marketplace gateway per connection, kept for
 * the life of the process so the adapter's product-id cache and login survive between jobs.
 */
import type { PrismaClient } from "@prisma/client";
import { err, ok, type Result } from "../../lib/result";
import { createConnectionGateways, type ConnectionGateways } from "../../marketplace/connection-gateways.server";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import type { RequestBudget } from "../../marketplace/request-budget";
import { createAdminClient, type AdminClient } from "../../shopify-admin/admin-client.server";
import { offlineAdminAccess } from "../../shopify-admin/offline-access.server";
import { createInventoryReader, type GraphqlTransport } from "../../shopify-admin/inventory-queries.server";
import type { InventoryReader } from "./ports";
import { LIST_PAGE_SIZE } from "./reconcile-stock.server";
import type { StockJobError, StockRuntime } from "./stock-jobs.server";

export interface StockRuntimeOptions {
  db: PrismaClient;
  /** The shared request budget of one marketplace account (app/jobs/request-budget.server.ts). */
  budgetFor(accountKey: string, perMinute: number): RequestBudget;
  /** The process's gateways, when they are shared with other flows (else built from `budgetFor`). */
  gateways?: ConnectionGateways;
  /** Overrides how a shop's Admin client is built (tests, benchmarks). */
  adminFor?(shop: string): Promise<AdminClient | null>;
}

/** Adapts the worker's Admin client to the reader's transport (the client already paces itself). */
export function adminTransport(admin: AdminClient): GraphqlTransport {
  return async (query, variables) => {
    const res = await admin.request<unknown>(query, variables);
    if (res.ok) return ok({ data: res.value.data, extensions: res.value.cost ? { cost: res.value.cost } : undefined });
    const e = res.error;
    switch (e.kind) {
      case "graphql":
        return ok({ errors: e.errors.map((x) => ({ message: x.message, extensions: x.extensions })) });
      case "throttled":
        return err({ kind: "throttled", retryable: true, retryAfterMs: e.retryAfterMs });
      case "unavailable":
        return err({ kind: "unavailable", retryable: true, message: e.message });
      case "unauthorized":
        return err({ kind: "failed", retryable: false, message: `Shopify refused the access token (${e.status}).` });
    }
  };
}

async function defaultAdminFor(db: PrismaClient, shop: string): Promise<AdminClient | null> {
  const access = await offlineAdminAccess(db, shop);
  return access ? createAdminClient(access) : null;
}

export function createStockRuntime(options: StockRuntimeOptions): StockRuntime {
  const gateways = options.gateways ?? createConnectionGateways({ db: options.db, budgetFor: options.budgetFor });
  const readers = new Map<string, InventoryReader>();
  const warmed = new WeakSet<MarketplaceGateway>();
  const current = async (shop: string) => {
    const gateway = await runtime.marketplace(shop);
    return gateway.ok ? gateway.value : null;
  };
  const runtime: StockRuntime = {
    async shopify(shop): Promise<Result<InventoryReader, StockJobError>> {
      const cached = readers.get(shop);
      if (cached) return ok(cached);
      const admin = await (options.adminFor ? options.adminFor(shop) : defaultAdminFor(options.db, shop));
      if (!admin) return err({ kind: "shopify", retryable: false, message: "No Shopify access token for this shop: reinstall the app." });
      const reader = createInventoryReader({ transport: adminTransport(admin) });
      readers.set(shop, reader);
      return ok(reader);
    },
    async marketplace(shop): Promise<Result<MarketplaceGateway, StockJobError>> {
      const found = await gateways(shop);
      return found.ok ? ok(found.value.gateway) : found;
    },
    async warm(shop) {
      const gateway = await current(shop);
      if (!gateway || warmed.has(gateway)) return;
      // Listing teaches the adapter every product id; a failure only means look-ups later.
      let cursor: string | undefined;
      do {
        const page = await gateway.listStock({ cursor, limit: LIST_PAGE_SIZE });
        if (!page.ok) return;
        cursor = page.value.nextCursor;
      } while (cursor);
      warmed.add(gateway);
    },
    async noteWarm(shop) {
      const gateway = await current(shop);
      if (gateway) warmed.add(gateway);
    },
  };
  return runtime;
}
