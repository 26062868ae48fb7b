import type { MarketplacePlatform } from "./marketplace-gateway";

/**
 * The marketplaces the app can connect to, as data. Adding a marketplace on a platform we already
 * support is a new entry here; a new platform also needs an adapter and a case in
 * create-gateway.server.ts. Client-safe: no secrets, only what the settings form shows.
 */
export interface MarketplaceDefinition {
  /** Stable id stored with each connection. */
  id: string;
  name: string;
  platform: MarketplacePlatform;
  /**
   * Where the API lives per environment. Virtualstock has fixed hosts; a Mirakl operator has its
   * own instance (`https://<instance>.mirakl.net`), fixed per marketplace too.
   */
  environments: Partial<Record<MarketplaceEnvironment, { baseUrl: string }>>;
  /** The credentials the merchant types in, in form order. */
  credentialFields: CredentialField[];
  /**
   * Requests the marketplace allows one API account per minute, shared by every flow (the
   * budget's size). Virtualstock: 250 (reference section 1).
   */
  requestsPerMinute: number;
}

export type MarketplaceEnvironment = "sandbox" | "live";

export interface CredentialField {
  key: string;
  label: string;
  /** Secret values are stored encrypted, never shown again and never logged. */
  secret: boolean;
  helpText?: string;
}

export const marketplaceCatalog = [
  {
    id: "john-lewis",
    name: "John Lewis Marketplace",
    platform: "virtualstock",
    environments: {
      sandbox: { baseUrl: "https://api.sandbox.virtualstock.com" },
      live: { baseUrl: "https://api.virtualstock.com" },
    },
    credentialFields: [
      {
        key: "username",
        label: "Virtualstock API username",
        secret: false,
        helpText: "Issued by John Lewis for each environment; sandbox first, live after three test orders.",
      },
      { key: "password", label: "Virtualstock API password", secret: true },
    ],
    requestsPerMinute: 250,
  },
  // A Mirakl marketplace is one more entry, e.g.:
  // { id: "<operator>", name: "<Operator> Marketplace", platform: "mirakl",
  //   environments: { live: { baseUrl: "https://<instance>.mirakl.net" } },
  //   credentialFields: [{ key: "apiKey", label: "Shop API key", secret: true }],
  //   requestsPerMinute: <the operator's published limit> }
  // The key goes in the raw `Authorization` header (no "Bearer"), per the Mirakl seller API.
] as const satisfies readonly MarketplaceDefinition[];

export type MarketplaceId = (typeof marketplaceCatalog)[number]["id"];

/** The definition for an id, or null for an id we do not know (e.g. from an old database row). */
export function findMarketplace(id: string): MarketplaceDefinition | null {
  return marketplaceCatalog.find((m) => m.id === id) ?? null;
}
