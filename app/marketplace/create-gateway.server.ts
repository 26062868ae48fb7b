import { findMarketplace } from "./catalog";
import type { MarketplaceGateway } from "./marketplace-gateway";
import type { RequestBudget } from "./request-budget";
import type { FetchLike } from "./virtualstock/virtualstock-client.server";
import { createVirtualstockGateway } from "./virtualstock/virtualstock-gateway.server";

export interface CreateMarketplaceGatewayInput {
  marketplaceId: string;
  /** The environment's base URL from the catalogue, or a simulator's URL. */
  baseUrl: string;
  /** Decrypted credential values keyed by the catalogue's `credentialFields[].key`. */
  credentials: Record<string, string>;
  /** The account's shared request budget. */
  budget: RequestBudget;
  fetch?: FetchLike;
  /** Per-request timeout in ms (adapter default when absent). */
  timeoutMs?: number;
}

/** Thrown for configuration mistakes (unknown marketplace, missing credential): bugs, not outcomes. */
export class MarketplaceConfigurationError extends Error {}

/** Builds the port implementation for a configured marketplace connection. */
export function createMarketplaceGateway(input: CreateMarketplaceGatewayInput): MarketplaceGateway {
  const marketplace = findMarketplace(input.marketplaceId);
  if (!marketplace) throw new MarketplaceConfigurationError(`Unknown marketplace "${input.marketplaceId}".`);
  const missing = marketplace.credentialFields
    .map((f) => f.key)
    .filter((key) => !input.credentials[key]);
  if (missing.length > 0) {
    throw new MarketplaceConfigurationError(
      `${marketplace.name}: missing credential ${missing.map((k) => `"${k}"`).join(", ")}.`,
    );
  }
  switch (marketplace.platform) {
    case "virtualstock":
      return createVirtualstockGateway({
        baseUrl: input.baseUrl,
        username: input.credentials.username,
        password: input.credentials.password,
        budget: input.budget,
        fetch: input.fetch,
        timeoutMs: input.timeoutMs,
      });
    case "mirakl":
      throw new MarketplaceConfigurationError(
        `${marketplace.name} runs on Mirakl, which is not yet supported: there is no Mirakl adapter yet.`,
      );
  }
}
