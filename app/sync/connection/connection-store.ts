import type { ShopDomain } from "../../lib/ids";
import type { ConnectionEnvironment } from "./marketplace-option";

/** A saved marketplace connection as the use cases see it. Secrets stay encrypted here. */
export interface StoredConnection {
  shop: ShopDomain;
  marketplaceId: string;
  environment: ConnectionEnvironment;
  baseUrl: string;
  /** Non-secret credential fields (e.g. username), shown back to the merchant. */
  publicCredentials: Record<string, string>;
  /** The secret credential fields as one encrypted JSON object (see app/lib/crypto.server.ts). */
  secretCredentials: string;
  status: ConnectionStatus;
  lastCheckedAt: Date | null;
  lastError: string | null;
  accountName: string | null;
}

export type ConnectionStatus = "connected" | "failing";

/** One AuditLog row. `before`/`after` never hold secrets. */
export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: Date;
}

/**
 * Persistence for connections. Writes that change what a merchant configured also write the audit
 * row, in the same transaction, so the log cannot miss a change.
 */
export interface ConnectionStore {
  find(shop: ShopDomain, marketplaceId: string): Promise<StoredConnection | null>;
  list(shop: ShopDomain): Promise<StoredConnection[]>;
  /** Creates or replaces the shop's connection to `connection.marketplaceId`. */
  save(connection: StoredConnection, audit: AuditEntry): Promise<void>;
  /** Records the outcome of a later health check (no audit row: nothing the merchant changed). */
  recordCheck(
    shop: ShopDomain,
    marketplaceId: string,
    check: Pick<StoredConnection, "status" | "lastCheckedAt" | "lastError" | "accountName">,
  ): Promise<void>;
  /** Deletes the connection; false when there was none. */
  remove(shop: ShopDomain, marketplaceId: string, audit: AuditEntry): Promise<boolean>;
}
