import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InMemoryMarketplace } from "../fakes/in-memory-marketplace";
import { marketplaceHeldUntil, pushStockLevels } from "../../app/sync/inventory/push-stock-levels.server";
import { refreshStockLevels } from "../../app/sync/inventory/refresh-stock-levels.server";
import { OUTAGE_PROBE_MAX_MS, orderPending, outageProbeDelayMs } from "../../app/sync/inventory/push-planner";
import { claimPending, markItemsDirty, recordDesired } from "../../app/sync/inventory/stock-store.server";
import { err, type Result } from "../../app/lib/result";
import { createMarketplaceGateway } from "../../app/marketplace/create-gateway.server";
import { unavailable, type MarketplaceError } from "../../app/marketplace/marketplace-errors";
import type { CallOptions, StockPushReport, StockUpdate } from "../../app/marketplace/marketplace-gateway";
import { unlimitedBudget } from "../../app/marketplace/request-budget";
import { startVirtualstockSimulator } from "../simulators/virtualstock/server";
import { ManualClock, ScriptedInventory, startStockTestDb, type StockTestDb } from "./stock-harness";

const SHOP = "stock-test.myshopify.com";
let t: StockTestDb;

beforeAll(async () => {
  t = await startStockTestDb();
});
afterAll(async () => {
  await t.stop();
});

beforeEach(async () => {
  await t.db.$executeRawUnsafe(
    `TRUNCATE "SkuMapping", "StockSettings", "StockDirtyItem", "PublishedStock", "StockPushSample", "StockDiscrepancy"`,
  );
  await t.db.stockSettings.create({ data: { shop: SHOP, publishedLocationIds: ["L1", "L2"], globalBuffer: 1 } });
});

async function map(sku: string, item: string, bufferOverride: number | null = null) {
  await t.db.skuMapping.create({
    data: { shop: SHOP, marketplaceSku: sku, variantGid: `V-${item}`, inventoryItemGid: item, matchMethod: "manual", bufferOverride },
  });
}

