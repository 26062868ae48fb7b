import { z } from "zod";
import type { ShopDomain } from "../../lib/ids";
import type { Result } from "../../lib/result";
import { err, ok } from "../../lib/result";
import type { ConnectionInfo, MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import type { ConnectionFormInput, FieldErrors } from "./connection-form";
import { credentialFieldName } from "./connection-form";
import {
  describeConnectionProblem,
  problemSummary,
  type ConnectionProblem,
} from "./connection-problem";
import type { ConnectionStore, StoredConnection } from "./connection-store";
import type { MarketplaceOption } from "./marketplace-option";

/** Ports of the connection use cases, wired once in `connection-deps.server.ts`. */
export interface ConnectionDeps {
  store: ConnectionStore;
  options: readonly MarketplaceOption[];
  /** Builds an adapter for the given account; no network until a method is called. */
  createGateway(input: {
    marketplaceId: string;
    baseUrl: string;
    credentials: Record<string, string>;
  }): Pick<MarketplaceGateway, "testConnection">;
  encryptSecret(plain: string): string;
  decryptSecret(cipher: string): string;
  clock(): Date;
  /**
   * Called after a connection is saved (created or changed), e.g. to queue the first sync. The
   * first sync is a no-op once it has finished, so calling it on every save also recovers a first
   * save whose hook failed.
   */
  onConnected?(event: { shop: ShopDomain; marketplaceId: string; created: boolean }): Promise<void>;
}

export type ConnectError =
  | { kind: "invalid-input"; fieldErrors: FieldErrors }
  | { kind: "test-failed"; problem: ConnectionProblem };

export interface ConnectOutcome {
  info: ConnectionInfo;
  /** True when this replaced an existing connection. */
  updated: boolean;
}

/**
 * Saves a marketplace connection, but only after the credentials and address have been proven
 * against the marketplace: a connection that is saved is a connection that worked.
 */
export async function connectMarketplace(
  deps: ConnectionDeps,
  shop: ShopDomain,
  input: ConnectionFormInput,
  actor: string,
): Promise<Result<ConnectOutcome, ConnectError>> {
  const option = deps.options.find((candidate) => candidate.id === input.marketplaceId);
  if (!option) return err({ kind: "invalid-input", fieldErrors: { marketplaceId: "Choose a marketplace." } });

  const existing = await deps.store.find(shop, option.id);
  const storedSecrets = existing ? readSecrets(deps, existing) : {};

  const publicCredentials: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const fieldErrors: FieldErrors = {};
  for (const field of option.credentialFields) {
    const value = input.credentials[field.key] ?? "";
    if (!field.secret) {
      publicCredentials[field.key] = value;
      continue;
    }
    // A blank secret on edit keeps the stored one, so the merchant never has to re-type it.
    const secret = value !== "" ? value : storedSecrets[field.key];
    if (!secret) fieldErrors[credentialFieldName(field.key)] = `Enter the ${field.label.toLowerCase()}.`;
    else secrets[field.key] = secret;
  }
  if (Object.keys(fieldErrors).length > 0) return err({ kind: "invalid-input", fieldErrors });

  const baseUrl = input.baseUrlOverride ?? option.baseUrls[input.environment];
  if (!baseUrl) {
    return err({
      kind: "invalid-input",
      fieldErrors: { environment: `${option.name} has no ${input.environment} environment.` },
    });
  }
  const gateway = deps.createGateway({
    marketplaceId: option.id,
    baseUrl,
    credentials: { ...publicCredentials, ...secrets },
  });
  const tested = await gateway.testConnection();
  if (!tested.ok) {
    return err({
      kind: "test-failed",
      problem: describeConnectionProblem(tested.error, {
        marketplaceName: option.name,
        platformName: option.platformName,
        baseUrl,
      }),
    });
  }

  const now = deps.clock();
  const connection: StoredConnection = {
    shop,
    marketplaceId: option.id,
    environment: input.environment,
    baseUrl,
    publicCredentials,
    secretCredentials: deps.encryptSecret(JSON.stringify(secrets)),
    status: "connected",
    lastCheckedAt: now,
    lastError: null,
    accountName: tested.value.accountName,
  };
  const secretsChanged =
    !existing || Object.keys(secrets).some((key) => secrets[key] !== storedSecrets[key]);
  await deps.store.save(connection, {
    actor,
    action: existing ? "marketplace-connection.updated" : "marketplace-connection.created",
    entity: "MarketplaceConnection",
    entityId: option.id,
    before: existing ? auditView(existing) : null,
    after: { ...auditView(connection), secretsChanged },
    at: now,
  });
  await deps.onConnected?.({ shop, marketplaceId: option.id, created: !existing });
  return ok({ info: tested.value, updated: existing !== null });
}

export type CheckError =
  | { kind: "not-connected" }
  | { kind: "test-failed"; problem: ConnectionProblem };

/** Tests a saved connection again and records the outcome (the home page's "Check connection now"). */
export async function checkConnection(
  deps: ConnectionDeps,
  shop: ShopDomain,
  marketplaceId: string,
): Promise<Result<ConnectionInfo, CheckError>> {
  const connection = await deps.store.find(shop, marketplaceId);
  const option = deps.options.find((candidate) => candidate.id === marketplaceId);
  if (!connection || !option) return err({ kind: "not-connected" });

  const gateway = deps.createGateway({
    marketplaceId,
    baseUrl: connection.baseUrl,
    credentials: { ...connection.publicCredentials, ...readSecrets(deps, connection) },
  });
  const tested = await gateway.testConnection();
  const now = deps.clock();
  if (!tested.ok) {
    const problem = describeConnectionProblem(tested.error, {
      marketplaceName: option.name,
      platformName: option.platformName,
      baseUrl: connection.baseUrl,
    });
    await deps.store.recordCheck(shop, marketplaceId, {
      status: "failing",
      lastCheckedAt: now,
      lastError: problemSummary(problem),
      accountName: connection.accountName,
    });
    return err({ kind: "test-failed", problem });
  }
  await deps.store.recordCheck(shop, marketplaceId, {
    status: "connected",
    lastCheckedAt: now,
    lastError: null,
    accountName: tested.value.accountName,
  });
  return ok(tested.value);
}

/** Forgets a connection and its secrets. */
export async function disconnectMarketplace(
  deps: Pick<ConnectionDeps, "store" | "clock">,
  shop: ShopDomain,
  marketplaceId: string,
  actor: string,
): Promise<Result<void, { kind: "not-connected" }>> {
  const existing = await deps.store.find(shop, marketplaceId);
  if (!existing) return err({ kind: "not-connected" });
  await deps.store.remove(shop, marketplaceId, {
    actor,
    action: "marketplace-connection.deleted",
    entity: "MarketplaceConnection",
    entityId: marketplaceId,
    before: auditView(existing),
    after: null,
    at: deps.clock(),
  });
  return ok(undefined);
}

const StoredSecrets = z.record(z.string(), z.string());

function readSecrets(
  deps: Pick<ConnectionDeps, "decryptSecret">,
  connection: StoredConnection,
): Record<string, string> {
  return StoredSecrets.parse(JSON.parse(deps.decryptSecret(connection.secretCredentials)));
}

/** What the audit log may hold about a connection: everything except the secrets. */
function auditView(connection: StoredConnection): Record<string, unknown> {
  return {
    environment: connection.environment,
    baseUrl: connection.baseUrl,
    publicCredentials: connection.publicCredentials,
    accountName: connection.accountName,
  };
}
