/**
 * Wiring of the orders flow's ports for one process: one marketplace gateway per connection (same
 * account key and shared request budget as the stock flow, so both flows draw from one 250/min
 * budget) and two Admin clients per shop (one that retries reads, one that never retries, for
 * orderCreate). Tests and the benchmark pass their own `adminFor` and budgets.
 */
import type { PrismaClient } from "@prisma/client";
import { err, ok, type Result } from "../../lib/result";
import { createConnectionGateways, type ConnectionGateways } from "../../marketplace/connection-gateways.server";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import type { RequestBudget } from "../../marketplace/request-budget";
import { createAdminClient, type AdminClient } from "../../shopify-admin/admin-client.server";
import { offlineAdminAccess } from "../../shopify-admin/offline-access.server";
import { createShopifyOrders, type ShopifyOrdersClients } from "../../shopify-admin/order-mutations.server";
import type { ShopifyOrdersPort } from "./ports";

export type OrdersJobError =
  | { kind: "not-connected"; retryable: false; message: string }
  | { kind: "no-shopify-access"; retryable: false; message: string };

export interface ShopOrderPorts {
  marketplace: MarketplaceGateway;
  marketplaceId: string;
  marketplaceName: string;
  shopify: ShopifyOrdersPort;
  leadTimeDays: number;
}

export interface OrdersRuntime {
  ports(shop: string): Promise<Result<ShopOrderPorts, OrdersJobError>>;
  /** See ImportOrderDeps.settleMs. */
  settleMs: number;
}

export interface OrdersRuntimeOptions {
  db: PrismaClient;
  budgetFor(accountKey: string, perMinute: number): RequestBudget;
  /** The process's gateways, when they are shared with other flows (else built from `budgetFor`). */
  gateways?: ConnectionGateways;
  /** Overrides how a shop's Admin clients are built (tests, benchmarks). */
  adminFor?(shop: string): Promise<ShopifyOrdersClients | null>;
  /** Per-request timeout of the marketplace adapter (its default when absent). */
  marketplaceTimeoutMs?: number;
  settleMs?: number;
}

/**
 * A call sent by a process that died may still land for up to its timeout (the adapter's 10 s,
 * Shopify's answer time), so a resumed run waits this long after a young marker before reading.
 */
export const DEFAULT_SETTLE_MS = 15_000;

/** Offline token from the session table (the simulator's demo token in demo mode). */
async function defaultAdminFor(db: PrismaClient, shop: string): Promise<ShopifyOrdersClients | null> {
  const access = await offlineAdminAccess(db, shop);
  return access ? ordersAdminClients(access) : null;
}

export function ordersAdminClients(options: { shop: string; accessToken: string; endpoint?: string; backoffBaseMs?: number }): ShopifyOrdersClients {
  const admin: AdminClient = createAdminClient(options);
  return { admin, adminNoRetry: createAdminClient({ ...options, maxRetries: 0 }) };
}

export function createOrdersRuntime(options: OrdersRuntimeOptions): OrdersRuntime {
  const gateways =
    options.gateways ?? createConnectionGateways({ db: options.db, budgetFor: options.budgetFor, timeoutMs: options.marketplaceTimeoutMs });
  const shopifyPorts = new Map<string, ShopifyOrdersPort>();
  return {
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
    async ports(shop) {
      const found = await gateways(shop);
      if (!found.ok) return found;
      let shopify = shopifyPorts.get(shop);
      if (!shopify) {
        const clients = await (options.adminFor ? options.adminFor(shop) : defaultAdminFor(options.db, shop));
        if (!clients) return err({ kind: "no-shopify-access", retryable: false, message: "No Shopify access token for this shop: reinstall the app." });
        shopify = createShopifyOrders(clients);
        shopifyPorts.set(shop, shopify);
      }
      const settings = await options.db.shop.findUnique({ where: { shop }, select: { leadTimeDays: true } });
      return ok({
        marketplace: found.value.gateway,
        marketplaceId: found.value.marketplaceId,
        marketplaceName: found.value.marketplaceName,
        shopify,
        leadTimeDays: settings?.leadTimeDays ?? 3,
      });
    },
  };
}
