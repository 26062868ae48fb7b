import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { marketplaceOrderId, marketplaceSku } from "../../app/lib/ids";
import { unwrap } from "../../app/lib/result";
import type { RequestBudget, RequestPriority } from "../../app/marketplace/request-budget";
import { createVirtualstockGateway } from "../../app/marketplace/virtualstock/virtualstock-gateway.server";
import type { VirtualstockSimulator } from "../simulators/virtualstock/control";
import { startSimulator } from "./harnesses";

/**
 * Adapter behaviour the contract cannot express: authentication, throttling, transport faults and
 * platform quirks, against the Virtualstock simulator over real HTTP on 127.0.0.1.
 */
function recordingBudget() {
  const taken: RequestPriority[] = [];
  const paused: number[] = [];
  const budget: RequestBudget = {
    take: async (p) => void taken.push(p),
    pause: async (ms) => void paused.push(ms),
  };
  return { budget, taken, paused };
}

describe("Virtualstock adapter against the simulator", () => {
  let now = Date.parse("2030-01-15T09:00:00Z");
  const clock = () => now;
  let sim: VirtualstockSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ now: clock });
  });
  afterAll(async () => {
    await sim?.close();
  });
  afterEach(() => {
    sim.control.reset();
    sim.control.clearFaults();
  });

  const gateway = (over: Partial<Parameters<typeof createVirtualstockGateway>[0]> = {}) =>
    createVirtualstockGateway({ baseUrl: sim.url, username: "supplier", password: "secret", now: clock, ...over });
  const paths = (from = 0) => sim.control.requests().slice(from).map((r) => `${r.method} ${r.path}`);

  it("lets a new user seed an order in the simulator and read it through the adapter", async () => {
    const seeded = sim.control.seedOrder({ lines: [{ partNumber: "66682708", quantity: 1, unitCostPrice: "30.90" }] });
    const order = unwrap(await gateway().getOrder(marketplaceOrderId(seeded.id)));
    expect(order.reference).toBe(seeded.orderReference);
    expect(order.lines[0]).toMatchObject({ sku: "66682708", status: "awaiting-acknowledgement", unitPrice: { amountMinor: 3090, currency: "GBP" } });
  });

  it("reuses the access token for 4 minutes, refreshes it, and logs in again after the refresh token", async () => {
    const gw = gateway();
    unwrap(await gw.listCarriers());
    unwrap(await gw.listCarriers());
    now += 4 * 60_000 + 1_000;
    unwrap(await gw.listCarriers());
    now += 4 * 60 * 60_000;
    unwrap(await gw.listCarriers());
    expect(paths().filter((p) => p.includes("/token"))).toEqual([
      "POST /restapi/v4/token",
      "POST /restapi/v4/token/refresh",
      "POST /restapi/v4/token",
    ]);
  });

  it("recovers when the platform revokes every token", async () => {
    const gw = gateway();
    unwrap(await gw.listCarriers());
    sim.control.injectFault({ kind: "expire-tokens" });
    const before = sim.control.requests().length;
    unwrap(await gw.listCarriers());
    const after = sim.control.requests().slice(before).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(after[0]).toMatch(/order-tracking-carriers.* 401$/);
    expect(after.at(-1)).toMatch(/order-tracking-carriers.* 200$/);
    expect(after.some((p) => p.startsWith("POST /restapi/v4/token "))).toBe(true);
  });

  it("reports refused credentials as unauthorized", async () => {
    const res = await gateway({ password: "expired" }).testConnection();
    expect(res.ok || res.error).toMatchObject({ kind: "unauthorized", retryable: false });
  });

  it("429 -> rate-limited with Retry-After or the DRF delay, and pauses the shared budget", async () => {
    const { budget, paused } = recordingBudget();
    const gw = gateway({ budget });
    sim.control.injectFault({ kind: "rate-limit", retryAfterSeconds: 7, header: true });
    const withHeader = await gw.listCarriers();
    expect(withHeader.ok || withHeader.error).toEqual({ kind: "rate-limited", retryable: true, retryAfterMs: 7000 });
    sim.control.injectFault({ kind: "rate-limit", retryAfterSeconds: 12, header: false });
    const fromText = await gw.listCarriers();
    expect(fromText.ok || fromText.error).toEqual({ kind: "rate-limited", retryable: true, retryAfterMs: 12000 });
    expect(paused).toEqual([7000, 12000]);
  });

  it("the real fixed-window limit surfaces as rate-limited too", async () => {
    const { budget, paused } = recordingBudget();
    const gw = gateway({ budget });
    sim.control.setRateLimit(3);
    try {
      // Three calls in the window: the login and two reads; the third read is throttled.
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await gw.listCarriers());
      expect(results.map((r) => (r.ok ? "ok" : r.error.kind))).toEqual(["ok", "ok", "rate-limited"]);
      expect(paused).toHaveLength(1);
      expect(paused[0]).toBeGreaterThan(0);
      expect(paused[0]).toBeLessThanOrEqual(60_000);
    } finally {
      sim.control.setRateLimit(0);
    }
  });

  it("5xx -> unavailable, a hung response -> timeout, malformed JSON -> malformed-response", async () => {
    const gw = gateway({ timeoutMs: 300 });
    sim.control.injectFault({ kind: "status", status: 503 });
    const down = await gw.listCarriers();
    expect(down.ok || down.error).toMatchObject({ kind: "unavailable", retryable: true, reason: "server-error" });
    sim.control.injectFault({ kind: "hang" });
    const started = Date.now();
    const hung = await gw.listCarriers();
    expect(hung.ok || hung.error).toMatchObject({ kind: "unavailable", reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3_000);
    sim.control.injectFault({ kind: "malformed-json" });
    const garbled = await gw.listCarriers();
    expect(garbled.ok || garbled.error).toMatchObject({ kind: "unavailable", reason: "malformed-response" });
    unwrap(await gw.listCarriers());
  });

  it("409 while publishing -> that item unavailable/locked, the others pushed", async () => {
    sim.control.seedProducts([
      { partNumber: "40000001", stock: 1 },
      { partNumber: "40000002", stock: 1, publishingForMs: 60_000 },
      { partNumber: "40000003", stock: 1 },
    ]);
    const report = unwrap(
      await gateway().pushStock(["40000001", "40000002", "40000003"].map((s) => ({ sku: marketplaceSku(s), quantity: 9 }))),
    );
    expect(report.items.map((i) => (i.ok ? "ok" : i.error.kind === "unavailable" ? i.error.reason : i.error.kind))).toEqual([
      "ok",
      "locked",
      "ok",
    ]);
    expect(sim.control.getProduct("40000002")?.stock).toBe(1);
    expect(sim.control.getProduct("40000003")?.stock).toBe(9);
  });

  it("an account-wide failure stops a stock push instead of spending the budget on every item", async () => {
    sim.control.seedProducts(["50000001", "50000002", "50000003"].map((partNumber) => ({ partNumber, stock: 0 })));
    const gw = gateway();
    const updates = ["50000001", "50000002", "50000003"].map((s) => ({ sku: marketplaceSku(s), quantity: 5 }));
    sim.control.injectFault({ kind: "status", status: 500, path: "/api/v4/products/" });
    const first = await gw.pushStock(updates);
    expect(first.ok || first.error).toMatchObject({ kind: "unavailable", reason: "server-error" });
    unwrap(await gw.pushStock(updates.slice(0, 1)));
    // Once an item has gone through, the outage is reported on every remaining item, unsent.
    sim.control.injectFault({ kind: "status", status: 500, path: "part_number=50000002", count: 10 });
    const before = sim.control.requests().length;
    const later = unwrap(await gw.pushStock(updates.map((u) => ({ ...u, quantity: 5 }))));
    expect(later.items.map((i) => (i.ok ? "ok" : i.error.kind))).toEqual(["ok", "unavailable", "unavailable"]);
    expect(paths(before).filter((p) => p.startsWith("GET"))).toHaveLength(1);
    expect(sim.control.getProduct("50000001")?.stock).toBe(5);
  });

  it("a renumbered part number: the push after it reports not-found; the new number works", async () => {
    sim.control.seedProducts([{ partNumber: "60000001", stock: 0 }]);
    const gw = gateway();
    unwrap(await gw.pushStock([{ sku: marketplaceSku("60000001"), quantity: 3 }]));
    sim.control.renamePartNumber("60000001", "60000099");
    // The cached product id still points at the same product, so this lands; the adapter sees the
    // new part number in the answer and forgets the stale mapping.
    unwrap(await gw.pushStock([{ sku: marketplaceSku("60000001"), quantity: 4 }]));
    expect(sim.control.getProduct("60000099")?.stock).toBe(4);
    const stale = unwrap(await gw.pushStock([{ sku: marketplaceSku("60000001"), quantity: 5 }]));
    expect(stale.items[0].ok || stale.items[0].error).toMatchObject({ kind: "rejected", reason: "not-found", code: "PRODUCT_NOT_FOUND" });
    expect(sim.control.getProduct("60000099")?.stock).toBe(4);
    unwrap(await gw.pushStock([{ sku: marketplaceSku("60000099"), quantity: 6 }]));
    expect(sim.control.getProduct("60000099")?.stock).toBe(6);
  });

  it("caches product ids: a second push costs one request per SKU", async () => {
    sim.control.seedProducts([{ partNumber: "70000001", stock: 0 }]);
    const gw = gateway();
    unwrap(await gw.pushStock([{ sku: marketplaceSku("70000001"), quantity: 1 }]));
    const before = sim.control.requests().length;
    unwrap(await gw.pushStock([{ sku: marketplaceSku("70000001"), quantity: 2 }]));
    expect(paths(before)).toEqual([expect.stringMatching(/^PATCH \/api\/v4\/products\/\d+\/stock$/)]);
  });

  it("draws urgent budget for order actions and sell-outs, routine for reads", async () => {
    const { budget, taken } = recordingBudget();
    const gw = gateway({ budget });
    sim.control.seedProducts([{ partNumber: "80000001", stock: 2 }]);
    const seeded = sim.control.seedOrder({ lines: [{ partNumber: "80000001", quantity: 1, unitCostPrice: "1.00" }] });
    const order = unwrap(await gw.getOrder(marketplaceOrderId(seeded.id)));
    expect(taken.splice(0)).toEqual(["routine", "routine"]); // login + read
    await gw.acknowledgeOrder({
      orderId: order.id,
      lines: order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, accept: true })),
      promisedDispatchDate: "2030-01-16",
      promisedDeliveryDate: "2030-01-20",
      comment: "ours-123",
    });
    expect(taken.splice(0)).toEqual(["urgent"]);
    unwrap(await gw.pushStock([{ sku: marketplaceSku("80000001"), quantity: 0 }], { priority: "urgent" }));
    expect(taken.splice(0)).toEqual(["urgent", "urgent"]); // lookup + patch
  });

  it("sends acknowledgements the way JL expects them", async () => {
    const seeded = sim.control.seedOrder({ lines: [{ partNumber: "90000001", quantity: 2, unitCostPrice: "1.00" }] });
    const gw = gateway();
    const order = unwrap(await gw.getOrder(marketplaceOrderId(seeded.id)));
    await gw.acknowledgeOrder({
      orderId: order.id,
      lines: order.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, accept: true })),
      promisedDispatchDate: "2030-07-01T16:30:00Z",
      promisedDeliveryDate: "2030-07-04",
      comment: "ours-123",
    });
    const [ack] = sim.control.actionsFor(seeded.id);
    expect(ack.body).toEqual({
      items: [
        {
          part_number: "90000001",
          line_ref: order.lines[0].lineId,
          quantity: 2,
          sub_status: "Pending",
          supplier_dispatch_date: "2030-07-01T17:30:00", // BST
          supplier_delivery_date: "2030-07-04T12:00:00",
          fulfillment_route: "Direct to customer",
          comment: "ours-123",
        },
      ],
    });
  });
});