describe("refresh then push", () => {
  it("publishes Shopify's current levels minus the buffer, one request per SKU, and only for mapped items", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new InMemoryMarketplace({ now: () => clock.now().getTime() });
    market.seedProducts([{ sku: "1001", quantity: 50 }, { sku: "1002", quantity: 50 }]);
    await map("1001", "I1");
    await map("1002", "I2", 0);
    shopify.set("I1", { L1: 4, L2: 3, L9: 100 });
    shopify.set("I2", { L1: 2 });
    shopify.set("I3", { L1: 9 }); // not mapped

    await markItemsDirty(t.db, SHOP, ["I1", "I2", "I3"], clock.now());
    const refreshed = await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    expect(refreshed).toEqual({ ok: true, value: { itemsRead: 2, pending: 2 } });
    expect(shopify.reads).toEqual([["I1", "I2"]]);

    const run = await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
    expect(run).toMatchObject({ pushed: 2, failed: 0, remaining: 0 });
    expect(market.stockOf("1001")).toBe(6);
    expect(market.stockOf("1002")).toBe(2);
    expect(market.calls).toHaveLength(2);

    // Nothing changed: a second refresh and push cost no marketplace request.
    await markItemsDirty(t.db, SHOP, ["I1"], clock.now());
    await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
    expect(market.calls).toHaveLength(2);
  });

  it("coalesces many changes to one SKU into one push of the latest value", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new InMemoryMarketplace();
    market.seedProducts([{ sku: "1001", quantity: 50 }]);
    await map("1001", "I1");
    for (const level of [9, 8, 7, 5]) {
      clock.advance(1000);
      shopify.set("I1", { L1: level });
      await markItemsDirty(t.db, SHOP, ["I1"], clock.now());
      await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    }
    await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
    expect(market.calls).toHaveLength(1);
    expect(market.stockOf("1001")).toBe(4);
  });

  it("never lets an older reading overwrite a newer one", async () => {
    const clock = new ManualClock();
    await map("1001", "I1");
    const newer = { marketplaceSku: "1001", inventoryItemGid: "I1", quantity: 2, sourceAt: new Date(2000), readAt: new Date(2000), changedAt: new Date(2000) };
    const older = { ...newer, quantity: 7, sourceAt: new Date(1000), readAt: new Date(3000) };
    await recordDesired(t.db, SHOP, [newer]);
    await recordDesired(t.db, SHOP, [older]);
    const row = await t.db.publishedStock.findUniqueOrThrow({ where: { shop_marketplaceSku: { shop: SHOP, marketplaceSku: "1001" } } });
    expect(row.desiredQuantity).toBe(2);
    expect(clock.now()).toBeInstanceOf(Date);
  });

  it("does not rewrite a SKU whose reading says nothing new, yet still counts it as waiting to be pushed", async () => {
    await map("1001", "I1");
    const first = { marketplaceSku: "1001", inventoryItemGid: "I1", quantity: 4, sourceAt: new Date(1000), readAt: new Date(2000), changedAt: new Date(2000) };
    expect(await recordDesired(t.db, SHOP, [first])).toBe(1);
    const before = await t.db.publishedStock.findUniqueOrThrow({ where: { shop_marketplaceSku: { shop: SHOP, marketplaceSku: "1001" } } });
    // The same levels read again an hour later: same value, same Shopify version.
    const again = { ...first, readAt: new Date(3_602_000), changedAt: new Date(3_602_000) };
    expect(await recordDesired(t.db, SHOP, [again])).toBe(1);
    const after = await t.db.publishedStock.findUniqueOrThrow({ where: { shop_marketplaceSku: { shop: SHOP, marketplaceSku: "1001" } } });
    expect(after.desiredReadAt).toEqual(before.desiredReadAt);
    // Shown and wanted agree: nothing waits.
    await t.db.publishedStock.update({ where: { shop_marketplaceSku: { shop: SHOP, marketplaceSku: "1001" } }, data: { shownQuantity: 4 } });
    expect(await recordDesired(t.db, SHOP, [again])).toBe(0);
    // A newer version with a new value is written.
    expect(await recordDesired(t.db, SHOP, [{ ...again, quantity: 3, sourceAt: new Date(5000) }])).toBe(1);
    const changed = await t.db.publishedStock.findUniqueOrThrow({ where: { shop_marketplaceSku: { shop: SHOP, marketplaceSku: "1001" } } });
    expect(changed).toMatchObject({ desiredQuantity: 3, desiredSourceAt: new Date(5000) });
  });

  it("claims in the same order as the planner", async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const rows = [
      { sku: "up", shown: 1, desired: 9, ago: 5_000 },
      { sku: "settled-drop", shown: 10, desired: 8, ago: 5_000 },
      { sku: "recent-drop", shown: 30, desired: 10, ago: 4_000 },
      { sku: "near", shown: 4, desired: 1, ago: 3_000 },
      { sku: "zero", shown: 3, desired: 0, ago: 2_000 },
      { sku: "unknown", shown: null, desired: 5, ago: 2_000 },
      { sku: "old-up", shown: 1, desired: 2, ago: 90_000 },
    ];
    for (const r of rows) {
      await t.db.publishedStock.create({
        data: {
          shop: SHOP,
          marketplaceSku: r.sku,
          inventoryItemGid: r.sku,
          desiredQuantity: r.desired,
          shownQuantity: r.shown,
          desiredChangedAt: new Date(now.getTime() - r.ago),
          desiredSourceAt: now,
          desiredReadAt: now,
        },
      });
    }
    const claimed = await claimPending(t.db, SHOP, now, 10, 1000);
    const expected = orderPending(
      rows.map((r) => ({ marketplaceSku: r.sku, shown: r.shown, desired: r.desired, changedAt: new Date(now.getTime() - r.ago) })),
      now,
    );
    expect(claimed.map((c) => c.marketplaceSku)).toEqual(expected.map((e) => e.marketplaceSku));
    expect(claimed.map((c) => c.marketplaceSku)).toEqual(["zero", "old-up", "near", "settled-drop", "recent-drop", "unknown", "up"]);
    // Claimed rows are leased: a second pusher gets nothing until the lease ends.
    expect(await claimPending(t.db, SHOP, now, 10, 1000)).toEqual([]);
  });

  it("holds back a SKU whose item has an unread change, unless it is a sell-out or overdue", async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const rows = [
      { sku: "stale-drop", shown: 10, desired: 8, ago: 5_000 },
      { sku: "zero", shown: 3, desired: 0, ago: 2_000 },
      { sku: "old-up", shown: 1, desired: 2, ago: 90_000 },
      { sku: "clean", shown: 10, desired: 7, ago: 1_000 },
    ];
    for (const r of rows) {
      await t.db.publishedStock.create({
        data: {
          shop: SHOP,
          marketplaceSku: r.sku,
          inventoryItemGid: `item-${r.sku}`,
          desiredQuantity: r.desired,
          shownQuantity: r.shown,
          desiredChangedAt: new Date(now.getTime() - r.ago),
          desiredSourceAt: now,
          desiredReadAt: now,
        },
      });
    }
    await markItemsDirty(t.db, SHOP, ["item-stale-drop", "item-zero", "item-old-up"], now);
    const claimed = await claimPending(t.db, SHOP, now, 10, 1000);
    expect(claimed.map((c) => c.marketplaceSku)).toEqual(["zero", "old-up", "clean"]);
    // Once the change is read (the dirty row taken), the SKU is pushable again.
    await t.db.stockDirtyItem.deleteMany({ where: { shop: SHOP } });
    expect((await claimPending(t.db, SHOP, now, 10, 1000)).map((c) => c.marketplaceSku)).toEqual(["stale-drop"]);
  });

  it("uses the urgent budget for sell-outs only", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new InMemoryMarketplace();
    market.seedProducts([{ sku: "1001", quantity: 5 }, { sku: "1002", quantity: 5 }]);
    await map("1001", "I1");
    await map("1002", "I2");
    await t.db.publishedStock.createMany({
      data: [
        { shop: SHOP, marketplaceSku: "1001", inventoryItemGid: "I1", shownQuantity: 5 },
        { shop: SHOP, marketplaceSku: "1002", inventoryItemGid: "I2", shownQuantity: 5 },
      ],
    });
    shopify.set("I1", { L1: 1 }); // 1 - buffer 1 = 0: sell-out
    shopify.set("I2", { L1: 4 });
    await markItemsDirty(t.db, SHOP, ["I1", "I2"], clock.now());
    await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
    const pushes = market.calls.filter((c) => c.operation === "pushStock");
    expect(pushes.map((c) => [c.input[0].sku, c.input[0].quantity, c.options?.priority])).toEqual([
      ["1001", 0, "urgent"],
      ["1002", 3, "routine"],
    ]);
  });

  it("stops on an outage without burning requests, and retries later", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new InMemoryMarketplace();
    market.seedProducts([{ sku: "1001", quantity: 50 }, { sku: "1002", quantity: 50 }]);
    await map("1001", "I1");
    await map("1002", "I2");
    shopify.set("I1", { L1: 3 });
    shopify.set("I2", { L1: 4 });
    await markItemsDirty(t.db, SHOP, ["I1", "I2"], clock.now());
    await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    market.failNext("pushStock", unavailable("server-error", "503"), 1);
    const first = await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
    expect(first).toMatchObject({ pushed: 0, failed: 1 });
    expect(first.outageUntil).not.toBeNull();
    clock.advance(5_000);
    const second = await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
    expect(second).toMatchObject({ pushed: 2, remaining: 0 });
    expect(market.stockOf("1001")).toBe(2);
  });

  it("puts items back in the queue when Shopify cannot be read", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    await map("1001", "I1");
    shopify.set("I1", { L1: 3 });
    await markItemsDirty(t.db, SHOP, ["I1"], clock.now());
    shopify.failNext = { kind: "throttled", retryable: true, retryAfterMs: 1000 };
    const first = await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    expect(first.ok).toBe(false);
    expect(await t.db.stockDirtyItem.count()).toBe(1);
    const second = await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
    expect(second).toEqual({ ok: true, value: { itemsRead: 1, pending: 1 } });
  });
});

