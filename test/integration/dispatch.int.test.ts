import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ok } from "../../app/lib/result";
import { rejected, unavailable } from "../../app/marketplace/marketplace-errors";
import { createAdminClient } from "../../app/shopify-admin/admin-client.server";
import { pollMarketplaceCancellations, processCancellation, recordMerchantCancellation, isOwnRefund } from "../../app/sync/cancellations/cancellations.server";
import { saveCarrierMapping } from "../../app/sync/fulfillment/carrier-mappings.server";
import { checkStuckDispatches } from "../../app/sync/fulfillment/check-stuck-dispatches.server";
import { getDispatchOverview, retryDispatch } from "../../app/sync/fulfillment/dispatch-issues.server";
import { createFlowDeps } from "../../app/sync/fulfillment/flow-runtime.server";
import type { FlowDeps, FlowJob } from "../../app/sync/fulfillment/ports";
import { recordFulfillment, type FulfillmentInput } from "../../app/sync/fulfillment/record-fulfillment.server";
import { sendDispatch } from "../../app/sync/fulfillment/send-dispatch.server";
import { StoredFulfillment } from "../../app/sync/fulfillment/stored-payloads";
import { FulfillmentEvent } from "../../app/sync/webhooks/webhook-payloads";
import { countdown, parseOrderStatus } from "../../extensions/order-status-block/src/order-status";
import { getOrderMarketplaceStatus } from "../../app/sync/fulfillment/order-status.server";
import { InMemoryMarketplace, type InMemoryMarketplaceOptions } from "../fakes/in-memory-marketplace";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import type { FulfillmentSnapshot, OrderSnapshot, SeededShop, ShopifySimulator } from "../simulators/shopify/control";
import { startShopifySimulator } from "../simulators/shopify/server";

/**
 * The dispatch and cancellation use cases against a real database, the Shopify Admin simulator and
 * the in-memory marketplace (whose rules the contract suite keeps in step with the Virtualstock
 * simulator). Jobs the use cases enqueue are recorded and drained by running their handlers.
 */
let db: TestDatabase;
let sim: ShopifySimulator;
let seeded: SeededShop;
let shop: string;
let clock = Date.parse("2026-06-01T09:00:00Z");
let market: InMemoryMarketplace;
let jobs: FlowJob[];
let deps: FlowDeps;
let orderSeq = 5000;

beforeAll(async () => {
  db = await createTestDatabase();
  sim = await startShopifySimulator({});
  seeded = sim.control.seedShop({
    domain: "dispatch.myshopify.com",
    products: [
      { title: "Lamp", variants: [{ sku: "LAMP", price: "30.00", stock: { Warehouse: 50 } }] },
      { title: "Rug", variants: [{ sku: "RUG", price: "80.00", stock: { Warehouse: 50 } }] },
    ],
  });
  shop = seeded.domain;
});
afterAll(async () => {
  await sim.close();
  await db.drop();
});

function setup(options: InMemoryMarketplaceOptions = {}) {
  market = new InMemoryMarketplace({
    now: () => clock,
    carriers: [
      { code: "royal-mail", name: "Royal Mail" },
      { code: "dpd-uk", name: "DPD UK" },
      { code: "evri", name: "Evri" },
    ],
    ...options,
  });
  jobs = [];
  deps = createFlowDeps({
    db: db.prisma,
    now: () => new Date(clock),
    marketplace: async () => ok(market),
    adminFor: async () => createAdminClient({ shop, accessToken: seeded.accessToken, endpoint: sim.graphqlUrl(shop), backoffBaseMs: 1 }),
    enqueue: async (_tx, job) => {
      jobs.push(job);
    },
  });
}

/** Runs queued jobs until none are left; returns how many ran. */
async function drain(): Promise<number> {
  let ran = 0;
  while (jobs.length > 0 && ran < 50) {
    const job = jobs.shift()!;
    ran++;
    if (job.task === "fulfillment.dispatch") await sendDispatch(deps, job.payload.shop, job.payload.dispatchId);
    else if (job.task === "cancellations.process") await processCancellation(deps, job.payload.shop, job.payload.cancellationId);
    else await pollMarketplaceCancellations(deps, job.payload.shop);
  }
  return ran;
}

