import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifySimulator } from "../simulators/shopify/server";
import type { SeededShop, ShopifySimulator } from "../simulators/shopify/control";
import { createInventoryReader, ITEMS_PER_CALL } from "../../app/shopify-admin/inventory-queries.server";
import { simulatorTransport } from "./stock-harness";
import type { InventoryItemLevels } from "../../app/sync/inventory/ports";

let sim: ShopifySimulator;
let shop: SeededShop;

beforeAll(async () => {
  sim = await startShopifySimulator({});
  shop = sim.control.seedShop({ domain: "reads.myshopify.com", generate: { variants: 120, skuPrefix: "SKU-", stockPerLocation: 4 } });
});
afterAll(async () => {
  await sim.close();
});

const reader = () => createInventoryReader({ transport: simulatorTransport(sim, shop), bulkPollMs: 10 });

describe("inventory queries against the Admin simulator", () => {
  it("reads many items' levels in batches sized by query cost", async () => {
    const first = shop.variants[0];
    sim.control.setAvailable(shop.domain, { sku: first.sku!, location: "Warehouse", available: 1 });
    const ids = shop.variants.map((v) => v.inventoryItemId);
    const before = sim.control.requests().length;
    const res = await reader().readLevels(ids);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value).toHaveLength(120);
    const one = res.value.find((i) => i.inventoryItemGid === first.inventoryItemId)!;
    const warehouse = shop.locations.find((l) => l.name === "Warehouse")!.id;
    expect(one.levels.find((l) => l.locationId === warehouse)?.available).toBe(1);
    expect(one.levels.every((l) => l.updatedAt !== null)).toBe(true);
    const calls = sim.control.requests().slice(before);
    expect(calls).toHaveLength(Math.ceil(120 / ITEMS_PER_CALL));
    expect(calls.every((c) => !c.throttled && c.errors.length === 0)).toBe(true);
  });

  it("reads only the published locations' levels with the cheap aliased query", async () => {
    const warehouse = shop.locations.find((l) => l.name === "Warehouse")!.id;
    sim.control.setAvailable(shop.domain, { sku: shop.variants[1].sku!, location: "Warehouse", available: 3 });
    const before = sim.control.requests().length;
    const res = await reader().readLevels(shop.variants.map((v) => v.inventoryItemId), [warehouse]);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value).toHaveLength(120);
    const one = res.value.find((i) => i.inventoryItemGid === shop.variants[1].inventoryItemId)!;
    expect(one.levels).toEqual([{ locationId: warehouse, available: 3, updatedAt: expect.any(String) }]);
    const calls = sim.control.requests().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0].requestedQueryCost).toBeLessThan(400);
  });

  it("waits for the cost bucket instead of being throttled", async () => {
    sim.control.setThrottle(shop.domain, { maximumAvailable: 1000, restoreRate: 2000, currentlyAvailable: 0 });
    const res = await reader().readLevels(shop.variants.slice(0, 60).map((v) => v.inventoryItemId));
    expect(res.ok).toBe(true);
    sim.control.setThrottle(shop.domain, { maximumAvailable: 2000, restoreRate: 100 });
  });

  it("lists every variant page by page", async () => {
    const all = [];
    for await (const page of reader().listVariants()) {
      if (!page.ok) console.info(page.error);
      expect(page.ok).toBe(true);
      if (page.ok) all.push(...page.value);
    }
    expect(all).toHaveLength(120);
    expect(all[0]).toMatchObject({ sku: expect.stringMatching(/^SKU-/), tracked: true });
  });

  it("reads every item's levels through a bulk operation", async () => {
    const items: InventoryItemLevels[] = [];
    for await (const chunk of reader().readAllLevels(shop.locations.map((l) => l.id))) {
      if (!chunk.ok) console.info(chunk.error);
      expect(chunk.ok).toBe(true);
      if (chunk.ok) items.push(...chunk.value);
    }
    expect(items).toHaveLength(120);
    expect(items.every((i) => i.levels.length === shop.locations.length)).toBe(true);
  });
});
