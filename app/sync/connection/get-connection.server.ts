import type { ShopDomain } from "../../lib/ids";
import type { ConnectionStore, ConnectionStatus, StoredConnection } from "./connection-store";
import type { ConnectionEnvironment, MarketplaceOption } from "./marketplace-option";

/**
 * A connection as the browser may see it: public fields only. Secrets are reduced to "is set"
 * flags, so the settings form can say "leave blank to keep the saved password".
 */
export interface ConnectionView {
  marketplaceId: string;
  marketplaceName: string;
  environment: ConnectionEnvironment;
  baseUrl: string;
  /** True when the base URL is not the catalogue's for the environment (e.g. a simulator). */
  baseUrlIsCustom: boolean;
  publicCredentials: Record<string, string>;
  secretsSet: Record<string, boolean>;
  status: ConnectionStatus;
  /** ISO-8601. */
  lastCheckedAt: string | null;
  lastError: string | null;
  accountName: string | null;
}

export function toConnectionView(
  connection: StoredConnection,
  options: readonly MarketplaceOption[],
): ConnectionView {
  const option = options.find((candidate) => candidate.id === connection.marketplaceId);
  const secretsSet: Record<string, boolean> = {};
  // Connecting requires every secret, so a saved connection has them all.
  for (const field of option?.credentialFields ?? []) if (field.secret) secretsSet[field.key] = true;
  return {
    marketplaceId: connection.marketplaceId,
    marketplaceName: option?.name ?? connection.marketplaceId,
    environment: connection.environment,
    baseUrl: connection.baseUrl,
    baseUrlIsCustom: option?.baseUrls[connection.environment] !== connection.baseUrl,
    publicCredentials: connection.publicCredentials,
    secretsSet,
    status: connection.status,
    lastCheckedAt: connection.lastCheckedAt?.toISOString() ?? null,
    lastError: connection.lastError,
    accountName: connection.accountName,
  };
}

/** The shop's marketplace connections, safe to send to the browser. */
export async function listConnections(
  deps: { store: ConnectionStore; options: readonly MarketplaceOption[] },
  shop: ShopDomain,
): Promise<ConnectionView[]> {
  const connections = await deps.store.list(shop);
  return connections.map((connection) => toConnectionView(connection, deps.options));
}