/** A marketplace order (lamp × 2, rug × 1), its Shopify order, and the Orders flow's link row. */
async function linkedOrder(): Promise<{ orderId: string; shopifyOrder: OrderSnapshot }> {
  const orderId = String(orderSeq++);
  market.seedOrder({
    id: orderId,
    lines: [
      { lineId: "1", sku: "11111111", quantity: 2, status: "acknowledged" },
      { lineId: "2", sku: "22222222", quantity: 1, status: "acknowledged" },
    ],
  });
  const shopifyOrder = sim.control.sellOnShopify(shop, { lines: [{ sku: "LAMP", quantity: 2 }, { sku: "RUG", quantity: 1 }] });
  const item = (sku: string) => shopifyOrder.lineItems.find((l) => l.sku === sku)!.id;
  await db.prisma.orderRecord.create({
    data: {
      shop,
      marketplaceId: "john-lewis",
      marketplaceOrderId: orderId,
      reference: `JL${orderId}`,
      orderedAt: new Date(clock),
      acknowledgeBy: new Date(clock + 3600_000),
      currency: "GBP",
      lineCount: 2,
      snapshot: {},
      marketplaceStatus: "acknowledged",
      step: "acknowledged",
      shopifyOrderGid: shopifyOrder.id,
      createdInShopifyAt: new Date(clock),
      lineMap: [
        { lineId: "1", sku: "11111111", quantity: 2, lineItemGid: item("LAMP") },
        { lineId: "2", sku: "22222222", quantity: 1, lineItemGid: item("RUG") },
      ],
    },
  });
  return { orderId, shopifyOrder };
}

/** What the fulfillments webhook carries, built from the simulator's fulfillment. */
function asInput(f: FulfillmentSnapshot): FulfillmentInput {
  const t = f.tracking[0];
  return {
    fulfillmentGid: f.id,
    orderGid: f.orderId,
    status: f.status.toLowerCase(),
    trackingCompany: t?.company ?? null,
    trackingNumbers: t?.number ? [t.number] : [],
    trackingUrls: t?.url ? [t.url] : [],
    lines: f.lineItems.map((l) => ({ lineItemGid: l.lineItemId, quantity: l.quantity })),
    createdAt: new Date(clock).toISOString(),
  };
}

async function fulfil(orderGid: string, input: Parameters<ShopifySimulator["control"]["fulfill"]>[2]) {
  const [f] = sim.control.fulfill(shop, orderGid, input);
  const recorded = await recordFulfillment(deps, shop, asInput(f));
  if (!recorded.ok) throw new Error(recorded.error.message);
  return { fulfillment: f, outcome: recorded.value };
}

async function map(name: string, code: string) {
  const res = await saveCarrierMapping(deps, { shop, shopifyCarrierName: name, carrierCode: code, actor: "test" });
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
}

const dispatchOf = (fulfillmentGid: string) => db.prisma.dispatch.findUniqueOrThrow({ where: { shop_fulfillmentGid: { shop, fulfillmentGid } } });

beforeEach(async () => {
  await db.prisma.carrierMapping.deleteMany({});
  await db.prisma.merchantTask.deleteMany({});
  setup();
  await map("Royal Mail", "royal-mail");
});

describe("the fulfillments webhook payload", () => {
  it("survives the route's transform and the job's re-parse", () => {
    const rest = {
      id: 42, admin_graphql_api_id: "gid://shopify/Fulfillment/42", order_id: 7, status: "success",
      tracking_company: "Royal Mail", tracking_number: "AB1", tracking_numbers: ["AB1"], tracking_url: "https://t/AB1", tracking_urls: ["https://t/AB1"],
      line_items: [{ id: 9, quantity: 2, sku: "LAMP", variant_id: 3 }], updated_at: "2026-06-01T10:00:00Z",
    };
    const stored = StoredFulfillment.parse(JSON.parse(JSON.stringify(FulfillmentEvent.parse(rest))));
    expect(stored).toMatchObject({ fulfillmentGid: "gid://shopify/Fulfillment/42", orderGid: "gid://shopify/Order/7", trackingCompany: "Royal Mail", lines: [{ lineItemGid: "gid://shopify/LineItem/9", quantity: 2 }] });
  });
});

