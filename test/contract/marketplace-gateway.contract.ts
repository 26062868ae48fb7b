import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  marketplaceOrderId,
  marketplaceSku,
  type MarketplaceOrderId,
  type MarketplaceOrderRef,
} from "../../app/lib/ids";
import { unwrap } from "../../app/lib/result";
import type {
  MarketplaceGateway,
  MarketplaceOrder,
  OrderLineRef,
  OrderLineStatus,
} from "../../app/marketplace/marketplace-gateway";

/**
 * What every implementation of the marketplace port must do, written once and run against the
 * in-memory fake and against each platform's simulator through its real adapter. A harness seeds
 * the marketplace side and reads state back the way only the marketplace can see it.
 */
export interface MarketplaceContractHarness {
  gateway: MarketplaceGateway;
  /** A carrier code this marketplace accepts in dispatches. */
  knownCarrierCode: string;
  seedProducts(products: { sku: string; quantity: number }[]): Promise<void>;
  seedOrder(order: {
    reference: string;
    lines: { sku: string; quantity: number; unitPrice: string }[];
  }): Promise<{ id: MarketplaceOrderId; reference: MarketplaceOrderRef }>;
  /** The marketplace asks to cancel whole lines. */
  requestCancellation(orderId: MarketplaceOrderId, lineIds: string[]): Promise<void>;
  stockOf(sku: string): Promise<number | null>;
  /** The promised dates the marketplace recorded at acknowledgement, as UK calendar dates. */
  promisedDates(orderId: MarketplaceOrderId): Promise<{ lineId: string; dispatchDate: string | null; deliveryDate: string | null }[]>;
  /** Parcels the marketplace recorded, per line. */
  shipments(orderId: MarketplaceOrderId): Promise<{ lineId: string; quantity: number; carrierCode: string; trackingNumber: string }[]>;
  /** The marketplace issues its money documents for these fully dispatched orders. */
  settle(orderIds: MarketplaceOrderId[]): Promise<void>;
  close(): Promise<void>;
}

let unique = 0;
/** References unique across the run, so a harness that keeps state between tests stays honest. */
const ref = (label: string) => `${label}-${process.pid}-${++unique}`;

