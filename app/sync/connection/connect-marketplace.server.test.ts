import { describe, expect, it } from "vitest";
import { shopDomain, type ShopDomain } from "../../lib/ids";
import { err, ok, type Result } from "../../lib/result";
import {
  rateLimited,
  rejected,
  unauthorized,
  unavailable,
  type MarketplaceError,
} from "../../marketplace/marketplace-errors";
import type { ConnectionInfo } from "../../marketplace/marketplace-gateway";
import {
  checkConnection,
  connectMarketplace,
  disconnectMarketplace,
  type ConnectionDeps,
} from "./connect-marketplace.server";
import type { ConnectionFormInput } from "./connection-form";
import type { AuditEntry, ConnectionStore, StoredConnection } from "./connection-store";
import type { MarketplaceOption } from "./marketplace-option";

const johnLewis: MarketplaceOption = {
  id: "john-lewis",
  name: "John Lewis",
  platformName: "Virtualstock",
  baseUrls: { sandbox: "https://sandbox.example.test", live: "https://live.example.test" },
  credentialFields: [
    { key: "username", label: "Username", secret: false },
    { key: "password", label: "Password", secret: true },
  ],
};
const shop = shopDomain("shop-1.myshopify.com");

/** In-memory store that keeps what the database would, including the audit rows. */
function memoryStore() {
  const rows = new Map<string, StoredConnection>();
  const audit: AuditEntry[] = [];
  const key = (s: ShopDomain, id: string) => `${s}|${id}`;
  const store: ConnectionStore = {
    find: async (s, id) => rows.get(key(s, id)) ?? null,
    list: async (s) => [...rows.values()].filter((row) => row.shop === s),
    save: async (connection, entry) => {
      rows.set(key(connection.shop, connection.marketplaceId), { ...connection });
      audit.push(entry);
    },
    recordCheck: async (s, id, check) => {
      const row = rows.get(key(s, id));
      if (row) rows.set(key(s, id), { ...row, ...check });
    },
    remove: async (s, id, entry) => {
      audit.push(entry);
      return rows.delete(key(s, id));
    },
  };
  return { store, rows, audit };
}

/** A marketplace whose answer to the connection test is scripted; it records what it was given. */
function scriptedMarketplace(answer: Result<ConnectionInfo, MarketplaceError>) {
  const calls: { baseUrl: string; credentials: Record<string, string> }[] = [];
  let next = answer;
  return {
    calls,
    answerWith(result: Result<ConnectionInfo, MarketplaceError>) {
      next = result;
    },
    createGateway: (input: { baseUrl: string; credentials: Record<string, string> }) => {
      calls.push({ baseUrl: input.baseUrl, credentials: { ...input.credentials } });
      return { testConnection: async () => next };
    },
  };
}

// Reversible but visibly different from the plain text, so a test can tell encrypted from plain.
const encryptSecret = (plain: string) => `sealed:${Buffer.from(plain).toString("base64")}`;
const decryptSecret = (cipher: string) =>
  Buffer.from(cipher.replace(/^sealed:/, ""), "base64").toString("utf8");

function setup(answer: Result<ConnectionInfo, MarketplaceError>) {
  const memory = memoryStore();
  const marketplace = scriptedMarketplace(answer);
  const deps: ConnectionDeps = {
    store: memory.store,
    options: [johnLewis],
    createGateway: marketplace.createGateway,
    encryptSecret,
    decryptSecret,
    clock: () => new Date("2026-11-23T10:00:00Z"),
  };
  return { deps, memory, marketplace };
}

const connected = ok({ accountName: "Acme Supplies", details: [] });
const input = (overrides: Partial<ConnectionFormInput> = {}): ConnectionFormInput => ({
  marketplaceId: "john-lewis",
  environment: "sandbox",
  baseUrlOverride: undefined,
  credentials: { username: "acme", password: "s3cret" },
  ...overrides,
});

