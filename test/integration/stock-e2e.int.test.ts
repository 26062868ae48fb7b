import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueStockJob } from "../../app/jobs/tasks/inventory-handlers.server";
import { startStockTestDb, type StockTestDb } from "./stock-harness";
import { eventually, startStockE2E, type StockE2E } from "./stock-e2e-harness";

let t: StockTestDb;
let e: StockE2E;
const BUFFER = 1;

beforeAll(async () => {
  t = await startStockTestDb();
  e = await startStockE2E({ db: t.db, databaseUrl: t.url, variants: 12, stock: 10, buffer: BUFFER });
});
afterAll(async () => {
  await e.stop();
  await t.stop();
});

const sku = (n: number) => e.shop.variants[n].sku!;
const shown = (n: number) => e.vs.control.getProduct(e.partNumber(n))?.stock;
const settle = (n: number, expected: number, ms = 10_000) =>
  eventually(() => shown(n) === expected, ms, () => `part ${e.partNumber(n)} shows ${shown(n)}, expected ${expected}`);

describe("stock end to end: webhook -> batch read -> coalesced push -> marketplace", () => {
  it("publishes a merchant's change within seconds", async () => {
    const started = Date.now();
    e.shopify.control.setAvailable(e.shop.domain, { sku: sku(0), available: 7 });
    await settle(0, 7 - BUFFER);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("ends right after duplicated, delayed and reordered webhooks", async () => {
    e.shopify.control.injectWebhookFault({ kind: "duplicate", count: 3, copies: 2, newWebhookId: true });
    e.shopify.control.injectWebhookFault({ kind: "reorder", count: 3 });
    for (const level of [9, 4, 6]) e.shopify.control.setAvailable(e.shop.domain, { sku: sku(1), available: level });
    e.shopify.control.injectWebhookFault({ kind: "delay", ms: 1_500, count: 1 });
    e.shopify.control.setAvailable(e.shop.domain, { sku: sku(1), available: 3 });
    await e.shopify.control.webhooksIdle();
    await settle(1, 3 - BUFFER);
    // Late deliveries of older values must not move it afterwards.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(shown(1)).toBe(3 - BUFFER);
  });

  it("does not oversell the last units when both channels sell at once", async () => {
    e.shopify.control.setAvailable(e.shop.domain, { sku: sku(2), available: 2 });
    await settle(2, 2 - BUFFER);
    const offered: number[] = [];
    const watch = setInterval(() => offered.push(shown(2) ?? -1), 5);
    // At the same instant: a storefront sale, and the marketplace order for its one published unit
    // being written into Shopify by the order flow (both decrement Shopify stock).
    e.shopify.control.sellOnShopify(e.shop.domain, { lines: [{ sku: sku(2), quantity: 1 }] });
    e.shopify.control.sellOnShopify(e.shop.domain, { lines: [{ sku: sku(2), quantity: 1 }], tags: ["john-lewis"] });
    await settle(2, 0);
    clearInterval(watch);
    const sold = e.shopify.control
      .orders(e.shop.domain)
      .flatMap((o) => o.lineItems)
      .filter((l) => l.sku === sku(2))
      .reduce((n, l) => n + l.quantity, 0);
    expect(sold).toBe(2);
    expect(e.shopify.control.available(e.shop.domain, sku(2))).toBe(0);
    // The marketplace never offered more than stock minus the buffer.
    expect(Math.max(...offered)).toBeLessThanOrEqual(2 - BUFFER);
  });

  it("heals a dropped webhook with the reconciliation", async () => {
    // Nothing has announced SKU 3 yet, so only a reconciliation publishes it.
    await enqueueStockJob("inventory.reconcile", { shop: e.shop.domain, trigger: "manual" }, { jobKey: "r0" });
    await settle(3, 10 - BUFFER);
    e.shopify.control.injectWebhookFault({ kind: "drop", count: 1 });
    e.shopify.control.setAvailable(e.shop.domain, { sku: sku(3), available: 4 });
    await e.shopify.control.webhooksIdle();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(shown(3)).toBe(10 - BUFFER);
    await enqueueStockJob("inventory.reconcile", { shop: e.shop.domain, trigger: "manual" }, { jobKey: "r1" });
    await settle(3, 4 - BUFFER);
    const runs = await t.db.stockReconciliationRun.findMany({ where: { shop: e.shop.domain, status: "completed" } });
    expect(runs.length).toBeGreaterThan(0);
    const latest = () =>
      t.db.stockDiscrepancy.findFirst({ where: { shop: e.shop.domain, marketplaceSku: e.partNumber(3) }, orderBy: { detectedAt: "desc" } });
    expect(await latest()).toMatchObject({ expectedQuantity: 4 - BUFFER, marketplaceQuantity: 10 - BUFFER });
    // The marketplace shows the value a moment before the pusher records it.
    await eventually(async () => (await latest())?.resolvedAt != null, 5_000, () => "discrepancy still open");
  });

  it("delivers every change made during a marketplace outage once it ends", async () => {
    e.vs.control.injectFault({ kind: "status", status: 503, count: 1_000_000, method: "PATCH" });
    const levels = [5, 6, 2, 8];
    levels.forEach((level, i) => e.shopify.control.setAvailable(e.shop.domain, { sku: sku(4 + i), available: level }));
    await e.shopify.control.webhooksIdle();
    // A shortened outage: the principle (back off, keep every change, deliver after) is the same for a minute.
    await new Promise((r) => setTimeout(r, 3_000));
    e.vs.control.clearFaults();
    for (const [i, level] of levels.entries()) await settle(4 + i, level - BUFFER, 20_000);
    const patches = e.vs.control.requests().filter((r) => r.method === "PATCH" && r.status === 503).length;
    // Backing off: a handful of failed attempts, not one per SKU per poll.
    expect(patches).toBeLessThan(10);
  });
});
