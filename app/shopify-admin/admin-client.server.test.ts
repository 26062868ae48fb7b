import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SeededShop, ShopifySimulator } from "../../test/simulators/shopify/control";
import { startShopifySimulator } from "../../test/simulators/shopify/server";
import { checkUserErrors, createAdminClient, type AdminClientOptions } from "./admin-client.server";

const SHOP = "client.myshopify.com";
let sim: ShopifySimulator;
let seeded: SeededShop;
let clock = 1_900_000_000_000;
let slept: number[] = [];

// The simulator and the client share one fake clock: sleeping advances it, so waits are instant.
const fakeSleep = async (ms: number) => {
  slept.push(ms);
  clock += ms;
};

beforeAll(async () => {
  sim = await startShopifySimulator({ now: () => clock });
});
afterAll(() => sim.close());
beforeEach(() => {
  slept = [];
  sim.control.reset();
  seeded = sim.control.seedShop({ domain: SHOP, generate: { variants: 60, skuPrefix: "C-", stockPerLocation: 3 } });
});

const client = (overrides: Partial<AdminClientOptions> = {}) =>
  createAdminClient({ shop: SHOP, accessToken: seeded.accessToken, endpoint: sim.graphqlUrl(SHOP), sleep: fakeSleep, now: () => clock, ...overrides });

const VARIANTS = `query Variants { productVariants(first: 40) { nodes { id sku } } }`; // requested 42

describe("createAdminClient", () => {
  it("returns data and the cost extension", async () => {
    const res = await client().request<{ productVariants: { nodes: { sku: string }[] } }>(VARIANTS);
    expect(res.ok && res.value.data.productVariants.nodes).toHaveLength(40);
    expect(res.ok && res.value.cost?.requestedQueryCost).toBe(42);
  });

  it("waits and retries when Shopify answers THROTTLED", async () => {
    sim.control.setThrottle(SHOP, { maximumAvailable: 100, restoreRate: 10, currentlyAvailable: 2 });
    const res = await client().request(VARIANTS);
    expect(res.ok).toBe(true);
    // (42 requested - 2 available) / 10 per second = 4 s
    expect(slept).toEqual([4000]);
    expect(sim.control.requests().map((r) => r.throttled)).toEqual([true, false]);
  });

  it("waits before sending when the last known bucket cannot cover the document", async () => {
    sim.control.setThrottle(SHOP, { maximumAvailable: 100, restoreRate: 10, currentlyAvailable: 50 });
    const c = client();
    expect((await c.request(VARIANTS)).ok).toBe(true);
    // 50 - 42 = 8 left (all 40 nodes came back, so nothing is refunded); next needs 42 -> wait 3.4 s.
    expect((await c.request(VARIANTS)).ok).toBe(true);
    expect(slept).toEqual([3400]);
    expect(sim.control.requests().some((r) => r.throttled)).toBe(false);
  });

  it("gives up after maxRetries and reports the throttle", async () => {
    sim.control.setThrottle(SHOP, { maximumAvailable: 100, restoreRate: 1, currentlyAvailable: 0 });
    // A sleep that does not move the clock: the bucket never refills.
    const res = await client({ maxRetries: 2, sleep: async (ms) => void slept.push(ms) }).request(VARIANTS);
    expect(!res.ok && res.error.kind).toBe("throttled");
    expect(slept).toEqual([30000, 30000]);
    expect(sim.control.requests()).toHaveLength(3);
  });

  it("fails fast when a query costs more than the whole bucket", async () => {
    sim.control.setThrottle(SHOP, { maximumAvailable: 10, restoreRate: 1 });
    const res = await client().request(VARIANTS);
    expect(!res.ok && res.error.kind).toBe("graphql");
    expect(slept).toEqual([]);
  });

  it("retries 5xx and network failures with backoff", async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) return new Response("upstream down", { status: 503 });
      if (calls === 2) throw new TypeError("fetch failed");
      return fetch(input, init);
    };
    const res = await client({ fetch: flaky }).request(VARIANTS);
    expect(res.ok).toBe(true);
    expect(calls).toBe(3);
    expect(slept).toEqual([500, 1000]);
  });

  it("returns top-level GraphQL errors as a typed error", async () => {
    const res = await client().request(`{ shop { nope } }`);
    expect(res.ok).toBe(false);
    if (!res.ok && res.error.kind === "graphql") expect(res.error.errors[0].message).toMatch(/nope/);
    else throw new Error("expected a graphql error");
  });

  it("reports a bad token as unauthorized without retrying", async () => {
    const res = await client({ accessToken: "shpat_bad" }).request(VARIANTS);
    expect(!res.ok && res.error).toEqual({ kind: "unauthorized", retryable: false, status: 401 });
    expect(slept).toEqual([]);
  });

  it("passes the idempotency key and leaves userErrors to checkUserErrors", async () => {
    const doc = `mutation Set($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
      inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { userErrors { field message code } } }`;
    const input = (changeFromQuantity: number) => ({
      name: "available",
      reason: "correction",
      quantities: [{ inventoryItemId: seeded.variants[0].inventoryItemId, locationId: seeded.locations[0].id, quantity: 9, changeFromQuantity }],
    });
    type Payload = { inventorySetQuantities: { userErrors: { code: string | null; message: string }[] } | null };
    const c = client();
    const good = await c.request<Payload>(doc, { input: input(3) }, { idempotencyKey: "op-1" });
    expect(good.ok && checkUserErrors(good.value.data.inventorySetQuantities).ok).toBe(true);
    expect(sim.control.available(SHOP, "C-01")).toBe(9);
    const stale = await c.request<Payload>(doc, { input: input(3) }, { idempotencyKey: "op-2" });
    const checked = stale.ok ? checkUserErrors(stale.value.data.inventorySetQuantities) : null;
    expect(checked && !checked.ok && checked.error.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
  });
});
