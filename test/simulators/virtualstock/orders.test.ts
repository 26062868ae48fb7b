import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { VirtualstockSimulator } from "./control";
import { call, login, startTestSimulator } from "./test-support";

let sim: VirtualstockSimulator;
let token: string;

beforeAll(async () => {
  ({ sim } = await startTestSimulator({ rateLimitPerMinute: 0 }));
  token = (await login(sim.url)).access;
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const get = (path: string) => call(sim.url, "GET", path, { token });
const post = (path: string, body: unknown) => call(sim.url, "POST", path, { token, body });

function seedTwoLineOrder() {
  sim.control.seedProducts([
    { partNumber: "66682708", name: "JL Lux Bed Base", retailerSku: "6254354307031", stock: 3 },
    { partNumber: "11112222", name: "Pillow", stock: 10 },
  ]);
  return sim.control.seedOrder({
    orderReference: "JL-1001",
    orderDate: "2025-06-01T10:15:00",
    lines: [
      { partNumber: "66682708", quantity: 2, unitCostPrice: "30.90" },
      { partNumber: "11112222", quantity: 1, unitCostPrice: "5.00", taxRate: "20.00" },
    ],
  });
}

const ack = (line_ref: string, part_number: string, quantity: number) => ({
  items: [{ part_number, line_ref, quantity, sub_status: "Pending", supplier_dispatch_date: "2025-06-02T12:00:00", fulfillment_route: "Direct to customer" }],
});
const dispatch = (line_ref: string, part_number: string, quantity: number, tracking = `TRK-${line_ref}-${quantity}`) => ({
  items: [{ part_number, line_ref, quantity, carrier: "royal-mail", tracking_number: tracking, supplier_dispatch_date: "2025-06-03" }],
});

describe("order JSON and listing", () => {
  it("renders the v4 order shape with decimal strings, naive dates and absolute urls", async () => {
    const seeded = seedTwoLineOrder();
    const res = await get(`/restapi/v4/orders/${seeded.id}/?format=json`);
    expect(res.status).toBe(200);
    const o = res.json as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(o.url).toBe(`${sim.url}/restapi/v4/orders/${seeded.id}/`);
    expect(seeded.url).toBe(o.url);
    expect(o).toMatchObject({
      retailer: `${sim.url}/restapi/v4/customers/245/`,
      supplier: `${sim.url}/restapi/v4/suppliers/6537/`,
      order_reference: "JL-1001",
      order_date: "2025-06-01T10:15:00",
      status: "ORDER",
      currency_code: "GBP",
      subtotal: "66.80",
      tax: "13.36",
      total: "80.16",
      test_flag: false,
      delivery_service_code: null,
      retailer_data: { name: "John Lewis" },
    });
    expect(o.items[0]).toMatchObject({
      part_number: "66682708",
      retailer_sku_reference: "6254354307031",
      line_reference: "1",
      quantity: 2,
      name: "JL Lux Bed Base",
      status: "ORDER",
      unit_cost_price: "30.90",
      subtotal: "61.80",
      tax: "12.36",
      tax_rate: "20.00",
      total: "74.16",
      promised_date: "2025-06-08T10:15:00",
    });
    expect(String(o.items[0].url)).toMatch(/\/restapi\/v4\/items\/\d+\/$/);
    const item = await get(new URL(String(o.items[0].url)).pathname);
    expect(item.json).toMatchObject({ line_reference: "1" });
  });

  it("keeps null prices null, as JL's samples have them", async () => {
    const seeded = sim.control.seedOrder({ lines: [{ partNumber: "X1", unitCostPrice: null }] });
    const o = (await get(`/restapi/v4/orders/${seeded.id}/`)).json as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(o).toMatchObject({ subtotal: null, tax: null, total: null });
    expect(o.items[0]).toMatchObject({ unit_cost_price: null, tax_rate: null, total: null });
  });

  it("writes the default order date as UK local time", async () => {
    // The test clock starts at 2025-06-02T08:00:00Z, which is 09:00 BST.
    const seeded = sim.control.seedOrder({ lines: [{ partNumber: "X1" }] });
    expect((await get(`/restapi/v4/orders/${seeded.id}/`)).json).toMatchObject({ order_date: "2025-06-02T09:00:00" });
  });

  it("filters by line status, reference and part number, and paginates with absolute next links", async () => {
    const ids = Array.from({ length: 5 }, (_, i) =>
      sim.control.seedOrder({ orderReference: `R${i}`, lines: [{ partNumber: i % 2 ? "ODD" : "EVEN" }] }).id,
    );
    await post(`/restapi/v4/orders/${ids[0]}/acknowledge/`, ack("1", "EVEN", 1));

    const first = (await get("/restapi/v4/orders/?format=json&status=ORDER&limit=2")).json as {
      count: number;
      next: string;
      previous: null;
      results: { order_reference: string }[];
    };
    expect(first.count).toBe(4);
    expect(first.results.map((r) => r.order_reference)).toEqual(["R1", "R2"]);
    expect(first.previous).toBeNull();
    expect(first.next).toBe(`${sim.url}/restapi/v4/orders/?format=json&limit=2&offset=2&status=ORDER`);
    const second = (await get(new URL(first.next).pathname + new URL(first.next).search)).json as {
      next: string | null;
      previous: string;
      results: { order_reference: string }[];
    };
    expect(second.results.map((r) => r.order_reference)).toEqual(["R3", "R4"]);
    expect(second.next).toBeNull();
    expect(second.previous).toBe(`${sim.url}/restapi/v4/orders/?format=json&limit=2&status=ORDER`);

    expect(((await get("/restapi/v4/orders/?status=ORDER_ACK")).json as { count: number }).count).toBe(1);
    expect(((await get("/restapi/v4/orders/?order_reference=R3")).json as { count: number }).count).toBe(1);
    expect(((await get("/restapi/v4/orders/?part_number=ODD")).json as { count: number }).count).toBe(2);
    expect(((await get("/restapi/v4/orders/?supplier_id=1")).json as { count: number }).count).toBe(0);
    const badStatus = await get("/restapi/v4/orders/?status=order");
    expect(badStatus.status).toBe(400);
    expect(badStatus.json).toEqual({ status: ["Select a valid choice. order is not one of the available choices."] });
  });

  it("answers 404 for an unknown order and an HTML 404 for an unknown URL", async () => {
    const res = await get("/restapi/v4/orders/999/");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ detail: "Not found." });
    const action = await post("/restapi/v4/orders/999/acknowledge/", ack("1", "X", 1));
    expect(action.status).toBe(404);
    expect(action.json).toEqual({ detail: "Not found." });
    const unknown = await get("/restapi/v4/nothing-here/");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toBeUndefined();
  });

  it("redirects a GET without the trailing slash, as Django's APPEND_SLASH does", async () => {
    const res = await get("/restapi/v4/orders?limit=1");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`${sim.url}/restapi/v4/orders/?limit=1`);
  });

  it("gives the supplier different ids in the two trees and lists carriers", async () => {
    const orders = (await get("/restapi/v4/suppliers/?format=json")).json as { results: { id: number; url: string }[] };
    const products = (await get("/api/v4/suppliers/?format=json")).json as { results: { id: number; url: string }[] };
    expect(orders.results[0].id).not.toBe(products.results[0].id);
    expect(orders.results[0].url).toMatch(/\/restapi\/v4\/suppliers\/\d+\/$/);
    expect(products.results[0].url).toMatch(/\/api\/v4\/suppliers\/\d+\/\?format=json$/);
    const carriers = (await get("/restapi/v4/order-tracking-carriers/?format=json")).json as { slug: string }[];
    expect(carriers.map((c) => c.slug)).toEqual(
      expect.arrayContaining(["royal-mail", "parcelforce", "dpd-uk", "yodel", "evri", "dhl", "ups", "fedex"]),
    );
    const paged = (await get("/restapi/v4/order-tracking-carriers/?format=json&limit=1000")).json as { count: number };
    expect(paged.count).toBe(carriers.length);
  });
});

