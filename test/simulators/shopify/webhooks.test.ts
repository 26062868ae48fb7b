import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./control";
import { startShopifySimulator } from "./server";
import { startWebhookReceiver } from "./test-helpers";

const SHOP = "hooks.myshopify.com";
let sim: ShopifySimulator;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  sim = await startShopifySimulator({ webhookUrl: hooks.url, apiSecret: "s" });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});
beforeEach(() => {
  sim.control.reset();
  hooks.received.length = 0;
  sim.control.seedShop({ domain: SHOP, locations: ["Warehouse"], products: [{ title: "Mug", variants: [{ sku: "MUG", stock: { Warehouse: 1 } }] }] });
});

const availableSeen = () => hooks.received.filter((w) => w.path === "/webhooks/inventory_levels/update").map((w) => JSON.parse(w.rawBody).available as number);

describe("webhook fault injection", () => {
  it("duplicates a delivery with the same webhook and event ids", async () => {
    sim.control.injectWebhookFault({ kind: "duplicate", topic: "inventory_levels/update" });
    sim.control.setAvailable(SHOP, { sku: "MUG", available: 5 });
    await sim.control.webhooksIdle();
    expect(availableSeen()).toEqual([5, 5]);
    const [a, b] = hooks.received;
    expect(a.headers["x-shopify-webhook-id"]).toBe(b.headers["x-shopify-webhook-id"]);
    expect(a.headers["x-shopify-event-id"]).toBe(b.headers["x-shopify-event-id"]);
  });

  it("drops the next delivery of a topic and logs it", async () => {
    sim.control.injectWebhookFault({ kind: "drop", topic: "inventory_levels/update" });
    sim.control.setAvailable(SHOP, { sku: "MUG", available: 2 });
    sim.control.setAvailable(SHOP, { sku: "MUG", available: 3 });
    await sim.control.webhooksIdle();
    expect(availableSeen()).toEqual([3]);
    expect(sim.control.webhookDeliveries("inventory_levels/update").map((d) => [d.status, d.error ?? null])).toEqual([
      [null, "dropped by fault injection"],
      [200, null],
    ]);
  });

  it("delays a delivery so a later one overtakes it", async () => {
    sim.control.injectWebhookFault({ kind: "delay", ms: 80 });
    sim.control.setAvailable(SHOP, { sku: "MUG", available: 7 });
    sim.control.setAvailable(SHOP, { sku: "MUG", available: 8 });
    await sim.control.webhooksIdle();
    expect(availableSeen()).toEqual([8, 7]);
  });

  it("holds N deliveries and releases them in reverse order", async () => {
    sim.control.injectWebhookFault({ kind: "reorder", count: 3 });
    for (const n of [11, 12, 13]) sim.control.setAvailable(SHOP, { sku: "MUG", available: n });
    await sim.control.webhooksIdle();
    expect(availableSeen()).toEqual([13, 12, 11]);
  });

  it("records the receiver's HTTP status and queues while disabled", async () => {
    sim.control.setWebhooksEnabled(false);
    sim.control.setAvailable(SHOP, { sku: "MUG", available: 4 });
    await sim.control.webhooksIdle();
    expect(hooks.received).toHaveLength(0);
    sim.control.setWebhooksEnabled(true);
    await sim.control.webhooksIdle();
    expect(availableSeen()).toEqual([4]);
    expect(sim.control.webhookDeliveries()[0].status).toBe(200);
  });
});

describe("without a webhook URL", () => {
  it("sends nothing", async () => {
    const quiet = await startShopifySimulator();
    try {
      quiet.control.seedShop({ domain: SHOP, products: [{ title: "Mug", variants: [{ sku: "MUG" }] }] });
      quiet.control.setAvailable(SHOP, { sku: "MUG", available: 9 });
      await quiet.control.webhooksIdle();
      expect(quiet.control.webhookDeliveries()).toEqual([]);
    } finally {
      await quiet.close();
    }
  });
});