export function describeMarketplaceGatewayContract(
  name: string,
  makeHarness: () => Promise<MarketplaceContractHarness>,
): void {
  describe(`marketplace gateway contract: ${name}`, () => {
    let h: MarketplaceContractHarness;
    let gw: MarketplaceGateway;
    beforeEach(async () => {
      h = await makeHarness();
      gw = h.gateway;
    });
    afterEach(async () => {
      await h.close();
    });

    const refs = (order: MarketplaceOrder, lineIds?: string[]): OrderLineRef[] =>
      order.lines
        .filter((l) => !lineIds || lineIds.includes(l.lineId))
        .map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity }));
    const statuses = async (id: MarketplaceOrderId): Promise<OrderLineStatus[]> =>
      unwrap(await gw.getOrder(id)).lines.map((l) => l.status);
    const seedOne = async (lines = [{ sku: "10000001", quantity: 1, unitPrice: "30.90" }]) => {
      const seeded = await h.seedOrder({ reference: ref("ORD"), lines });
      return unwrap(await gw.getOrder(seeded.id));
    };
    const acknowledge = async (order: MarketplaceOrder) =>
      gw.acknowledgeOrder({
        orderId: order.id,
        lines: refs(order).map((l) => ({ ...l, accept: true })),
        promisedDispatchDate: "2030-06-03",
        promisedDeliveryDate: "2030-06-07",
      });
    const shipment = (trackingNumber: string, carrierCode = h.knownCarrierCode) => ({
      carrierCode,
      trackingNumber,
      trackingUrl: `https://tracking.example/${trackingNumber}`,
      dispatchedAt: "2030-06-03T10:00:00Z",
    });

    it("tests the connection", async () => {
      const info = unwrap(await gw.testConnection());
      expect(info.accountName).not.toBe("");
    });

    it("lists new orders page by page", async () => {
      const seeded = [];
      for (let i = 0; i < 5; i++) seeded.push(await h.seedOrder({ reference: ref("PAGE"), lines: [{ sku: "10000001", quantity: 1, unitPrice: "5.00" }] }));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = unwrap(await gw.listOrders({ lineStatus: "awaiting-acknowledgement", limit: 2, cursor }));
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const o of page.items) {
          expect(o.lines.some((l) => l.status === "awaiting-acknowledgement")).toBe(true);
          seen.push(o.reference);
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(seen).toEqual(expect.arrayContaining(seeded.map((s) => s.reference)));
      expect(new Set(seen).size).toBe(seen.length);
      const one = unwrap(await gw.listOrders({ lineStatus: "awaiting-acknowledgement", reference: seeded[2].reference }));
      expect(one.items.map((o) => o.id)).toEqual([seeded[2].id]);
    });

    it("reads one order with its lines and money", async () => {
      const seeded = await h.seedOrder({
        reference: ref("GET"),
        lines: [
          { sku: "10000001", quantity: 2, unitPrice: "30.90" },
          { sku: "10000002", quantity: 1, unitPrice: "4.50" },
        ],
      });
      const order = unwrap(await gw.getOrder(seeded.id));
      expect(order.reference).toBe(seeded.reference);
      expect(order.currency).toBe("GBP");
      expect(Number.isNaN(Date.parse(order.createdAt))).toBe(false);
      expect(order.lines.map((l) => [l.sku, l.quantity, l.status, l.unitPrice?.amountMinor])).toEqual([
        ["10000001", 2, "awaiting-acknowledgement", 3090],
        ["10000002", 1, "awaiting-acknowledgement", 450],
      ]);
      expect(new Set(order.lines.map((l) => l.lineId)).size).toBe(2);
      const missing = await gw.getOrder(marketplaceOrderId("987654321"));
      expect(missing.ok || missing.error).toMatchObject({ kind: "rejected", reason: "not-found" });
    });

    it("acknowledges lines with the promised dates, and a repeat is harmless", async () => {
      const order = await seedOne();
      unwrap(await acknowledge(order));
      expect(await statuses(order.id)).toEqual(["acknowledged"]);
      const dates = await h.promisedDates(order.id);
      expect(dates).toEqual([{ lineId: order.lines[0].lineId, dispatchDate: "2030-06-03", deliveryDate: "2030-06-07" }]);
      unwrap(await acknowledge(order));
      expect(await statuses(order.id)).toEqual(["acknowledged"]);
      const fresh = unwrap(await gw.listOrders({ lineStatus: "awaiting-acknowledgement", reference: order.reference }));
      expect(fresh.items).toEqual([]);
      const acked = unwrap(await gw.listOrders({ lineStatus: "acknowledged", reference: order.reference }));
      expect(acked.items.map((o) => o.id)).toEqual([order.id]);
    });

    it("puts acknowledged lines on backorder where the platform can", async () => {
      const order = await seedOne();
      unwrap(await acknowledge(order));
      const res = await gw.backorderLines({
        orderId: order.id,
        lines: refs(order),
        expectedDispatchDate: "2030-06-20",
        expectedDeliveryDate: "2030-06-24",
        reason: "Awaiting stock",
      });
      if (gw.capabilities.backorder) {
        unwrap(res);
        expect(await statuses(order.id)).toEqual(["backordered"]);
      } else {
        expect(res.ok || res.error).toMatchObject({ kind: "rejected", reason: "unsupported" });
      }
    });

    it("dispatches part of an order, then the rest, with tracking", async () => {
      const order = await seedOne([
        { sku: "10000001", quantity: 2, unitPrice: "30.90" },
        { sku: "10000002", quantity: 1, unitPrice: "4.50" },
      ]);
      unwrap(await acknowledge(order));
      const [first, second] = order.lines;
      if (gw.capabilities.partialDispatch !== false) {
        unwrap(await gw.dispatchLines({ orderId: order.id, lines: [{ lineId: first.lineId, sku: first.sku, quantity: 1 }], shipment: shipment("TRK-A") }));
        expect(await statuses(order.id)).toEqual(["acknowledged", "acknowledged"]);
        unwrap(await gw.dispatchLines({ orderId: order.id, lines: [{ lineId: first.lineId, sku: first.sku, quantity: 1 }], shipment: shipment("TRK-B") }));
        expect(await statuses(order.id)).toEqual(["dispatched", "acknowledged"]);
        unwrap(await gw.dispatchLines({ orderId: order.id, lines: refs(order, [second.lineId]), shipment: shipment("TRK-C") }));
      } else {
        unwrap(await gw.dispatchLines({ orderId: order.id, lines: refs(order), shipment: shipment("TRK-C") }));
      }
      expect(await statuses(order.id)).toEqual(["dispatched", "dispatched"]);
      const parcels = await h.shipments(order.id);
      expect(parcels.filter((p) => p.lineId === second.lineId)).toEqual([
        { lineId: second.lineId, quantity: 1, carrierCode: h.knownCarrierCode, trackingNumber: "TRK-C" },
      ]);
      expect(parcels.filter((p) => p.lineId === first.lineId).reduce((n, p) => n + p.quantity, 0)).toBe(2);
    });

    it("rejects a dispatch with a carrier the platform does not know", async () => {
      const order = await seedOne();
      unwrap(await acknowledge(order));
      const res = await gw.dispatchLines({ orderId: order.id, lines: refs(order), shipment: shipment("TRK-X", "no-such-carrier") });
      expect(res.ok || res.error).toMatchObject({ kind: "rejected", retryable: false, reason: "validation" });
      expect(await statuses(order.id)).toEqual(["acknowledged"]);
      expect(await h.shipments(order.id)).toEqual([]);
    });

    it("acknowledges a cancellation the marketplace asked for", async () => {
      const order = await seedOne();
      unwrap(await acknowledge(order));
      await h.requestCancellation(order.id, [order.lines[0].lineId]);
      const requested = unwrap(await gw.getOrder(order.id));
      expect(requested.lines[0]).toMatchObject({ status: "cancellation-requested", cancelRequestedQuantity: 1 });
      const listed = unwrap(await gw.listOrders({ lineStatus: "cancellation-requested", reference: order.reference }));
      expect(listed.items.map((o) => o.id)).toEqual([order.id]);
      const outcome = unwrap(
        await gw.cancelLines({ orderId: order.id, lines: refs(order), stage: "before-dispatch", initiatedBy: "marketplace", reason: "Customer request" }),
      );
      expect(outcome).toEqual({ outcome: "cancelled" });
      expect(await statuses(order.id)).toEqual(["cancelled"]);
    });

    it("does not silently cancel a dispatched line", async () => {
      const order = await seedOne();
      unwrap(await acknowledge(order));
      unwrap(await gw.dispatchLines({ orderId: order.id, lines: refs(order), shipment: shipment("TRK-D") }));
      const merchant = unwrap(
        await gw.cancelLines({ orderId: order.id, lines: refs(order), stage: "after-dispatch", initiatedBy: "merchant", reason: "Lost in transit" }),
      );
      if (gw.capabilities.merchantCancelAfterDispatch === "portal") {
        expect(merchant.outcome).toBe("manual-action-required");
        expect(merchant.outcome === "manual-action-required" && merchant.instructions.length).toBeGreaterThan(10);
        expect(await statuses(order.id)).toEqual(["dispatched"]);
      } else {
        expect(merchant).toEqual({ outcome: "cancelled" });
      }
      const second = await seedOne();
      unwrap(await acknowledge(second));
      unwrap(await gw.dispatchLines({ orderId: second.id, lines: refs(second), shipment: shipment("TRK-E") }));
      // Claiming "before dispatch" does not get a dispatched line cancelled.
      const wrong = await gw.cancelLines({ orderId: second.id, lines: refs(second), stage: "before-dispatch", initiatedBy: "marketplace", reason: "x" });
      expect(wrong.ok || wrong.error).toMatchObject({ kind: "rejected", reason: "invalid-state" });
      expect(await statuses(second.id)).toEqual(["dispatched"]);
    });

    it("lists carriers", async () => {
      const carriers = unwrap(await gw.listCarriers());
      expect(carriers.map((c) => c.code)).toContain(h.knownCarrierCode);
      for (const c of carriers) expect(c.name).not.toBe("");
    });

    it("pushes stock for many SKUs and reports an unknown one per item", async () => {
      const skus = Array.from({ length: 6 }, (_, i) => `2000000${i}`);
      await h.seedProducts(skus.map((sku) => ({ sku, quantity: 0 })));
      const updates = [...skus.map((sku, i) => ({ sku: marketplaceSku(sku), quantity: i * 3 })), { sku: marketplaceSku("29999999"), quantity: 4 }];
      const report = unwrap(await gw.pushStock(updates));
      expect(report.items.map((i) => [i.sku, i.ok])).toEqual(updates.map((u) => [u.sku, u.sku !== "29999999"]));
      const failed = report.items.find((i) => !i.ok);
      expect(failed && !failed.ok && failed.error).toMatchObject({ kind: "rejected", reason: "not-found" });
      for (const [i, sku] of skus.entries()) expect(await h.stockOf(sku)).toBe(i * 3);
      // A second push reuses whatever the adapter learned and still lands.
      unwrap(await gw.pushStock([{ sku: marketplaceSku(skus[1]), quantity: 11 }], { priority: "urgent" }));
      expect(await h.stockOf(skus[1])).toBe(11);
    });

    it("lists stock page by page", async () => {
      const skus = Array.from({ length: 5 }, (_, i) => `3000000${i}`);
      await h.seedProducts(skus.map((sku, i) => ({ sku, quantity: i + 1 })));
      const seen = new Map<string, number>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = unwrap(await gw.listStock({ limit: 2, cursor }));
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const s of page.items) {
          expect(seen.has(s.sku)).toBe(false);
          seen.set(s.sku, s.quantity);
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(pages).toBeGreaterThanOrEqual(3);
      for (const [i, sku] of skus.entries()) expect(seen.get(sku)).toBe(i + 1);
    });

    it("lists settlement lines for dispatched orders", async () => {
      const order = await seedOne([{ sku: "10000001", quantity: 2, unitPrice: "30.90" }]);
      unwrap(await acknowledge(order));
      unwrap(await gw.dispatchLines({ orderId: order.id, lines: refs(order), shipment: shipment("TRK-S") }));
      await h.settle([order.id]);
      const lines = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(await gw.listSettlementLines({ cursor, limit: 50 }));
        lines.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const mine = lines.filter((l) => l.orderReference === order.reference);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        lineId: order.lines[0].lineId,
        quantity: 2,
        amount: { amountMinor: 6180, currency: "GBP" },
      });
      expect(mine[0].tax?.amountMinor).toBe(1236);
      const none = unwrap(await gw.listSettlementLines({ from: "1990-01-01", to: "1990-12-31" }));
      expect(none.items).toEqual([]);
    });
  });
}
