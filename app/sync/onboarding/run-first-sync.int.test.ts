import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, ScriptedInventory } from "../../../test/integration/stock-harness";
import { createTestDatabase, type TestDatabase } from "../../../test/setup/database";
import { err, ok, type Result } from "../../lib/result";
import { updateStockSettings } from "../inventory/get-inventory-overview.server";
import { autoMatchSkus } from "../inventory/manage-sku-mappings.server";
import type { ShopifyReadError } from "../inventory/ports";
import { getOnboardingProgress } from "./get-onboarding-progress.server";
import { runFirstSync, type FirstSyncDeps, type ShopLocation, type StepError } from "./run-first-sync.server";

let t: TestDatabase;
let db: PrismaClient;
let shopSeq = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.prisma;
});
afterAll(() => t.drop());

const WAREHOUSE = { id: "gid://shopify/Location/1", name: "Warehouse" };
const SHOP_FLOOR = { id: "gid://shopify/Location/2", name: "Shop floor" };

/**
 * Ports on a real database: the catalogue step records the marketplace's products as the stock
 * reconciliation does (unmapped rows), auto-match is the stock flow's own, on scripted variants.
 */
function world(shop: string) {
  const clock = new ManualClock();
  const inventory = new ScriptedInventory(clock);
  inventory.variants.push(
    { variantGid: "gid://shopify/ProductVariant/1", inventoryItemGid: "gid://shopify/InventoryItem/1", sku: "HB-1", barcode: null, title: "Mug", tracked: true },
    { variantGid: "gid://shopify/ProductVariant/2", inventoryItemGid: "gid://shopify/InventoryItem/2", sku: "HB-2", barcode: null, title: "Lamp", tracked: true },
  );
  const calls: string[] = [];
  const script = {
    locations: ok([WAREHOUSE, SHOP_FLOOR]) as Result<ShopLocation[], ShopifyReadError>,
    reconcileFailures: [] as StepError[],
    matchFailures: [] as ShopifyReadError[],
    marketplace: ["HB-1", "HB-2", "81000037"],
  };
  const deps: FirstSyncDeps = {
    db,
    now: () => clock.now(),
    listLocations: async () => {
      calls.push("listLocations");
      return script.locations;
    },
    saveLocations: async (ids, actor) => {
      calls.push("saveLocations");
      await updateStockSettings(db, shop, actor, { publishedLocationIds: ids, globalBuffer: 0 }, clock.now());
    },
    reconcile: async () => {
      calls.push("reconcile");
      const failure = script.reconcileFailures.shift();
      if (failure) return err(failure);
      await db.skuMapping.createMany({ data: script.marketplace.map((sku) => ({ shop, marketplaceSku: sku })), skipDuplicates: true });
      return ok(undefined);
    },
    autoMatch: async (actor) => {
      calls.push("autoMatch");
      const failure = script.matchFailures.shift();
      if (failure) return err(failure);
      return autoMatchSkus({ db, shopify: inventory, now: clock.now() }, shop, actor);
    },
    releaseOrders: async () => void calls.push("releaseOrders"),
  };
  return { deps, calls, script };
}

let shop: string;
beforeEach(() => {
  shop = `onboarding-${shopSeq++}.myshopify.com`;
});

describe("runFirstSync", () => {
  it("defaults the locations (audited as onboarding), loads the catalogue, matches, then starts stock and orders", async () => {
    const { deps, calls } = world(shop);

    const result = await runFirstSync(deps, shop);

    expect(result).toEqual(ok({ total: 3, matched: 2, unmatched: 1, alreadyDone: false }));
    expect(calls).toEqual(["listLocations", "saveLocations", "reconcile", "autoMatch", "reconcile", "releaseOrders"]);
    const settings = await db.stockSettings.findUnique({ where: { shop } });
    expect(settings?.publishedLocationIds).toEqual([WAREHOUSE.id, SHOP_FLOOR.id]);
    const audit = await db.auditLog.findMany({ where: { shop, entity: "StockSettings" } });
    expect(audit.map((a) => a.actor)).toEqual(["onboarding"]);
    const links = await db.auditLog.findMany({ where: { shop, entity: "SkuMapping" } });
    expect(links.map((a) => a.actor)).toEqual(["onboarding", "onboarding"]);

    const progress = await getOnboardingProgress(db, shop);
    expect(progress).toMatchObject({ state: "done", lastStep: "release", defaultedLocations: ["Warehouse", "Shop floor"], total: 3, matched: 2, unmatched: 1 });
  });

  it("does nothing a second time", async () => {
    const { deps, calls } = world(shop);
    await runFirstSync(deps, shop);
    calls.length = 0;

    const again = await runFirstSync(deps, shop);

    expect(again).toEqual(ok({ total: 3, matched: 2, unmatched: 1, alreadyDone: true }));
    expect(calls).toEqual([]);
  });

  it("keeps the locations a merchant already chose, even none", async () => {
    await updateStockSettings(db, shop, "merchant", { publishedLocationIds: [SHOP_FLOOR.id], globalBuffer: 2 }, new Date());
    const { deps, calls } = world(shop);

    expect((await runFirstSync(deps, shop)).ok).toBe(true);

    expect(calls).not.toContain("listLocations");
    expect((await db.stockSettings.findUnique({ where: { shop } }))?.publishedLocationIds).toEqual([SHOP_FLOOR.id]);
    expect((await getOnboardingProgress(db, shop))?.defaultedLocations).toBeNull();
  });

  it("resumes after a retryable failure at the step that failed", async () => {
    const { deps, calls, script } = world(shop);
    script.matchFailures.push({ kind: "throttled", retryable: true, retryAfterMs: 1000 });

    const first = await runFirstSync(deps, shop);
    expect(first).toMatchObject({ ok: false, error: { step: "match", retryable: true } });
    // A retryable failure is the worker's to retry, not the merchant's to see.
    expect(await getOnboardingProgress(db, shop)).toMatchObject({ state: "running", lastStep: "catalogue", total: 3, matched: 0 });

    calls.length = 0;
    const second = await runFirstSync(deps, shop);
    expect(second).toEqual(ok({ total: 3, matched: 2, unmatched: 1, alreadyDone: false }));
    expect(calls).toEqual(["autoMatch", "reconcile", "releaseOrders"]);
  });

  it("shows a final failure with its reason, and a retry that succeeds clears it", async () => {
    const { deps, script } = world(shop);
    script.locations = ok([]);

    const failed = await runFirstSync(deps, shop);
    expect(failed).toMatchObject({ ok: false, error: { step: "locations", kind: "no-locations", retryable: false } });
    const progress = await getOnboardingProgress(db, shop);
    expect(progress?.state).toBe("failed");
    expect(progress?.failure?.message).toContain("no active location");
    expect(await db.stockSettings.findUnique({ where: { shop } })).toBeNull();

    script.locations = ok([WAREHOUSE]);
    expect((await runFirstSync(deps, shop)).ok).toBe(true);
    expect(await getOnboardingProgress(db, shop)).toMatchObject({ state: "done", failure: null, defaultedLocations: ["Warehouse"] });
  });

  it("has no progress for a shop that never connected", async () => {
    expect(await getOnboardingProgress(db, shop)).toBeNull();
  });
});