describe("connectMarketplace", () => {
  it("tests the credentials against the environment's URL, then saves them encrypted with an audit row", async () => {
    const { deps, memory, marketplace } = setup(connected);

    const result = await connectMarketplace(deps, shop, input(), "merchant");

    expect(result).toEqual(ok({ info: { accountName: "Acme Supplies", details: [] }, updated: false }));
    expect(marketplace.calls).toEqual([
      { baseUrl: "https://sandbox.example.test", credentials: { username: "acme", password: "s3cret" } },
    ]);
    const saved = memory.rows.get(`${shop}|john-lewis`);
    expect(saved).toMatchObject({
      status: "connected",
      accountName: "Acme Supplies",
      publicCredentials: { username: "acme" },
      lastError: null,
    });
    expect(saved?.secretCredentials).not.toContain("s3cret");
    expect(JSON.parse(decryptSecret(saved?.secretCredentials ?? ""))).toEqual({ password: "s3cret" });
    expect(memory.audit).toHaveLength(1);
    expect(memory.audit[0]).toMatchObject({
      actor: "merchant",
      action: "marketplace-connection.created",
      entityId: "john-lewis",
      before: null,
    });
    expect(JSON.stringify(memory.audit)).not.toContain("s3cret");
  });

  it("tells onConnected about a saved connection (created, then changed), and never about a failed test", async () => {
    const { deps, marketplace } = setup(ok({ accountName: "Acme Supplies", details: [] }));
    const events: unknown[] = [];
    const withHook: ConnectionDeps = { ...deps, onConnected: async (event) => void events.push(event) };

    marketplace.answerWith(err(unauthorized("bad login")));
    await connectMarketplace(withHook, shop, input(), "merchant");
    expect(events).toEqual([]);

    marketplace.answerWith(connected);
    await connectMarketplace(withHook, shop, input(), "merchant");
    await connectMarketplace(withHook, shop, input({ credentials: { username: "acme", password: "" } }), "merchant");
    expect(events).toEqual([
      { shop, marketplaceId: "john-lewis", created: true },
      { shop, marketplaceId: "john-lewis", created: false },
    ]);
  });

  it("uses the advanced URL override instead of the catalogue's", async () => {
    const { deps, marketplace, memory } = setup(connected);
    await connectMarketplace(deps, shop, input({ baseUrlOverride: "http://127.0.0.1:4010" }), "merchant");
    expect(marketplace.calls[0].baseUrl).toBe("http://127.0.0.1:4010");
    expect(memory.rows.get(`${shop}|john-lewis`)?.baseUrl).toBe("http://127.0.0.1:4010");
  });

  it.each<[string, MarketplaceError, string, string]>([
    ["wrong credentials", unauthorized("bad login"), "wrong-credentials", "refused the username and password"],
    ["a 404 on login", rejected("not-found", "404", "Not Found", 404), "not-a-marketplace-api", "does not look like a Virtualstock API"],
    ["a body that is not the API's", unavailable("malformed-response", "HTML"), "not-a-marketplace-api", "does not look like a Virtualstock API"],
    ["an unreachable host", unavailable("network", "ECONNREFUSED"), "unreachable", "Could not connect to sandbox.example.test"],
    ["a timeout", unavailable("timeout", "10 s"), "unreachable", "did not answer in time"],
    ["rate limiting", rateLimited(30_000), "rate-limited", "limiting requests"],
    ["a server error", unavailable("server-error", "HTTP 503"), "unreachable", "answered with a server error"],
    ["a refusal on the merits", rejected("other", "403", "Supplier suspended", 403), "refused", "Supplier suspended"],
  ])("does not save on %s and explains it", async (_name, error, kind, message) => {
    const { deps, memory } = setup(err(error));

    const result = await connectMarketplace(deps, shop, input(), "merchant");

    expect(result.ok).toBe(false);
    if (result.ok || result.error.kind !== "test-failed") throw new Error("expected a failed test");
    expect(result.error.problem.kind).toBe(kind);
    expect(result.error.problem.message).toContain(message);
    expect(result.error.problem.nextStep.length).toBeGreaterThan(10);
    expect(memory.rows.size).toBe(0);
    expect(memory.audit).toHaveLength(0);
  });

  it("keeps the stored password when the edit leaves it blank", async () => {
    const { deps, memory, marketplace } = setup(connected);
    await connectMarketplace(deps, shop, input(), "merchant");

    const result = await connectMarketplace(
      deps,
      shop,
      input({ environment: "live", credentials: { username: "acme-live", password: "" } }),
      "merchant",
    );

    expect(result.ok && result.value.updated).toBe(true);
    expect(marketplace.calls[1]).toEqual({
      baseUrl: "https://live.example.test",
      credentials: { username: "acme-live", password: "s3cret" },
    });
    expect(memory.audit[1]).toMatchObject({
      action: "marketplace-connection.updated",
      before: { environment: "sandbox", publicCredentials: { username: "acme" } },
      after: { environment: "live", secretsChanged: false },
    });
  });

  it("asks for the password when none is stored yet", async () => {
    const { deps, marketplace } = setup(connected);
    const result = await connectMarketplace(
      deps,
      shop,
      input({ credentials: { username: "acme", password: "" } }),
      "merchant",
    );
    expect(result).toEqual(
      err({ kind: "invalid-input", fieldErrors: { "credentials.password": "Enter the password." } }),
    );
    expect(marketplace.calls).toHaveLength(0);
  });
});

