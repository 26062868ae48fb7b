import { prisma } from "../../db.server";
import { enqueueJob } from "../../jobs/queue.server";
import { firstSyncJobOptions } from "../../jobs/tasks/onboarding";
import { decryptSecret, encryptSecret } from "../../lib/crypto.server";
import { createMarketplaceGateway } from "../../marketplace/create-gateway.server";
import { unlimitedBudget } from "../../marketplace/request-budget";
import type { ConnectionDeps } from "./connect-marketplace.server";
import { prismaConnectionStore } from "./connection-store.server";
import { marketplaceOptions } from "./marketplace-options";

/** A connection test should fail fast in the form rather than keep the merchant waiting. */
const CONNECTION_TEST_TIMEOUT_MS = 10_000;

/** The production wiring of the connection use cases. */
export function connectionDeps(): ConnectionDeps {
  return {
    store: prismaConnectionStore(prisma),
    options: marketplaceOptions,
    createGateway: (input) =>
      createMarketplaceGateway({
        ...input,
        // One login and one read per test, at a merchant's click: too few to need the shared budget,
        // and the connection may not be saved (so no account to budget) yet.
        budget: unlimitedBudget,
        timeoutMs: CONNECTION_TEST_TIMEOUT_MS,
      }),
    encryptSecret,
    decryptSecret,
    clock: () => new Date(),
    // The first sync links products and starts stock and orders (app/sync/onboarding).
    onConnected: ({ shop }) => enqueueJob(undefined, "onboarding.first-sync", { shop }, firstSyncJobOptions(shop)),
  };
}