describe("line state machine", () => {
  it("acknowledges, dispatches in parts and derives the order status from its lines", async () => {
    const { id } = seedTwoLineOrder();
    const a1 = await post(`/restapi/v4/orders/${id}/acknowledge/?format=json`, ack("1", "66682708", 2));
    expect(a1.status).toBe(200);
    expect(a1.json).toEqual({ message: "Order acknowledged successfully." });
    expect(sim.control.lineStatuses(id)).toEqual({ "1": "ORDER_ACK", "2": "ORDER" });
    expect(((await get(`/restapi/v4/orders/${id}/`)).json as { status: string }).status).toBe("ORDER");

    // A repeated acknowledge is accepted: a retry after a lost response must be safe.
    expect((await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("1", "66682708", 2))).status).toBe(200);
    await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("2", "11112222", 1));
    expect(((await get(`/restapi/v4/orders/${id}/`)).json as { status: string }).status).toBe("ORDER_ACK");

    const part = await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 1, "AB1"));
    expect(part.json).toEqual({ message: "Order dispatched successfully." });
    expect(sim.control.lineStatuses(id)["1"]).toBe("ORDER_ACK");
    // The same parcel again is a replay, not a second shipment.
    expect((await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 1, "AB1"))).status).toBe(200);
    const tooMany = await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 2, "AB2"));
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain("Dispatch quantity value 2 is bigger than allowed for item 1");
    expect((await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 1, "AB2"))).status).toBe(200);
    expect(sim.control.lineStatuses(id)["1"]).toBe("DISPATCH");
    await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("2", "11112222", 1));
    expect(((await get(`/restapi/v4/orders/${id}/`)).json as { status: string }).status).toBe("DISPATCH");

    const order = sim.control.getOrder(id) as { simulator: { lines: { shipments: unknown[] }[] } };
    expect(order.simulator.lines[0].shipments).toHaveLength(2);
    const actions = sim.control.actionsFor(id);
    expect(actions.map((a) => a.action)).toEqual([
      "acknowledge",
      "acknowledge",
      "acknowledge",
      "dispatch",
      "dispatch",
      "dispatch",
      "dispatch",
      "dispatch",
    ]);
    expect(actions.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 400, 200, 200]);
  });

  it("refuses dispatch before acknowledgement and acknowledge after dispatch with the documented text", async () => {
    const { id } = seedTwoLineOrder();
    const early = await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("2", "11112222", 1));
    expect(early.status).toBe(400);
    expect(early.headers.get("content-type")).toContain("text/plain");
    expect(early.text).toBe("Validation error: Not allowed to change state of item 2 from ORDER to DISPATCH");
    await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("2", "11112222", 1));
    await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("2", "11112222", 1));
    const late = await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("2", "11112222", 1));
    expect(late.text).toContain("Not allowed to change state of item 2 from DISPATCH to ORDER_ACK");
  });

  it("validates bodies with DRF field errors, per item", async () => {
    const { id } = seedTwoLineOrder();
    await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("1", "66682708", 2));
    const res = await post(`/restapi/v4/orders/${id}/dispatch/`, {
      items: [
        { part_number: "66682708", line_ref: "1", quantity: 1, carrier: "royal-mail", tracking_number: "T1", supplier_dispatch_date: "2025-06-03" },
        { part_number: "66682708", line_ref: "1", quantity: 1, tracking_number: "T2", supplier_dispatch_date: "2025-06-03" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ items: [{}, { carrier: ["This field is required."] }] });
    const name = await post(`/restapi/v4/orders/${id}/dispatch/`, {
      items: [{ part_number: "66682708", line_ref: "1", quantity: 1, carrier: "Royal Mail", tracking_number: "T", supplier_dispatch_date: "2025-06-03" }],
    });
    expect(name.json).toEqual({ items: [{ carrier: ["Object with slug=Royal Mail does not exist."] }] });
    const noItems = await post(`/restapi/v4/orders/${id}/acknowledge/`, {});
    expect(noItems.json).toEqual({ items: ["This field is required."] });
    const badQty = await post(`/restapi/v4/orders/${id}/acknowledge/`, { items: [{ part_number: "66682708", line_ref: "1", quantity: "two" }] });
    expect(badQty.json).toEqual({ items: [{ quantity: ["A valid integer is required."] }] });
    // Nothing changed: a refused request leaves the order as it was.
    expect(sim.control.lineStatuses(id)["1"]).toBe("ORDER_ACK");
  });

  it("is atomic: one bad item refuses the whole request", async () => {
    const { id } = seedTwoLineOrder();
    const res = await post(`/restapi/v4/orders/${id}/acknowledge/`, {
      items: [ack("1", "66682708", 2).items[0], { ...ack("2", "WRONG", 1).items[0] }],
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Part number WRONG does not match");
    expect(sim.control.lineStatuses(id)).toEqual({ "1": "ORDER", "2": "ORDER" });
  });

  it("backorders with required sub_status and dispatch date, then dispatches", async () => {
    const { id } = seedTwoLineOrder();
    const missing = await post(`/restapi/v4/orders/${id}/backorder/`, { items: [{ part_number: "11112222", line_ref: "2", quantity: 1 }] });
    expect(missing.json).toEqual({
      items: [{ sub_status: ["This field is required."], supplier_dispatch_date: ["This field is required."] }],
    });
    const ok = await post(`/restapi/v4/orders/${id}/backorder/`, {
      items: [{ part_number: "11112222", line_ref: "2", quantity: 1, sub_status: "Out of Stock", supplier_dispatch_date: "2025-06-20T12:00:00" }],
    });
    expect(ok.json).toEqual({ message: "Order backordered successfully." });
    expect(sim.control.lineStatuses(id)["2"]).toBe("BACKORDER");
    expect((await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("2", "11112222", 1))).status).toBe(200);
    expect(sim.control.lineStatuses(id)["2"]).toBe("DISPATCH");
  });

  it("acknowledges retailer cancellations with the documented quantity rules", async () => {
    const { id } = seedTwoLineOrder();
    const cancel = (line_ref: string, part_number: string, quantity: number) => ({ items: [{ part_number, line_ref, quantity, comment: "ok" }] });
    const notRequested = await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, cancel("1", "66682708", 2));
    expect(notRequested.text).toBe("Validation error: Not allowed to change state of item 1 from ORDER to CANCEL_ACK");

    sim.control.requestCancellation(id, [{ lineReference: "1" }]);
    expect(sim.control.lineStatuses(id)["1"]).toBe("CANCEL");
    expect(((await get(`/restapi/v4/orders/?status=CANCEL`)).json as { count: number }).count).toBe(1);
    expect(((await get(`/restapi/v4/orders/${id}/`)).json as { status: string }).status).toBe("CANCEL");

    expect((await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, cancel("1", "66682708", 0))).text).toContain(
      "Cancel quantity value can't be less or equal zero",
    );
    expect((await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, cancel("1", "66682708", 3))).text).toContain(
      "Cancel quantity value 3 is bigger than allowed for item",
    );
    sim.control.setPartialCancellationAllowed(false);
    expect((await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, cancel("1", "66682708", 1))).text).toContain(
      "Partial cancellation not allowed item 1",
    );
    const done = await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, cancel("1", "66682708", 2));
    expect(done.json).toEqual({ message: "Order cancellation acknowledged successfully." });
    expect(sim.control.lineStatuses(id)["1"]).toBe("CANCEL_ACK");
    // A replay of the accepted call succeeds without effect.
    expect((await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, cancel("1", "66682708", 2))).status).toBe(200);
  });

  it("returns a partly cancelled line to its previous state with the rest still to ship", async () => {
    const { id } = seedTwoLineOrder();
    await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("1", "66682708", 2));
    sim.control.requestCancellation(id, [{ lineReference: "1", quantity: 1, reasonCode: 126 }]);
    expect((await post(`/restapi/v4/orders/${id}/cancel_acknowledge/`, { items: [{ part_number: "66682708", line_ref: "1", quantity: 1 }] })).status).toBe(200);
    expect(sim.control.lineStatuses(id)["1"]).toBe("ORDER_ACK");
    expect((await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 2))).status).toBe(400);
    expect((await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 1))).status).toBe(200);
    expect(sim.control.lineStatuses(id)["1"]).toBe("DISPATCH");
  });

  it("lets a line asked to cancel be dispatched anyway, and refuses a cancel request after dispatch", async () => {
    const { id } = seedTwoLineOrder();
    await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("2", "11112222", 1));
    sim.control.requestCancellation(id, [{ lineReference: "2" }]);
    expect((await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("2", "11112222", 1))).status).toBe(200);
    expect(sim.control.lineStatuses(id)["2"]).toBe("DISPATCH");
    expect(() => sim.control.requestCancellation(id, [{ lineReference: "2" }])).toThrow(
      "Not allowed to change state of item 2 from DISPATCH to CANCEL",
    );
  });

  it("acknowledges returns and checks the return quantity against what was dispatched", async () => {
    const { id } = seedTwoLineOrder();
    const early = await post(`/restapi/v4/orders/${id}/return_acknowledge/`, { items: [{ part_number: "66682708", line_ref: "1", quantity: "3" }] });
    expect(early.status).toBe(400);
    expect(early.text).toMatch(/^Validation error: Return quantity value 3 is greater than dispatch quantity 0 for order item '\d+'$/);
    await post(`/restapi/v4/orders/${id}/acknowledge/`, ack("1", "66682708", 2));
    await post(`/restapi/v4/orders/${id}/dispatch/`, dispatch("1", "66682708", 2));
    sim.control.requestReturn?.(id, [{ lineReference: "1", quantity: 1 }]);
    expect(sim.control.lineStatuses(id)["1"]).toBe("RMA");
    expect(((await get(`/restapi/v4/orders/${id}/`)).json as { status: string }).status).toBe("RMA");
    const ok = await post(`/restapi/v4/orders/${id}/return_acknowledge/`, { items: [{ part_number: "66682708", line_ref: "1", quantity: "1" }] });
    expect(ok.json).toEqual({ message: "Order return acknowledged successfully." });
    expect(sim.control.lineStatuses(id)["1"]).toBe("RMA_ACK");
  });

  it("answers 405 for a write without the trailing slash", async () => {
    const { id } = seedTwoLineOrder();
    const res = await post(`/restapi/v4/orders/${id}/acknowledge`, ack("1", "66682708", 2));
    expect(res.status).toBe(405);
    expect(res.json).toEqual({ detail: 'Method "POST" not allowed.' });
  });
});