describe("dispatch", () => {
  it("confirms a partial fulfilment with only its lines and quantities, then the split rest", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const first = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "RM1", url: "https://rm/RM1", lines: [{ sku: "LAMP", quantity: 1 }] });
    expect(first.outcome).toMatchObject({ outcome: "recorded", status: "pending" });
    expect(await drain()).toBe(1);
    expect(market.shipments(orderId)).toEqual([{ lineId: "1", quantity: 1, carrierCode: "royal-mail", trackingNumber: "RM1" }]);
    expect(market.order(orderId)!.lines.map((l) => l.status)).toEqual(["acknowledged", "acknowledged"]);
    const recordAfterFirst = await db.prisma.orderRecord.findFirstOrThrow({ where: { shop, marketplaceOrderId: orderId } });
    expect(recordAfterFirst.marketplaceStatus).toBe("acknowledged");

    const second = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "RM2", lines: [{ sku: "LAMP", quantity: 1 }, { sku: "RUG", quantity: 1 }] });
    await drain();
    expect(market.shipments(orderId)).toHaveLength(3);
    expect(market.order(orderId)!.lines.map((l) => l.status)).toEqual(["dispatched", "dispatched"]);
    expect((await dispatchOf(second.fulfillment.id)).status).toBe("sent");
    const call = market.calls.filter((c) => c.operation === "dispatchLines").at(-1);
    expect(call?.operation === "dispatchLines" && call.input.shipment).toMatchObject({ carrierCode: "royal-mail", trackingNumber: "RM2" });
    // The orders page follows: dispatched once every line is confirmed, one timeline entry per parcel.
    const record = await db.prisma.orderRecord.findFirstOrThrow({ where: { shop, marketplaceOrderId: orderId }, include: { activities: { orderBy: { at: "asc" } } } });
    expect(record.marketplaceStatus).toBe("dispatched");
    expect(record.activities.filter((a) => a.action === "dispatch" && a.outcome === "ok").map((a) => a.detail)).toEqual([
      "Dispatch confirmed: 1 × 11111111 with royal-mail RM1.",
      "Dispatch confirmed: 1 × 11111111, 1 × 22222222 with royal-mail RM2.",
    ]);
  });

  it("a repeated webhook does not confirm twice", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const { fulfillment } = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "RM3" });
    const again = await recordFulfillment(deps, shop, asInput(fulfillment));
    expect(again.ok && again.value.outcome).toBe("unchanged");
    await drain();
    await sendDispatch(deps, shop, (await dispatchOf(fulfillment.id)).id);
    expect(market.calls.filter((c) => c.operation === "dispatchLines" && c.input.orderId === orderId)).toHaveLength(1);
  });

  it("blocks an unmapped carrier at once, shows it, and releases it when mapped", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const { fulfillment, outcome } = await fulfil(shopifyOrder.id, { company: "Evri (Hermes)", number: "EV1" });
    expect(outcome).toMatchObject({ status: "blocked-unmapped-carrier" });
    expect(jobs).toHaveLength(0);
    const overview = await getDispatchOverview(deps, shop);
    expect(overview.counts.unmappedCarrier).toBeGreaterThanOrEqual(1);
    expect(overview.issues.find((i) => i.marketplaceOrderId === orderId)).toMatchObject({ problem: "unmapped-carrier", carrierName: "Evri (Hermes)", retryable: false });

    expect(await map("evri hermes", "evri")).toEqual({ released: 1 });
    await drain();
    expect((await dispatchOf(fulfillment.id)).status).toBe("sent");
    expect(market.shipments(orderId).map((s) => s.carrierCode)).toEqual(["evri", "evri"]);
    const audit = await db.prisma.auditLog.findMany({ where: { shop, entity: "CarrierMapping" } });
    expect(audit.some((a) => (a.after as { carrierCode?: string }).carrierCode === "evri")).toBe(true);
  });

  it("refuses a mapping to a code the marketplace does not list", async () => {
    const res = await saveCarrierMapping(deps, { shop, shopifyCarrierName: "Bob's Vans", carrierCode: "bobs-vans", actor: "test" });
    expect(res).toMatchObject({ ok: false, error: { kind: "unknown-carrier" } });
  });

  it("holds a fulfilment without tracking until Shopify has it", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const { fulfillment, outcome } = await fulfil(shopifyOrder.id, { company: "Royal Mail" });
    expect(outcome).toMatchObject({ status: "blocked-missing-tracking" });
    const updated = sim.control.updateTracking(shop, fulfillment.id, { company: "Royal Mail", number: "RM9" });
    const res = await recordFulfillment(deps, shop, asInput(updated));
    expect(res.ok && res.value).toMatchObject({ outcome: "tracking-replaced", status: "pending" });
    await drain();
    expect(market.shipments(orderId).map((s) => s.trackingNumber)).toEqual(["RM9", "RM9"]);
  });

  it("a tracking change after confirmation becomes a portal task, not a second dispatch", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const { fulfillment } = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "OLD1" });
    await drain();
    const updated = sim.control.updateTracking(shop, fulfillment.id, { company: "Royal Mail", number: "NEW1" });
    const res = await recordFulfillment(deps, shop, asInput(updated));
    expect(res.ok && res.value.outcome).toBe("merchant-task");
    expect(jobs).toHaveLength(0);
    expect(market.calls.filter((c) => c.operation === "dispatchLines" && c.input.orderId === orderId)).toHaveLength(1);
    const tasks = await db.prisma.merchantTask.findMany({ where: { shop, marketplaceOrderId: orderId } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: "portal-tracking-update" });
    expect(tasks[0].instructions).toContain("NEW1");
    // The same update delivered again adds nothing.
    await recordFulfillment(deps, shop, asInput(updated));
    expect(await db.prisma.merchantTask.count({ where: { shop, marketplaceOrderId: orderId } })).toBe(1);
  });

  it("records a marketplace rejection with its reason, and a retry sends it", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    market.failNext("dispatchLines", rejected("validation", "INVALID_TRACKING", "tracking_number: too long", 400));
    const { fulfillment } = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "RM5" });
    await drain();
    const row = await dispatchOf(fulfillment.id);
    expect(row.status).toBe("rejected");
    expect(row.lastError).toContain("tracking_number: too long");
    const overview = await getDispatchOverview(deps, shop);
    expect(overview.issues.find((i) => i.id === row.id)).toMatchObject({ problem: "rejected", retryable: true });

    expect(await retryDispatch(deps, shop, row.id)).toEqual({ ok: true, value: { status: "pending" } });
    await drain();
    expect((await dispatchOf(fulfillment.id)).status).toBe("sent");
    expect(market.order(orderId)!.lines.every((l) => l.status === "dispatched")).toBe(true);
  });

  it("retries outages; the stuck check flags and re-queues what is still unconfirmed", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    market.failNext("dispatchLines", unavailable("server-error", "HTTP 503"), 1);
    const { fulfillment } = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "RM6" });
    const dispatchId = (await dispatchOf(fulfillment.id)).id;
    const first = await sendDispatch(deps, shop, dispatchId);
    expect(first).toMatchObject({ ok: false, error: { kind: "unavailable", retryable: true } });
    jobs = []; // the worker's retries ran out (simulated): only the stuck check can help now
    expect((await dispatchOf(fulfillment.id)).status).toBe("pending");

    clock += 20 * 60_000;
    const report = await checkStuckDispatches(deps);
    expect(report.newlyStuck).toBeGreaterThanOrEqual(1);
    expect((await dispatchOf(fulfillment.id)).stuckSince).not.toBeNull();
    expect((await getDispatchOverview(deps, shop)).issues.find((i) => i.id === dispatchId)).toMatchObject({ problem: "stuck", reason: expect.stringContaining("HTTP 503") });
    await drain();
    expect((await dispatchOf(fulfillment.id)).status).toBe("sent");
    expect((await dispatchOf(fulfillment.id)).stuckSince).toBeNull();
    expect(market.order(orderId)!.lines.every((l) => l.status === "dispatched")).toBe(true);
  });

  it("recovers a fulfilment whose webhook was lost", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    sim.control.fulfill(shop, shopifyOrder.id, { company: "Royal Mail", number: "LOST1" }); // never recorded
    clock += 20 * 60_000;
    const report = await checkStuckDispatches(deps);
    expect(report.recovered).toBeGreaterThanOrEqual(1);
    await drain();
    expect(market.shipments(orderId).map((s) => s.trackingNumber)).toEqual(["LOST1", "LOST1"]);
  });

  it("ships whole orders only where the marketplace cannot take part-parcels", async () => {
    setup({ capabilities: { partialDispatch: false } });
    await map("Royal Mail", "royal-mail");
    const { orderId, shopifyOrder } = await linkedOrder();
    const a = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "W1", lines: [{ sku: "LAMP", quantity: 2 }] });
    await drain();
    expect(market.shipments(orderId)).toEqual([]);
    expect((await dispatchOf(a.fulfillment.id)).lastError).toContain("whole orders");
    const b = await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "W2", lines: [{ sku: "RUG", quantity: 1 }] });
    await drain();
    const calls = market.calls.filter((c) => c.operation === "dispatchLines" && c.input.orderId === orderId);
    expect(calls).toHaveLength(1);
    expect((await dispatchOf(a.fulfillment.id)).status).toBe("sent");
    expect((await dispatchOf(b.fulfillment.id)).status).toBe("sent");
  });
});