/** A marketplace whose stock endpoint can be down for everyone, or for some products only. */
class FlakyMarketplace extends InMemoryMarketplace {
  down = false;
  readonly broken = new Set<string>();
  /** Every pushStock call, answered or refused. */
  attempts: string[] = [];
  override async pushStock(updates: StockUpdate[], options?: CallOptions): Promise<Result<StockPushReport, MarketplaceError>> {
    this.attempts.push(updates[0]?.sku ?? "");
    if (this.down || this.broken.has(updates[0]?.sku ?? "")) return err(unavailable("server-error", "503 Service Unavailable"));
    return super.pushStock(updates, options);
  }
}

/** The most probes the pusher's schedule fits into `ms` of outage. */
function probesWithin(ms: number): number {
  let n = 0;
  for (let t = 0; t < ms; ) t += outageProbeDelayMs(++n);
  return n;
}

async function pendingSkus(clock: ManualClock, shopify: ScriptedInventory, levels: Record<string, number>) {
  for (const [sku, level] of Object.entries(levels)) {
    await map(sku, `I${sku}`);
    shopify.set(`I${sku}`, { L1: level });
  }
  await markItemsDirty(t.db, SHOP, Object.keys(levels).map((sku) => `I${sku}`), clock.now());
  await refreshStockLevels({ db: t.db, shopify, clock }, SHOP);
}

