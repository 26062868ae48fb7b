import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ok, type Result } from "../../app/lib/result";
import type { MarketplaceError } from "../../app/marketplace/marketplace-errors";
import type { AcknowledgeInput } from "../../app/marketplace/marketplace-gateway";
import { importOrder, type ImportOrderDeps } from "../../app/sync/orders/import-order.server";
import { getOrderDetail, getOrdersOverview, retryOrder } from "../../app/sync/orders/orders-page.server";
import { pollOrders } from "../../app/sync/orders/poll-orders.server";
import { InMemoryMarketplace } from "../fakes/in-memory-marketplace";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { FakeShopifyOrders } from "./orders-fakes";

const SHOP = "orders-test.myshopify.com";
const V1 = "gid://shopify/ProductVariant/1";
const V2 = "gid://shopify/ProductVariant/2";

let db: TestDatabase;
let marketplace: InMemoryMarketplace;
let shopify: FakeShopifyOrders;
let queued: { id: string; priority: number }[];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

beforeEach(async () => {
  await db.prisma.orderRecord.deleteMany({});
  await db.prisma.skuMapping.deleteMany({});
  marketplace = new InMemoryMarketplace({ now: () => Date.parse("2026-03-02T09:00:00Z") });
  shopify = new FakeShopifyOrders();
  shopify.addVariant(V1, { stock: 10 });
  shopify.addVariant(V2, { stock: 10 });
  queued = [];
  await db.prisma.skuMapping.createMany({
    data: [
      { shop: SHOP, marketplaceSku: "11111111", variantGid: V1, matchMethod: "manual" },
      { shop: SHOP, marketplaceSku: "22222222", variantGid: V2, matchMethod: "manual" },
    ],
  });
});

function deps(overrides: Partial<ImportOrderDeps> = {}): ImportOrderDeps {
  return {
    db: db.prisma,
    marketplace,
    marketplaceId: "john-lewis",
    marketplaceName: "John Lewis",
    shopify,
    clock: { now: () => new Date() },
    leadTimeDays: 2,
    settleMs: 0,
    sleep: async () => {},
    ...overrides,
  };
}

async function poll() {
  const result = await pollOrders(
    { db: db.prisma, marketplace, marketplaceId: "john-lewis", clock: { now: () => new Date() }, enqueue: async (_shop, id, o) => void queued.push({ id, priority: o.priority }) },
    SHOP,
  );
  expect(result.ok).toBe(true);
  return result;
}

async function importAll(d = deps()) {
  const outcomes = [];
  for (const { id } of queued.splice(0)) outcomes.push(await importOrder(d, SHOP, id));
  return outcomes;
}

const acks = () => marketplace.calls.filter((c) => c.operation === "acknowledgeOrder");

