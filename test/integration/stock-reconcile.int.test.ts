import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InMemoryMarketplace } from "../fakes/in-memory-marketplace";
import { pushStockLevels } from "../../app/sync/inventory/push-stock-levels.server";
import { refreshStockLevels } from "../../app/sync/inventory/refresh-stock-levels.server";
import { reconcileStock, startReconciliationRun } from "../../app/sync/inventory/reconcile-stock.server";
import { markItemsDirty } from "../../app/sync/inventory/stock-store.server";
import { ManualClock, ScriptedInventory, startStockTestDb, type StockTestDb } from "./stock-harness";

const SHOP = "recon-test.myshopify.com";
let t: StockTestDb;

beforeAll(async () => {
  t = await startStockTestDb();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.db.$executeRawUnsafe(
    `TRUNCATE "SkuMapping", "StockSettings", "StockDirtyItem", "PublishedStock", "StockPushSample", "StockDiscrepancy", "StockReconciliationRun"`,
  );
  await t.db.stockSettings.create({ data: { shop: SHOP, publishedLocationIds: ["L1"], globalBuffer: 0 } });
});

async function map(sku: string, item: string) {
  await t.db.skuMapping.create({ data: { shop: SHOP, marketplaceSku: sku, variantGid: `V-${item}`, inventoryItemGid: item, matchMethod: "manual" } });
}