describe("checkConnection", () => {
  it("records a failing check with the reason, and a later success clears it", async () => {
    const { deps, memory, marketplace } = setup(connected);
    await connectMarketplace(deps, shop, input(), "merchant");

    marketplace.answerWith(err(unauthorized("expired")));
    const failed = await checkConnection(deps, shop, "john-lewis");
    expect(failed.ok).toBe(false);
    expect(memory.rows.get(`${shop}|john-lewis`)).toMatchObject({ status: "failing" });
    expect(memory.rows.get(`${shop}|john-lewis`)?.lastError).toContain("credentials were not accepted");
    // The stored secret was decrypted and sent, not the ciphertext.
    expect(marketplace.calls[1].credentials.password).toBe("s3cret");

    marketplace.answerWith(ok({ accountName: "Acme Supplies Ltd", details: [] }));
    const healthy = await checkConnection(deps, shop, "john-lewis");
    expect(healthy.ok).toBe(true);
    expect(memory.rows.get(`${shop}|john-lewis`)).toMatchObject({
      status: "connected",
      lastError: null,
      accountName: "Acme Supplies Ltd",
    });
    // Health checks change nothing the merchant configured: only the connect wrote an audit row.
    expect(memory.audit).toHaveLength(1);
  });

  it("says not-connected for a shop without a connection", async () => {
    const { deps } = setup(connected);
    expect(await checkConnection(deps, shop, "john-lewis")).toEqual(err({ kind: "not-connected" }));
  });
});

describe("disconnectMarketplace", () => {
  it("removes the connection and audits it; other shops are untouched", async () => {
    const { deps, memory } = setup(connected);
    const other = shopDomain("other.myshopify.com");
    await connectMarketplace(deps, shop, input(), "merchant");
    await connectMarketplace(deps, other, input(), "merchant");

    expect(await disconnectMarketplace(deps, shop, "john-lewis", "merchant")).toEqual(ok(undefined));

    expect(await memory.store.find(shop, "john-lewis")).toBeNull();
    expect(await memory.store.find(other, "john-lewis")).not.toBeNull();
    expect(memory.audit.at(-1)).toMatchObject({ action: "marketplace-connection.deleted", after: null });
    expect(await disconnectMarketplace(deps, shop, "john-lewis", "merchant")).toEqual(
      err({ kind: "not-connected" }),
    );
  });
});
