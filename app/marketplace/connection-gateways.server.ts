/**
 * One marketplace gateway per stored connection, kept for the life of the process, so every flow
 * (stock, orders, dispatch, first sync) shares one login, one product-id cache and one request
 * budget per marketplace account. A changed connection (new credentials or URL) gets a new gateway.
 */
import type { PrismaClient } from "@prisma/client";
import { decryptSecret } from "../lib/crypto.server";
import { err, ok, type Result } from "../lib/result";
import { findMarketplace } from "./catalog";
import { createMarketplaceGateway, MarketplaceConfigurationError } from "./create-gateway.server";
import type { MarketplaceGateway } from "./marketplace-gateway";
import type { RequestBudget } from "./request-budget";

export interface ShopGateway {
  gateway: MarketplaceGateway;
  connectionId: string;
  marketplaceId: string;
  marketplaceName: string;
}

export type ShopGatewayError = { kind: "not-connected"; retryable: false; message: string };

/** The shop's gateway, or why there is none. */
export type ConnectionGateways = (shop: string) => Promise<Result<ShopGateway, ShopGatewayError>>;

export interface ConnectionGatewaysOptions {
  db: Pick<PrismaClient, "marketplaceConnection">;
  /** The shared request budget of one marketplace account. */
  budgetFor(accountKey: string, perMinute: number): RequestBudget;
  /** Per-request timeout of the adapter (its default when absent). */
  timeoutMs?: number;
}

/**
 * The key of a marketplace account's budget: the platform counts requests per API user, whatever
 * Shopify shop (or connection row) the requests are made for.
 */
export function marketplaceAccountKey(input: { marketplaceId: string; baseUrl: string; connectionId: string; username?: string }): string {
  return `${input.marketplaceId}:${input.baseUrl}:${input.username ?? input.connectionId}`;
}

export function createConnectionGateways(options: ConnectionGatewaysOptions): ConnectionGateways {
  const gateways = new Map<string, ShopGateway>();
  return async (shop) => {
    const connection = await options.db.marketplaceConnection.findFirst({ where: { shop }, orderBy: { createdAt: "asc" } });
    if (!connection) return err({ kind: "not-connected", retryable: false, message: "Connect a marketplace in Settings first." });
    const key = `${connection.id}:${connection.updatedAt.getTime()}`;
    const cached = gateways.get(key);
    if (cached) return ok(cached);
    const credentials: Record<string, string> = {
      ...(connection.publicCredentials as Record<string, string>),
      ...(JSON.parse(decryptSecret(connection.secretCredentials)) as Record<string, string>),
    };
    const marketplace = findMarketplace(connection.marketplaceId);
    if (!marketplace) throw new MarketplaceConfigurationError(`Unknown marketplace "${connection.marketplaceId}".`);
    const accountKey = marketplaceAccountKey({
      marketplaceId: connection.marketplaceId,
      baseUrl: connection.baseUrl,
      connectionId: connection.id,
      username: credentials.username,
    });
    const gateway = createMarketplaceGateway({
      marketplaceId: connection.marketplaceId,
      baseUrl: connection.baseUrl,
      credentials,
      budget: options.budgetFor(accountKey, marketplace.requestsPerMinute),
      timeoutMs: options.timeoutMs,
    });
    for (const k of gateways.keys()) if (k.startsWith(`${connection.id}:`)) gateways.delete(k);
    const entry: ShopGateway = {
      gateway,
      connectionId: connection.id,
      marketplaceId: connection.marketplaceId,
      marketplaceName: marketplace.name,
    };
    gateways.set(key, entry);
    return ok(entry);
  };
}
