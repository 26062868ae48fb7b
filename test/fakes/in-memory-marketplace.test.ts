import { describe, expect, it } from "vitest";
import { marketplaceOrderId, marketplaceSku } from "../../app/lib/ids";
import { unwrap } from "../../app/lib/result";
import { unavailable } from "../../app/marketplace/marketplace-errors";
import { InMemoryMarketplace } from "./in-memory-marketplace";

/** What the fake adds beyond the port contract (which test/contract runs against it). */
describe("InMemoryMarketplace", () => {
  it("fails the next calls of one operation with an injected error, then recovers", async () => {
    const fake = new InMemoryMarketplace();
    fake.failNext("listCarriers", unavailable("server-error", "boom"), 2);
    expect((await fake.listCarriers()).ok).toBe(false);
    expect((await fake.listCarriers()).ok).toBe(false);
    expect(unwrap(await fake.listCarriers()).length).toBeGreaterThan(0);
  });

  it("records accepted state changes with their inputs", async () => {
    const fake = new InMemoryMarketplace();
    fake.seedProducts([{ sku: "A", quantity: 1 }]);
    unwrap(await fake.pushStock([{ sku: marketplaceSku("A"), quantity: 0 }], { priority: "urgent" }));
    expect(fake.calls).toEqual([
      { operation: "pushStock", input: [{ sku: "A", quantity: 0 }], options: { priority: "urgent" } },
    ]);
    expect(fake.stockOf("A")).toBe(0);
  });

  it("acts like a Mirakl marketplace when its capabilities say so", async () => {
    const fake = new InMemoryMarketplace({
      platform: "mirakl",
      capabilities: { refuseAtAcknowledgement: true, backorder: false, merchantCancelBeforeDispatch: "api" },
    });
    const order = fake.seedOrder({ lines: [{ sku: "A", quantity: 1 }, { sku: "B", quantity: 1 }] });
    const [a, b] = order.lines;
    unwrap(
      await fake.acknowledgeOrder({
        orderId: order.id,
        lines: [
          { lineId: a.lineId, sku: a.sku, quantity: 1, accept: true },
          { lineId: b.lineId, sku: b.sku, quantity: 1, accept: false },
        ],
        promisedDispatchDate: "2030-01-02",
        promisedDeliveryDate: "2030-01-05",
      }),
    );
    expect(fake.order(order.id)?.lines.map((l) => l.status)).toEqual(["acknowledged", "refused"]);
    const backorder = await fake.backorderLines({
      orderId: order.id,
      lines: [{ lineId: a.lineId, sku: a.sku, quantity: 1 }],
      expectedDispatchDate: "2030-01-09",
      expectedDeliveryDate: "2030-01-12",
      reason: "late",
    });
    expect(backorder.ok || backorder.error).toMatchObject({ kind: "rejected", reason: "unsupported" });
    const cancelled = unwrap(
      await fake.cancelLines({
        orderId: order.id,
        lines: [{ lineId: a.lineId, sku: a.sku, quantity: 1 }],
        stage: "before-dispatch",
        initiatedBy: "merchant",
        reason: "out of stock",
      }),
    );
    expect(cancelled).toEqual({ outcome: "cancelled" });
    expect(fake.order(order.id)?.lines[0].status).toBe("cancelled");
  });

  it("returns copies: callers cannot change the marketplace's state by mutating results", async () => {
    const fake = new InMemoryMarketplace();
    const order = fake.seedOrder({ id: "42", lines: [{ sku: "A" }] });
    const read = unwrap(await fake.getOrder(marketplaceOrderId("42")));
    read.lines[0].status = "dispatched";
    order.lines[0].quantity = 99;
    expect(fake.order("42")?.lines[0]).toMatchObject({ status: "awaiting-acknowledgement", quantity: 1 });
  });

  it("lets tests start mid-flow and renames SKUs like JL renumbers stock", async () => {
    const fake = new InMemoryMarketplace();
    const order = fake.seedOrder({ lines: [{ sku: "A", status: "dispatched" }] });
    fake.setLineStatus(order.id, order.lines[0].lineId, "return-requested");
    const returns = unwrap(await fake.listOrders({ lineStatus: "return-requested" }));
    expect(returns.items.map((o) => o.id)).toEqual([order.id]);
    fake.seedProducts([{ sku: "OLD", quantity: 2 }]);
    fake.renameSku("OLD", "NEW");
    const report = unwrap(await fake.pushStock([{ sku: marketplaceSku("OLD"), quantity: 1 }]));
    expect(report.items[0].ok).toBe(false);
    expect(fake.stockOf("NEW")).toBe(2);
  });
});
