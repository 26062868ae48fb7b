import { marketplaceCatalog } from "../../marketplace/catalog";
import type { MarketplacePlatform } from "../../marketplace/marketplace-gateway";
import type { MarketplaceOption } from "./marketplace-option";

const platformNames: Record<MarketplacePlatform, string> = {
  virtualstock: "Virtualstock",
  mirakl: "Mirakl",
};

/** The marketplaces a merchant can connect to, from the catalogue. Client-safe. */
export const marketplaceOptions: readonly MarketplaceOption[] = marketplaceCatalog.map(
  (marketplace): MarketplaceOption => ({
    id: marketplace.id,
    name: marketplace.name,
    platformName: platformNames[marketplace.platform],
    baseUrls: {
      sandbox: marketplace.environments.sandbox?.baseUrl,
      live: marketplace.environments.live?.baseUrl,
    },
    credentialFields: marketplace.credentialFields.map((field) => ({ ...field })),
  }),
);