describe("importing marketplace orders", () => {
  it("creates each order in Shopify once, acknowledges it once with UK working-day dates, and logs every call", async () => {
    const o = marketplace.seedOrder({ reference: "JL-100", createdAt: "2026-04-02T09:00:00Z", lines: [{ sku: "11111111", quantity: 2, unitPrice: "30.90" }, { sku: "22222222" }] });
    await poll();
    expect(await importAll()).toEqual([ok("acknowledged")]);

    expect(shopify.orders).toHaveLength(1);
    expect(shopify.orders[0].request).toMatchObject({ sourceIdentifier: "JL-100", currency: "GBP", inventory: "obey-policy" });
    expect(acks()).toHaveLength(1);
    // Thursday before Easter + 2 working days: Good Friday and Easter Monday do not count.
    expect(acks()[0]).toMatchObject({ input: { orderId: o.id, promisedDispatchDate: "2026-04-08", promisedDeliveryDate: "2026-04-10" } });
    expect(marketplace.order(o.id)?.lines.map((l) => l.status)).toEqual(["acknowledged", "acknowledged"]);

    const row = await db.prisma.orderRecord.findFirstOrThrow({ where: { shop: SHOP }, include: { activities: { orderBy: { at: "asc" } } } });
    expect(row).toMatchObject({ step: "acknowledged", shopifyOrderGid: shopify.orders[0].gid, acknowledgement: "acknowledged", shopifyOutcome: "created" });
    expect(row.activities.map((a) => `${a.target}:${a.action}:${a.outcome}`)).toEqual(["shopify:lookup:ok", "shopify:orderCreate:ok", "marketplace:acknowledge:ok"]);
    expect(row.lineMap).toEqual([
      { lineId: "1", sku: "11111111", quantity: 2, lineItemGid: shopify.orders[0].lineItemGids[0] },
      { lineId: "2", sku: "22222222", quantity: 1, lineItemGid: shopify.orders[0].lineItemGids[1] },
    ]);

    // A repeated poll and a repeated job change nothing.
    await poll();
    expect(queued).toEqual([]);
    expect(await importOrder(deps(), SHOP, row.id)).toEqual(ok("already-done"));
    expect(shopify.orders).toHaveLength(1);
    expect(acks()).toHaveLength(1);
  });

  it("queues the order nearest its deadline first", async () => {
    marketplace.seedOrder({ reference: "LATE", createdAt: new Date(Date.now() - 3_600_000).toISOString(), lines: [{ sku: "11111111" }] });
    marketplace.seedOrder({ reference: "EARLY", createdAt: new Date(Date.now() - 20 * 3_600_000).toISOString(), lines: [{ sku: "11111111" }] });
    await poll();
    const rows = await db.prisma.orderRecord.findMany({ where: { shop: SHOP } });
    const refOf = (id: string) => rows.find((r) => r.id === id)?.reference;
    expect(queued.map((q) => refOf(q.id))).toEqual(["EARLY", "LATE"]);
    expect(queued[0].priority).toBeLessThan(queued[1].priority);
  });

  it("a lost orderCreate answer is found by the look-up, not created twice", async () => {
    marketplace.seedOrder({ reference: "JL-LOST", lines: [{ sku: "11111111" }] });
    await poll();
    shopify.failNext("create", "lose-answer");
    shopify.failNext("precheck", "throttle", "unavailable");
    expect(await importAll()).toEqual([ok("acknowledged")]);
    expect(shopify.orders).toHaveLength(1);
    expect(shopify.createCalls).toHaveLength(1);
    const row = await db.prisma.orderRecord.findFirstOrThrow({ where: { shop: SHOP }, include: { activities: { orderBy: { at: "asc" } } } });
    expect(row.shopifyOrderGid).toBe(shopify.orders[0].gid);
    expect(row.activities.filter((a) => a.outcome === "failed").map((a) => a.action)).toEqual(["lookup", "lookup", "orderCreate"]);
  });

  it("resumes after a crash between 'created in Shopify' and 'recorded'", async () => {
    const o = marketplace.seedOrder({ reference: "JL-CRASH", lines: [{ sku: "11111111" }] });
    await poll();
    const row = await db.prisma.orderRecord.findFirstOrThrow({ where: { shop: SHOP } });
    // The crashed run had claimed the create and Shopify made the order; nothing else was recorded.
    await db.prisma.orderRecord.update({ where: { id: row.id }, data: { createAttemptedAt: new Date(), createAttempts: 1, shopifyOutcome: "created" } });
    await shopify.createOrder({ ...(await firstRequest(o.id)), sourceIdentifier: "JL-CRASH" });
    const createsBefore = shopify.createCalls.length;
    expect(await importOrder(deps({ settleMs: 20, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }), SHOP, row.id)).toEqual(ok("acknowledged"));
    expect(shopify.orders).toHaveLength(1);
    expect(shopify.createCalls).toHaveLength(createsBefore);
    expect(acks()).toHaveLength(1);
  });

  it("an acknowledgement processed but answered with an error is read back, not sent twice", async () => {
    const o = marketplace.seedOrder({ reference: "JL-ACK", lines: [{ sku: "11111111" }] });
    await poll();
    let lose = true;
    const lossy = Object.create(marketplace) as InMemoryMarketplace;
    lossy.acknowledgeOrder = async (input: AcknowledgeInput): Promise<Result<void, MarketplaceError>> => {
      const done = await marketplace.acknowledgeOrder(input);
      if (lose && done.ok) {
        lose = false;
        return { ok: false, error: { kind: "unavailable", retryable: true, reason: "malformed-response", message: "cut off" } };
      }
      return done;
    };
    expect(await importAll(deps({ marketplace: lossy }))).toEqual([ok("acknowledged")]);
    expect(acks()).toHaveLength(1);
    expect(marketplace.order(o.id)?.lines[0].status).toBe("acknowledged");
  });

  it("two runs of the same order at once create one Shopify order", async () => {
    marketplace.seedOrder({ reference: "JL-TWICE", lines: [{ sku: "11111111" }] });
    await poll();
    const [{ id }] = queued.splice(0);
    shopify.createDelayMs = 50;
    const concurrent = deps({ settleMs: 200, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const first = importOrder(concurrent, SHOP, id);
    await new Promise((r) => setTimeout(r, 20)); // the second run starts while the first is creating
    const [a, b] = await Promise.all([first, importOrder(concurrent, SHOP, id)]);
    expect(a).toEqual(ok("acknowledged"));
    // The second run either found the order (after the settle wait) or saw the first still at it.
    expect(b.ok ? ["already-done", "acknowledged"].includes(b.value) : b.error.kind === "busy").toBe(true);
    expect(shopify.createCalls).toHaveLength(1);
    expect(shopify.orders).toHaveLength(1);
    expect(await importOrder(deps(), SHOP, id)).toEqual(ok("already-done"));
    expect(acks()).toHaveLength(1);
  });
});

describe("exceptions", () => {
  it("an unknown part number waits in the exception queue and imports once it is mapped", async () => {
    marketplace.seedOrder({ reference: "JL-UNK", lines: [{ sku: "11111111" }, { sku: "33333333" }] });
    await poll();
    expect(await importAll()).toEqual([ok("needs-attention")]);
    expect(shopify.orders).toHaveLength(0);
    const ex = await db.prisma.orderException.findMany({ where: { shop: SHOP, resolvedAt: null } });
    expect(ex).toEqual([expect.objectContaining({ reason: "unknown-sku", sku: "33333333", fixActions: ["map-sku", "create-anyway"] })]);
    await poll();
    expect(queued).toEqual([]); // still waiting: nothing to retry yet

    await db.prisma.skuMapping.create({ data: { shop: SHOP, marketplaceSku: "33333333", variantGid: V2, matchMethod: "manual" } });
    await poll();
    expect(queued).toHaveLength(1);
    expect(await importAll()).toEqual([ok("acknowledged")]);
    expect(shopify.orders).toHaveLength(1);
    expect(await db.prisma.orderException.count({ where: { shop: SHOP, resolvedAt: null } })).toBe(0);
  });

  it("an archived variant is an exception; an address problem too", async () => {
    shopify.addVariant(V1, { status: "ARCHIVED" });
    marketplace.seedOrder({ reference: "JL-ARCH", lines: [{ sku: "11111111" }] });
    marketplace.seedOrder({ reference: "JL-ADDR", lines: [{ sku: "22222222" }], shippingAddress: null });
    await poll();
    expect(await importAll()).toEqual([ok("needs-attention"), ok("needs-attention")]);
    const reasons = (await db.prisma.orderException.findMany({ where: { shop: SHOP } })).map((e) => e.reason).sort();
    expect(reasons).toEqual(["address-invalid", "archived-variant"]);
    expect(shopify.orders).toHaveLength(0);
  });

  it("not enough stock: the order goes to Shopify and the lines are backordered with a later date", async () => {
    const o = marketplace.seedOrder({ reference: "JL-SHORT", createdAt: "2026-03-02T09:00:00Z", lines: [{ sku: "11111111", quantity: 50 }] });
    await poll();
    expect(await importAll()).toEqual([ok("backordered")]);
    expect(shopify.orders).toHaveLength(1);
    expect(shopify.orders[0].request.inventory).toBe("ignore-policy");
    const backorders = marketplace.calls.filter((c) => c.operation === "backorderLines");
    expect(backorders).toEqual([expect.objectContaining({ input: expect.objectContaining({ orderId: o.id, expectedDispatchDate: "2026-03-18" }) })]);
    expect(acks()).toHaveLength(0);
    expect(marketplace.order(o.id)?.lines[0].status).toBe("backordered");
  });

  it("not enough stock where the marketplace has no backorder is an exception", async () => {
    marketplace = new InMemoryMarketplace({ capabilities: { backorder: false } });
    marketplace.seedOrder({ reference: "JL-SHORT2", lines: [{ sku: "11111111", quantity: 50 }] });
    await poll();
    expect(await importAll()).toEqual([ok("needs-attention")]);
    expect(await db.prisma.orderException.findFirst({ where: { shop: SHOP } })).toMatchObject({ reason: "insufficient-stock", fixActions: ["retry", "create-anyway"] });
  });
});

describe("the orders page", () => {
  it("filters, shows both sides, and 'create anyway' imports an order with an unknown part number", async () => {
    marketplace.seedOrder({ reference: "JL-OK", lines: [{ sku: "11111111" }] });
    marketplace.seedOrder({ reference: "JL-BAD", lines: [{ sku: "99999999", unitPrice: "7.50" }] });
    await poll();
    await importAll();
    const page = { db: db.prisma, enqueueImport: async (_s: string, id: string, o: { priority: number }) => void queued.push({ id, priority: o.priority }), enqueuePoll: async () => {}, now: () => new Date() };
    const overview = await getOrdersOverview(page, SHOP, "needs-attention");
    expect(overview.counts).toEqual({ all: 2, "needs-attention": 1, "awaiting-acknowledgement": 0, "awaiting-dispatch": 1 });
    expect(overview.rows.map((r) => [r.reference, r.openReasons])).toEqual([["JL-BAD", ["unknown-sku"]]]);
    const done = (await getOrdersOverview(page, SHOP, "awaiting-dispatch")).rows[0];
    expect(done).toMatchObject({ reference: "JL-OK", shopifyOrderName: shopify.orders[0].name, shopifyOrderUrl: `shopify://admin/orders/${shopify.orders[0].gid.split("/").pop()}` });

    const bad = overview.rows[0];
    expect(await retryOrder(page, SHOP, bad.id, { force: true })).toEqual(ok(undefined));
    expect(await importAll()).toEqual([ok("acknowledged")]);
    expect(shopify.orders[1].request.lines[0]).toMatchObject({ variantGid: null, sku: "99999999", unitPrice: "7.50" });
    const detail = await getOrderDetail(page, SHOP, bad.id);
    expect(detail?.order).toMatchObject({ step: "acknowledged", needsAttention: false, shopifyOutcome: "forced" });
    expect(detail?.exceptions[0]).toMatchObject({ reason: "unknown-sku", resolution: "create-anyway" });
    expect(detail?.timeline.map((t) => t.action)).toEqual(["exception", "create-anyway", "lookup", "orderCreate", "acknowledge"]);
    expect(await retryOrder(page, SHOP, bad.id, { force: false })).toEqual({ ok: false, error: { kind: "already-done" } });
  });
});

async function firstRequest(orderId: string) {
  const { buildOrderCreateRequest, planOrderLines } = await import("../../app/sync/orders/order-mapper");
  const order = marketplace.order(orderId);
  if (!order) throw new Error("no order");
  const { planned } = planOrderLines(order, new Map([["11111111", { marketplaceSku: "11111111", variantGid: V1 }]]), { force: false });
  return buildOrderCreateRequest({ order, marketplaceId: "john-lewis", marketplaceName: "John Lewis", planned, inventory: "obey-policy" });
}
