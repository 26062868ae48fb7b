/**
 * What the connection screen and use cases need to know about a marketplace a merchant can
 * connect to. Built from the marketplace catalogue (app/marketplace/catalog.ts) in
 * `marketplace-options.ts`, so the connection code does not depend on the catalogue's full shape
 * and tests can pass their own.
 */
export interface MarketplaceOption {
  /** Catalogue key, stored in MarketplaceConnection.marketplaceId (e.g. "john-lewis"). */
  id: string;
  /** What the merchant sees, e.g. "John Lewis (Virtualstock)". */
  name: string;
  /** The API platform behind it, for messages about the API itself (e.g. "Virtualstock", "Mirakl"). */
  platformName: string;
  /** The platform's standard API base URL per environment it offers (a Mirakl operator may have only live). */
  baseUrls: Partial<Record<ConnectionEnvironment, string>>;
  /** The credentials the platform asks for, in the order the form shows them. */
  credentialFields: CredentialField[];
}

export type ConnectionEnvironment = "sandbox" | "live";
export const connectionEnvironments: readonly ConnectionEnvironment[] = ["sandbox", "live"];

export interface CredentialField {
  /** Key in the credentials object the gateway factory receives (e.g. "username"). */
  key: string;
  label: string;
  /** Secrets are encrypted at rest and never sent back to the browser. */
  secret: boolean;
  helpText?: string;
}