describe("marketplace outages", () => {
  it("sends one probe per interval while the marketplace is down, whatever the triggers, and everything on the first success", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new FlakyMarketplace({ now: () => clock.now().getTime() });
    const skus = ["2001", "2002", "2003", "2004", "2005"];
    market.seedProducts(skus.map((sku) => ({ sku, quantity: 50 })));
    await pendingSkus(clock, shopify, Object.fromEntries(skus.map((sku, i) => [sku, 10 + i])));
    market.down = true;
    // A minute of triggers, one a second (webhooks, refresh rounds, scheduled retries).
    const held: (Date | null)[] = [];
    for (let s = 0; s < 60; s++) {
      const run = await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
      expect(run.pushed).toBe(0);
      expect(run.outageUntil).not.toBeNull();
      held.push(run.outageUntil);
      clock.advance(1_000);
    }
    expect(market.attempts).toHaveLength(probesWithin(60_000));
    // The SKUs that did not carry a probe were not pushed back.
    const untouched = await t.db.publishedStock.findMany({ where: { shop: SHOP, marketplaceSku: { notIn: market.attempts } } });
    expect(untouched.length).toBeGreaterThan(0);
    for (const row of untouched) expect(row).toMatchObject({ attempts: 0, nextAttemptAt: null });

    market.down = false;
    const recovered = clock.now().getTime();
    let deliveredAt: number | null = null;
    for (let s = 0; s <= OUTAGE_PROBE_MAX_MS / 1_000 && deliveredAt == null; s++) {
      const run = await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
      if (run.pushed > 0) {
        // The probe and the whole backlog in one run.
        expect(run).toMatchObject({ pushed: skus.length, remaining: 0, outageUntil: null });
        deliveredAt = clock.now().getTime();
      } else clock.advance(1_000);
    }
    expect(deliveredAt).not.toBeNull();
    expect((deliveredAt ?? Infinity) - recovered).toBeLessThanOrEqual(OUTAGE_PROBE_MAX_MS);
    for (const [i, sku] of skus.entries()) expect(market.stockOf(sku)).toBe(10 + i - 1);
    expect(marketplaceHeldUntil(market, clock.now())).toBeNull();
  });

  it("does not let one product that always fails hold back the others", async () => {
    const clock = new ManualClock();
    const shopify = new ScriptedInventory(clock);
    const market = new FlakyMarketplace({ now: () => clock.now().getTime() });
    market.seedProducts([{ sku: "3001", quantity: 5 }, { sku: "3002", quantity: 50 }, { sku: "3003", quantity: 50 }]);
    await t.db.publishedStock.create({ data: { shop: SHOP, marketplaceSku: "3001", inventoryItemGid: "I3001", shownQuantity: 5 } });
    // 3001 goes to zero, so it is the riskiest and the first one claimed.
    await pendingSkus(clock, shopify, { "3001": 1, "3002": 7, "3003": 8 });
    market.broken.add("3001");
    let othersAt: number | null = null;
    const start = clock.now().getTime();
    for (let s = 0; s < 30; s++) {
      await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
      if (othersAt == null && market.stockOf("3002") === 6 && market.stockOf("3003") === 7) othersAt = clock.now().getTime();
      clock.advance(1_000);
    }
    // Taken for an outage at first, it is passed over by the next probe, which goes through.
    expect(othersAt).not.toBeNull();
    expect((othersAt ?? Infinity) - start).toBeLessThanOrEqual(outageProbeDelayMs(1));
    // It is still retried, but no more often than a down marketplace is probed: the schedule,
    // restarted once by the success of the others, plus the try right after that success.
    const onBroken = market.attempts.filter((sku) => sku === "3001").length;
    expect(onBroken).toBeGreaterThan(1);
    expect(onBroken).toBeLessThanOrEqual(probesWithin(30_000) + 2);
    expect(market.stockOf("3001")).toBe(5);
  });

  it("probes with one request per interval when every endpoint is down, the token endpoint included", async () => {
    const vs = await startVirtualstockSimulator({ rateLimitPerMinute: 250 });
    try {
      const clock = new ManualClock();
      const shopify = new ScriptedInventory(clock);
      vs.control.seedProducts(["4001", "4002", "4003"].map((partNumber) => ({ partNumber, stock: 0 })));
      // A fresh gateway (a worker that just started): no token, no product ids cached.
      const market = createMarketplaceGateway({
        marketplaceId: "john-lewis",
        baseUrl: vs.url,
        credentials: { username: "supplier", password: "secret" },
        budget: unlimitedBudget,
      });
      await pendingSkus(clock, shopify, { "4001": 4, "4002": 5, "4003": 6 });
      vs.control.injectFault({ kind: "status", status: 503, count: 1_000_000, path: "/" });
      for (let s = 0; s < 60; s++) {
        await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
        clock.advance(1_000);
      }
      const during = vs.control.requests();
      expect(during).toHaveLength(probesWithin(60_000));
      // Each probe stopped at the login in front of the push.
      expect(during.every((r) => r.method === "POST" && r.path.includes("/token") && r.status === 503)).toBe(true);

      vs.control.clearFaults();
      for (let s = 0; s <= OUTAGE_PROBE_MAX_MS / 1_000 && vs.control.getProduct("4003")?.stock !== 5; s++) {
        await pushStockLevels({ db: t.db, marketplace: market, clock }, SHOP);
        clock.advance(1_000);
      }
      expect(["4001", "4002", "4003"].map((p) => vs.control.getProduct(p)?.stock)).toEqual([3, 4, 5]);
      expect(vs.control.statusCounts()[429]).toBeUndefined();
    } finally {
      await vs.close();
    }
  });
});
