/**
 * Production wiring of the stock flow's ports for one process: the Admin client per shop (offline
 * session token; the simulator in demo mode) and one marketplace gateway per connection, kept for
 * the life of the process so the adapter's product-id cache and login survive between jobs.
 */
import type { PrismaClient } from "@prisma/client";
import { env } from "../../env.server";
import { decryptSecret } from "../../lib/crypto.server";
import { err, ok, type Result } from "../../lib/result";
import { createMarketplaceGateway } from "../../marketplace/create-gateway.server";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import type { RequestBudget } from "../../marketplace/request-budget";
import { ADMIN_API_VERSION, createAdminClient, type AdminClient } from "../../shopify-admin/admin-client.server";
import { createInventoryReader, type GraphqlTransport } from "../../shopify-admin/inventory-queries.server";
import type { InventoryReader } from "./ports";
import type { StockJobError, StockRuntime } from "./stock-jobs.server";

export interface StockRuntimeOptions {
  db: PrismaClient;
  /** The shared request budget of one marketplace account (app/jobs/request-budget.server.ts). */
  budgetFor(accountKey: string, perMinute: number): RequestBudget;
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
  const session = await db.session.findFirst({ where: { shop, isOnline: false }, orderBy: { expires: "desc" } });
  const demo = env.DEMO_MODE && env.SHOPIFY_ADMIN_API_URL;
  const accessToken = session?.accessToken ?? (demo ? env.DEMO_SHOPIFY_ACCESS_TOKEN : null);
  if (!accessToken) return null;
  const endpoint = demo ? `${env.SHOPIFY_ADMIN_API_URL}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json` : undefined;
  return createAdminClient({ shop, accessToken, endpoint });
}

export function createStockRuntime(options: StockRuntimeOptions): StockRuntime {
  const gateways = new Map<string, MarketplaceGateway>();
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
      const connection = await options.db.marketplaceConnection.findFirst({ where: { shop }, orderBy: { createdAt: "asc" } });
      if (!connection) return err({ kind: "not-connected", retryable: false, message: "Connect a marketplace in Settings first." });
      // A changed connection (new credentials or URL) gets a new gateway; the key covers both.
      const key = `${connection.id}:${connection.updatedAt.getTime()}`;
      const cached = gateways.get(key);
      if (cached) return ok(cached);
      const credentials: Record<string, string> = {
        ...(connection.publicCredentials as Record<string, string>),
        ...(JSON.parse(decryptSecret(connection.secretCredentials)) as Record<string, string>),
      };
      const accountKey = `${connection.marketplaceId}:${connection.baseUrl}:${credentials.username ?? connection.id}`;
      const gateway = createMarketplaceGateway({
        marketplaceId: connection.marketplaceId,
        baseUrl: connection.baseUrl,
        credentials,
        budget: options.budgetFor(accountKey, 250),
      });
      for (const k of gateways.keys()) if (k.startsWith(`${connection.id}:`)) gateways.delete(k);
      gateways.set(key, gateway);
      return ok(gateway);
    },
    async warm(shop) {
      const gateway = await current(shop);
      if (!gateway || warmed.has(gateway)) return;
      // Listing teaches the adapter every product id; a failure only means look-ups later.
      let cursor: string | undefined;
      do {
        const page = await gateway.listStock({ cursor, limit: 1000 });
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
