import { prisma } from "../../db.server";
import { enqueueJob } from "../../jobs/queue.server";
import { firstSyncJobOptions } from "../../jobs/tasks/onboarding";
import { decryptSecret, encryptSecret } from "../../lib/crypto.server";
import { createMarketplaceGateway } from "../../marketplace/create-gateway.server";
import { sharedBudgetFor } from "../../jobs/production-gateways.server";
import { findMarketplace } from "../../marketplace/catalog";
import { marketplaceAccountKey } from "../../marketplace/connection-gateways.server";
import type { ConnectionDeps } from "./connect-marketplace.server";
import { prismaConnectionStore } from "./connection-store.server";
import { marketplaceOptions } from "./marketplace-options";

/** A connection test should fail fast in the form rather than keep the merchant waiting. */
const CONNECTION_TEST_TIMEOUT_MS = 10_000;

/** An unknown marketplace id is refused by createMarketplaceGateway anyway; this only types the call. */
const FALLBACK_REQUESTS_PER_MINUTE = 60;

/** The production wiring of the connection use cases. */
export function connectionDeps(): ConnectionDeps {
  return {
    store: prismaConnectionStore(prisma),
    options: marketplaceOptions,
    createGateway: (input) =>
      createMarketplaceGateway({
        ...input,
        // A test is only a login and one read, but it counts: clicked during a sale rush, when the
        // worker uses the whole budget, two uncounted requests could provoke a 429, which pauses
        // every flow. The account is known from the form even before the connection is saved.
        budget: sharedBudgetFor(
          marketplaceAccountKey({ marketplaceId: input.marketplaceId, baseUrl: input.baseUrl, connectionId: "unsaved", username: input.credentials.username }),
          findMarketplace(input.marketplaceId)?.requestsPerMinute ?? FALLBACK_REQUESTS_PER_MINUTE,
        ),
        timeoutMs: CONNECTION_TEST_TIMEOUT_MS,
      }),
    encryptSecret,
    decryptSecret,
    clock: () => new Date(),
    // The first sync links products and starts stock and orders (app/sync/onboarding).
    onConnected: ({ shop }) => enqueueJob(undefined, "onboarding.first-sync", { shop }, firstSyncJobOptions(shop)),
  };
}