describe("cancellations", () => {
  it("marketplace asks before dispatch: cancel and restock in Shopify, then acknowledge", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const rugBefore = sim.control.available(shop, "RUG");
    market.requestCancellation(orderId, [{ lineId: "2" }]);
    const polled = await pollMarketplaceCancellations(deps, shop);
    expect(polled.ok && polled.value.opened).toBeGreaterThanOrEqual(1);
    await drain();
    const c = await db.prisma.cancellation.findUniqueOrThrow({ where: { shop_sourceKey: { shop, sourceKey: `marketplace:${orderId}:2` } } });
    expect(c.status).toBe("acknowledged");
    expect(market.order(orderId)!.lines.map((l) => l.status)).toEqual(["acknowledged", "cancelled"]);
    expect(sim.control.available(shop, "RUG")).toBe(rugBefore + 1);
    const refunds = sim.control.refunds(shop, shopifyOrder.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0].lineItems).toEqual([expect.objectContaining({ quantity: 1, restockType: "CANCEL" })]);
    expect(refunds[0].totalRefunded).toBe("80.00");
    // Our own refund comes back as refunds/create: recognised and skipped.
    expect(isOwnRefund(refunds[0].note)).toBe(true);
    // Polling again opens nothing new.
    const again = await pollMarketplaceCancellations(deps, shop);
    expect(again.ok && again.value.opened).toBe(0);
  });

  it("marketplace asks after the goods left: the dispatch is sent instead", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    const { fulfillment } = await fulfil(shopifyOrder.id, { company: "Yodel", number: "Y1" }); // unmapped: not sent yet
    market.requestCancellation(orderId, [{ lineId: "1" }, { lineId: "2" }]);
    await pollMarketplaceCancellations(deps, shop);
    await drain();
    const statuses = await db.prisma.cancellation.findMany({ where: { shop, marketplaceOrderId: orderId }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(["dispatched-instead", "dispatched-instead"]);
    expect(sim.control.refunds(shop, shopifyOrder.id)).toHaveLength(0);
    market.setCarriers([...(await market.listCarriers().then((r) => (r.ok ? r.value : []))), { code: "yodel", name: "Yodel" }]);
    await map("Yodel", "yodel");
    await drain();
    expect((await dispatchOf(fulfillment.id)).status).toBe("sent");
    expect(market.order(orderId)!.lines.map((l) => l.status)).toEqual(["dispatched", "dispatched"]);
  });

  it("merchant cancels in Shopify on a portal-only marketplace: a task with the portal instructions", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    sim.control.cancelOrder(shop, shopifyOrder.id, { reason: "CUSTOMER", restock: true });
    const opened = await recordMerchantCancellation(deps, shop, { shopifyOrderGid: shopifyOrder.id, lines: "all", reason: "Cancelled in Shopify." });
    expect(opened).toEqual({ opened: 2 });
    await drain();
    const rows = await db.prisma.cancellation.findMany({ where: { shop, marketplaceOrderId: orderId } });
    expect(rows.map((r) => r.status)).toEqual(["manual-action-required", "manual-action-required"]);
    const tasks = await db.prisma.merchantTask.findMany({ where: { shop, marketplaceOrderId: orderId } });
    expect(tasks).toHaveLength(2);
    expect(tasks[0]).toMatchObject({ kind: "portal-cancel" });
    expect(tasks[0].instructions).toContain("portal");
    expect(market.order(orderId)!.lines.map((l) => l.status)).toEqual(["acknowledged", "acknowledged"]);
    // The same webhook again opens nothing.
    expect(await recordMerchantCancellation(deps, shop, { shopifyOrderGid: shopifyOrder.id, lines: "all", reason: "again" })).toEqual({ opened: 0 });
  });

  it("merchant cancels lines where the marketplace has an API for it: cancelled there", async () => {
    setup({ capabilities: { merchantCancelBeforeDispatch: "api" } });
    const { orderId, shopifyOrder } = await linkedOrder();
    const rug = shopifyOrder.lineItems.find((l) => l.sku === "RUG")!;
    await recordMerchantCancellation(deps, shop, { shopifyOrderGid: shopifyOrder.id, lines: [{ lineItemGid: rug.id, quantity: 1 }], reason: "Refunded with restock." });
    await drain();
    expect(market.order(orderId)!.lines.map((l) => l.status)).toEqual(["acknowledged", "cancelled"]);
    const call = market.calls.find((c) => c.operation === "cancelLines" && c.input.orderId === orderId);
    expect(call?.operation === "cancelLines" && call.input).toMatchObject({ initiatedBy: "merchant", stage: "before-dispatch" });
  });

  it("merchant cancels after a parcel was confirmed: after-dispatch, portal task", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    await fulfil(shopifyOrder.id, { company: "Royal Mail", number: "RMX", lines: [{ sku: "LAMP", quantity: 2 }] });
    await drain();
    const lamp = shopifyOrder.lineItems.find((l) => l.sku === "LAMP")!;
    await recordMerchantCancellation(deps, shop, { shopifyOrderGid: shopifyOrder.id, lines: [{ lineItemGid: lamp.id, quantity: 2 }], reason: "Refund" });
    await drain();
    const task = await db.prisma.merchantTask.findFirstOrThrow({ where: { shop, marketplaceOrderId: orderId } });
    expect(task.kind).toBe("portal-cancel-after-dispatch");
  });

  it("a marketplace refusal of a cancellation leaves a clear task, not a silent failure", async () => {
    setup({ capabilities: { merchantCancelBeforeDispatch: "api" } });
    const { orderId, shopifyOrder } = await linkedOrder();
    market.failNext("cancelLines", rejected("invalid-state", "INVALID_STATE", "Not allowed to change state of item 1 from DISPATCH to CANCEL", 400));
    await recordMerchantCancellation(deps, shop, { shopifyOrderGid: shopifyOrder.id, lines: "all", reason: "x" });
    await drain();
    const failed = await db.prisma.cancellation.findMany({ where: { shop, marketplaceOrderId: orderId, status: "failed" } });
    expect(failed).toHaveLength(1);
    const tasks = await db.prisma.merchantTask.findMany({ where: { shop, marketplaceOrderId: orderId, kind: "cancellation-failed" } });
    expect(tasks[0].instructions).toContain("Not allowed to change state");
  });
});

