import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ok } from "../../app/lib/result";
import { autoMatchSkus, fixSkuMapping, importMappingCsv, listSkuMappings } from "../../app/sync/inventory/manage-sku-mappings.server";
import { getInventoryOverview, updateStockSettings } from "../../app/sync/inventory/get-inventory-overview.server";
import { ManualClock, ScriptedInventory, startStockTestDb, type StockTestDb } from "./stock-harness";

const SHOP = "mapping-test.myshopify.com";
let t: StockTestDb;
beforeAll(async () => {
  t = await startStockTestDb();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.db.$executeRawUnsafe(`TRUNCATE "SkuMapping", "AuditLog", "StockDirtyItem", "PublishedStock", "StockSettings", "StockPushSample"`);
});

function shopifyWithVariants(clock: ManualClock) {
  const shopify = new ScriptedInventory(clock);
  const v = (n: number, sku: string | null, barcode: string | null = null) => ({
    variantGid: `gid://shopify/ProductVariant/${n}`,
    inventoryItemGid: `gid://shopify/InventoryItem/${n}`,
    sku,
    barcode,
    title: `Variant ${n}`,
    tracked: true,
  });
  shopify.variants.push(v(1, "AB-1"), v(2, "CD-2", "5012345678900"), v(3, "DUP"), v(4, "dup"));
  return Object.assign(shopify, {
    variantsBySku: async (sku: string) => ok(shopify.variants.filter((x) => x.sku?.toLowerCase() === sku.toLowerCase())),
  });
}

async function known(...skus: { sku: string; alternates?: string[] }[]) {
  await t.db.skuMapping.createMany({ data: skus.map((s) => ({ shop: SHOP, marketplaceSku: s.sku, alternateSkus: s.alternates ?? [] })) });
}

describe("SKU mapping page use cases", () => {
  it("auto-matches unique hits, leaves duplicates for the merchant, audits and queues reads", async () => {
    const clock = new ManualClock();
    await known({ sku: "100", alternates: ["ab 1"] }, { sku: "200", alternates: ["5012345678900"] }, { sku: "300", alternates: ["DUP"] });
    const out = await autoMatchSkus({ db: t.db, shopify: shopifyWithVariants(clock), now: clock.now() }, SHOP, "merchant");
    expect(out).toMatchObject({ ok: true, value: { linked: 2 } });
    const list = await listSkuMappings(t.db, SHOP, "unmapped", 1, "");
    expect(list.rows.map((r) => r.marketplaceSku)).toEqual(["300"]);
    expect(list.counts).toMatchObject({ all: 3, unmapped: 1 });
    const audit = await t.db.auditLog.findMany({ where: { shop: SHOP, entity: "SkuMapping" }, orderBy: { entityId: "asc" } });
    expect(audit.map((a) => [a.entityId, a.actor, (a.after as { matchMethod: string }).matchMethod])).toEqual([
      ["100", "merchant", "sku"],
      ["200", "merchant", "barcode"],
    ]);
    expect(await t.db.stockDirtyItem.count({ where: { shop: SHOP } })).toBe(2);
  });

  it("imports the CSV sheet and reports each unusable row", async () => {
    const clock = new ManualClock();
    const csv = "JL Stock Number,Supplier SKU,EAN\n100,ab-1,\n200,,5012345678900\n300,dup,\n400,NOPE,\n";
    const out = await importMappingCsv({ db: t.db, shopify: shopifyWithVariants(clock), now: clock.now() }, SHOP, "merchant", csv);
    expect(out.ok && out.value.linked).toBe(2);
    expect(out.ok && out.value.errors.map((e) => e.line)).toEqual([4, 5]);
    const rows = await t.db.skuMapping.findMany({ where: { shop: SHOP }, orderBy: { marketplaceSku: "asc" } });
    expect(rows.map((r) => [r.marketplaceSku, r.matchMethod])).toEqual([
      ["100", "csv"],
      ["200", "csv"],
    ]);
  });

  it("fixes one mapping by hand with a buffer, audited before and after, and flags duplicates", async () => {
    const clock = new ManualClock();
    const shopify = shopifyWithVariants(clock);
    await known({ sku: "100" }, { sku: "101" });
    const deps = { db: t.db, shopify, now: clock.now() };
    expect(await fixSkuMapping(deps, SHOP, "merchant", { marketplaceSku: "100", shopifySku: "AB-1", bufferOverride: null })).toEqual(ok(undefined));
    expect(await fixSkuMapping(deps, SHOP, "merchant", { marketplaceSku: "100", shopifySku: "AB-1", bufferOverride: 3 })).toEqual(ok(undefined));
    expect(await fixSkuMapping(deps, SHOP, "merchant", { marketplaceSku: "101", shopifySku: "AB-1", bufferOverride: null })).toEqual(ok(undefined));
    expect(await fixSkuMapping(deps, SHOP, "merchant", { marketplaceSku: "101", shopifySku: "dup", bufferOverride: null })).toMatchObject({
      ok: false,
      error: { kind: "ambiguous" },
    });
    const audit = await t.db.auditLog.findMany({ where: { shop: SHOP, entityId: "100" }, orderBy: { at: "asc" } });
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({ before: { bufferOverride: null }, after: { bufferOverride: 3 } });
    const dups = await listSkuMappings(t.db, SHOP, "duplicates", 1, "");
    expect(dups.rows.map((r) => [r.marketplaceSku, r.duplicate])).toEqual([
      ["100", "shared-variant"],
      ["101", "shared-variant"],
    ]);
  });

  it("saves stock settings with an audit row and shows the overview", async () => {
    const clock = new ManualClock();
    await t.db.skuMapping.create({ data: { shop: SHOP, marketplaceSku: "100", variantGid: "V1", inventoryItemGid: "I1", matchMethod: "manual" } });
    await updateStockSettings(t.db, SHOP, "merchant", { publishedLocationIds: ["gid://shopify/Location/1"], globalBuffer: 2 }, clock.now());
    expect(await t.db.stockDirtyItem.count({ where: { shop: SHOP } })).toBe(1);
    expect(await t.db.auditLog.count({ where: { shop: SHOP, entity: "StockSettings" } })).toBe(1);
    await t.db.publishedStock.create({ data: { shop: SHOP, marketplaceSku: "100", inventoryItemGid: "I1", desiredQuantity: 4, shownQuantity: 5 } });
    await t.db.stockPushSample.createMany({
      data: [120, 340, 2_000].map((latencyMs, i) => ({ shop: SHOP, marketplaceSku: "100", latencyMs, ok: true, at: new Date(clock.now().getTime() + i * 1000) })),
    });
    clock.advance(60_000);
    const view = await getInventoryOverview(t.db, SHOP, clock.now(), 1, "");
    expect(view.settings).toEqual({ publishedLocationIds: ["gid://shopify/Location/1"], globalBuffer: 2 });
    expect(view.pendingCount).toBe(1);
    expect(view.rows[0]).toMatchObject({ marketplaceSku: "100", desired: 4, shown: 5, waiting: true });
    expect(view.hours).toHaveLength(1);
    expect(view.hours[0]).toMatchObject({ pushes: 3, p50Ms: 340, peakPerMinute: 3 });
  });
});
