/**
 * Wiring of the orders flow's ports for one process: one marketplace gateway per connection (same
 * account key and shared request budget as the stock flow, so both flows draw from one 250/min
 * budget) and two Admin clients per shop (one that retries reads, one that never retries, for
 * orderCreate). Tests and the benchmark pass their own `adminFor` and budgets.
 */
import type { PrismaClient } from "@prisma/client";
import { env } from "../../env.server";
import { decryptSecret } from "../../lib/crypto.server";
import { err, ok, type Result } from "../../lib/result";
import { findMarketplace } from "../../marketplace/catalog";
import { createMarketplaceGateway } from "../../marketplace/create-gateway.server";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import type { RequestBudget } from "../../marketplace/request-budget";
import { ADMIN_API_VERSION, createAdminClient, type AdminClient } from "../../shopify-admin/admin-client.server";
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
  const session = await db.session.findFirst({ where: { shop, isOnline: false }, orderBy: { expires: "desc" } });
  const demo = env.DEMO_MODE && env.SHOPIFY_ADMIN_API_URL;
  const accessToken = session?.accessToken ?? (demo ? env.DEMO_SHOPIFY_ACCESS_TOKEN : null);
  if (!accessToken) return null;
  const endpoint = demo ? `${env.SHOPIFY_ADMIN_API_URL}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json` : undefined;
  return ordersAdminClients({ shop, accessToken, endpoint });
}

export function ordersAdminClients(options: { shop: string; accessToken: string; endpoint?: string; backoffBaseMs?: number }): ShopifyOrdersClients {
  const admin: AdminClient = createAdminClient(options);
  return { admin, adminNoRetry: createAdminClient({ ...options, maxRetries: 0 }) };
}

export function createOrdersRuntime(options: OrdersRuntimeOptions): OrdersRuntime {
  const gateways = new Map<string, MarketplaceGateway>();
  const shopifyPorts = new Map<string, ShopifyOrdersPort>();
  return {
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
    async ports(shop) {
      const connection = await options.db.marketplaceConnection.findFirst({ where: { shop }, orderBy: { createdAt: "asc" } });
      if (!connection) return err({ kind: "not-connected", retryable: false, message: "Connect a marketplace in Settings first." });
      const key = `${connection.id}:${connection.updatedAt.getTime()}`;
      let gateway = gateways.get(key);
      if (!gateway) {
        const credentials: Record<string, string> = {
          ...(connection.publicCredentials as Record<string, string>),
          ...(JSON.parse(decryptSecret(connection.secretCredentials)) as Record<string, string>),
        };
        // The same account key as the stock flow: one budget per marketplace account.
        const accountKey = `${connection.marketplaceId}:${connection.baseUrl}:${credentials.username ?? connection.id}`;
        gateway = createMarketplaceGateway({
          marketplaceId: connection.marketplaceId,
          baseUrl: connection.baseUrl,
          credentials,
          budget: options.budgetFor(accountKey, 250),
          timeoutMs: options.marketplaceTimeoutMs,
        });
        for (const k of gateways.keys()) if (k.startsWith(`${connection.id}:`)) gateways.delete(k);
        gateways.set(key, gateway);
      }
      let shopify = shopifyPorts.get(shop);
      if (!shopify) {
        const clients = await (options.adminFor ? options.adminFor(shop) : defaultAdminFor(options.db, shop));
        if (!clients) return err({ kind: "no-shopify-access", retryable: false, message: "No Shopify access token for this shop: reinstall the app." });
        shopify = createShopifyOrders(clients);
        shopifyPorts.set(shop, shopify);
      }
      const settings = await options.db.shop.findUnique({ where: { shop }, select: { leadTimeDays: true } });
      return ok({
        marketplace: gateway,
        marketplaceId: connection.marketplaceId,
        marketplaceName: findMarketplace(connection.marketplaceId)?.name ?? connection.marketplaceId,
        shopify,
        leadTimeDays: settings?.leadTimeDays ?? 3,
      });
    },
  };
}