describe("the order page block", () => {
  it("reads an order's marketplace status, parcels and tasks as the block parses it", async () => {
    const { orderId, shopifyOrder } = await linkedOrder();
    await fulfil(shopifyOrder.id, { company: "Parcel Wizards", number: "PW1" });
    const status = await getOrderMarketplaceStatus(db.prisma, shop, shopifyOrder.id);
    const parsed = parseOrderStatus(JSON.parse(JSON.stringify(status)));
    expect(parsed).toMatchObject({ linked: true, reference: `JL${orderId}`, marketplaceStatus: "acknowledged" });
    expect(parsed?.dispatches).toEqual([{ status: "blocked-unmapped-carrier", carrier: "Parcel Wizards", trackingNumber: "PW1", units: 3, problem: 'Carrier "Parcel Wizards" is not mapped' }]);
    expect(parsed?.deadlines.map((d) => d.label)).toEqual(["Acknowledge by"]);
    expect((await getOrderMarketplaceStatus(db.prisma, shop, "gid://shopify/Order/1")).linked).toBe(false);
    expect(parseOrderStatus({ error: "x" })).toBeNull();
  });

  it("shows deadlines as countdowns", () => {
    const now = Date.parse("2026-06-01T10:00:00Z");
    expect(countdown("2026-06-01T12:05:00Z", now)).toBe("2 h 5 min left");
    expect(countdown("2026-06-01T09:30:00Z", now)).toBe("overdue by 30 min");
    expect(countdown("2026-06-05T10:00:00Z", now)).toBe("4 days left");
  });
});