describe("reconciliation", () => {
  it("heals a dropped webhook: finds the drift, records it, and the pusher corrects it", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new InMemoryMarketplace();
    market.seedProducts([
      { sku: "1001", quantity: 5 },
      { sku: "1002", quantity: 7 },
      { sku: "2000", quantity: 3, title: "Not mapped yet", alternateSkus: ["EAN-1"] },
    ]);
    await map("1001", "I1");
    await map("1002", "I2");
    await map("9999", "I9"); // the marketplace no longer lists it
    shopify.set("I1", { L1: 5 });
    shopify.set("I2", { L1: 7 });
    await markItemsDirty(t.db, SHOP, ["I1", "I2"], clock.now());
    await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);

    // A sale in Shopify whose webhook never arrives.
    clock.advance(60_000);
    shopify.set("I1", { L1: 1 });

    clock.advance(60_000);
    const runId = await startReconciliationRun(t.db, SHOP, "manual");
    const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
    // The page's drift is corrected as soon as the page is compared (one PATCH, no look-up).
    expect(outcome).toMatchObject({ ok: true, value: { marketplaceItems: 3, discrepancies: 1, corrected: 1, pending: 0 } });
    const found = await t.db.stockDiscrepancy.findMany({ where: { shop: SHOP } });
    expect(found.map((d) => [d.marketplaceSku, d.expectedQuantity, d.marketplaceQuantity, d.resolvedAt !== null])).toEqual([["1001", 1, 5, true]]);
    const run = await t.db.stockReconciliationRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "completed", checked: 3, total: 3, discrepancies: 1 });
    expect(market.stockOf("1001")).toBe(1);
    expect(market.stockOf("1002")).toBe(7);

    const mappings = await t.db.skuMapping.findMany({ where: { shop: SHOP }, orderBy: { marketplaceSku: "asc" } });
    expect(mappings.map((m) => [m.marketplaceSku, m.variantGid !== null, m.marketplaceKnown])).toEqual([
      ["1001", true, true],
      ["1002", true, true],
      ["2000", false, true],
      ["9999", true, false],
    ]);
    expect(mappings[2]).toMatchObject({ title: "Not mapped yet", alternateSkus: ["EAN-1"] });
  });

  it("corrects drift made on the marketplace side too", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new InMemoryMarketplace();
    market.seedProducts([{ sku: "1001", quantity: 40 }]);
    await map("1001", "I1");
    shopify.set("I1", { L1: 4 });
    const runId = await startReconciliationRun(t.db, SHOP, "manual");
    const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
    expect(outcome).toMatchObject({ ok: true, value: { discrepancies: 1, corrected: 1, pending: 0 } });
    expect(market.stockOf("1001")).toBe(4);
  });

  describe("reads both sides at once", () => {
    const N = 2_100; // three marketplace pages
    const sku = (i: number) => String(100_000 + i);
    const item = (i: number) => `I${i}`;
    const drifted = new Map([
      [5, 0],
      [1_500, 2],
      [2_050, 9],
    ]);

    async function catalogue(clock: ManualClock) {
      const shopify = new ScriptedInventory(clock);
      const market = new InMemoryMarketplace();
      market.seedProducts(Array.from({ length: N }, (_, i) => ({ sku: sku(i), quantity: 6 })));
      await t.db.skuMapping.createMany({
        data: Array.from({ length: N }, (_, i) => ({ shop: SHOP, marketplaceSku: sku(i), variantGid: `V-${i}`, inventoryItemGid: item(i), matchMethod: "manual" })),
      });
      for (let i = 0; i < N; i++) shopify.set(item(i), { L1: drifted.get(i) ?? 6 });
      return { shopify, market };
    }

    it("compares the pages listed before Shopify's side was known once it is, and corrects them", async () => {
      const clock = new ManualClock();
      const { shopify, market } = await catalogue(clock);
      // Shopify's bulk file is only ready after the whole marketplace listing (a slow bulk build).
      let listingDone!: () => void;
      const listed = new Promise<void>((r) => (listingDone = r));
      const list = market.listStock.bind(market);
      const pages: number[] = [];
      market.listStock = async (q) => {
        const page = await list(q);
        if (page.ok) {
          pages.push(page.value.items.length);
          if (!page.value.nextCursor) listingDone();
        }
        return page;
      };
      const read = shopify.readAllLevels.bind(shopify);
      shopify.readAllLevels = async function* (locations) {
        await listed;
        yield* read(locations);
      };
      const runId = await startReconciliationRun(t.db, SHOP, "manual");
      const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
      expect(pages).toEqual([1000, 1000, 100]);
      expect(outcome).toMatchObject({ ok: true, value: { marketplaceItems: N, shopifyItems: N, discrepancies: 3, corrected: 3, pending: 0 } });
      for (const [i, quantity] of drifted) expect(market.stockOf(sku(i))).toBe(quantity);
      const found = await t.db.stockDiscrepancy.findMany({ where: { shop: SHOP }, orderBy: { marketplaceSku: "asc" } });
      expect(found.map((d) => [d.marketplaceSku, d.expectedQuantity, d.marketplaceQuantity])).toEqual(
        [...drifted].map(([i, q]) => [sku(i), q, 6]),
      );
      expect(await t.db.stockReconciliationRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "completed", checked: N, discrepancies: 3 });
    });

    it("corrects a listed SKU as soon as Shopify's side has read it, before the bulk file is finished", async () => {
      const clock = new ManualClock();
      const { shopify, market } = await catalogue(clock);
      const read = shopify.readAllLevels.bind(shopify);
      let correctedBeforeEnd = false;
      shopify.readAllLevels = async function* (locations) {
        for await (const all of read(locations)) {
          if (!all.ok) return yield all;
          yield { ok: true as const, value: all.value.slice(0, 1000) };
          // The rest of the file only comes once SKU 5 (in the first chunk) shows its corrected value.
          const deadline = Date.now() + 10_000;
          while (market.stockOf(sku(5)) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          correctedBeforeEnd = market.stockOf(sku(5)) === 0;
          yield { ok: true as const, value: all.value.slice(1000) };
        }
      };
      const runId = await startReconciliationRun(t.db, SHOP, "manual");
      const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
      expect(correctedBeforeEnd).toBe(true);
      expect(outcome).toMatchObject({ ok: true, value: { discrepancies: 3, corrected: 3, pending: 0 } });
      for (const [i, quantity] of drifted) expect(market.stockOf(sku(i))).toBe(quantity);
    });

    it("fails the run when Shopify cannot be read, without correcting anything from half a picture", async () => {
      const clock = new ManualClock();
      const { shopify, market } = await catalogue(clock);
      shopify.readAllLevels = async function* () {
        yield { ok: false as const, error: { kind: "failed" as const, retryable: false, message: "Bulk operation FAILED" } };
      };
      const runId = await startReconciliationRun(t.db, SHOP, "manual");
      const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
      expect(outcome).toMatchObject({ ok: false, error: { kind: "shopify" } });
      expect(market.stockOf(sku(5))).toBe(6);
      expect(await t.db.stockReconciliationRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "failed" });
    });

    it("fails the run when Shopify's side fails after every listed SKU was already corrected", async () => {
      const clock = new ManualClock();
      const { shopify, market } = await catalogue(clock);
      let listingDone!: () => void;
      const listed = new Promise<void>((r) => (listingDone = r));
      const list = market.listStock.bind(market);
      market.listStock = async (q) => {
        const page = await list(q);
        if (page.ok && !page.value.nextCursor) listingDone();
        return page;
      };
      const read = shopify.readAllLevels.bind(shopify);
      shopify.readAllLevels = async function* (locations) {
        yield* read(locations);
        // Everything is read; the file's end (an item no listing has) then fails.
        await listed;
        await new Promise((r) => setTimeout(r, 200));
        yield { ok: false as const, error: { kind: "unavailable" as const, retryable: true, message: "Bulk result download failed (502)." } };
      };
      const runId = await startReconciliationRun(t.db, SHOP, "manual");
      const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
      expect(outcome).toMatchObject({ ok: false, error: { kind: "shopify", error: { kind: "unavailable" } } });
      expect(await t.db.stockReconciliationRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "failed" });
    });

    it("stops reading Shopify when the marketplace listing fails", async () => {
      const clock = new ManualClock();
      const { shopify, market } = await catalogue(clock);
      market.failNext("listStock", { kind: "unavailable", retryable: true, reason: "server-error", message: "503" });
      let shopifyClosed = false;
      const read = shopify.readAllLevels.bind(shopify);
      shopify.readAllLevels = async function* (locations) {
        try {
          await new Promise((r) => setTimeout(r, 50));
          yield* read(locations);
          yield* read(locations);
        } finally {
          shopifyClosed = true;
        }
      };
      const runId = await startReconciliationRun(t.db, SHOP, "manual");
      const outcome = await reconcileStock({ db: t.db, shopify, marketplace: market, clock }, SHOP, runId);
      expect(outcome).toMatchObject({ ok: false, error: { kind: "marketplace", error: { kind: "unavailable" } } });
      // The run only reports once Shopify's side has let go (no writes after the run has ended).
      expect(shopifyClosed).toBe(true);
      expect(await t.db.stockReconciliationRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "failed" });
    });
  });

  it("refuses to run without a published location", async () => {
    const clock = new ManualClock();
    await t.db.stockSettings.update({ where: { shop: SHOP }, data: { publishedLocationIds: [] } });
    const runId = await startReconciliationRun(t.db, SHOP, "manual");
    const outcome = await reconcileStock(
      { db: t.db, shopify: new ScriptedInventory(clock), marketplace: new InMemoryMarketplace(), clock },
      SHOP,
      runId,
    );
    expect(outcome).toMatchObject({ ok: false, error: { kind: "no-locations" } });
    expect((await t.db.stockReconciliationRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("failed");
  });
});
