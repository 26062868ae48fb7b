import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { VirtualstockSimulator } from "./control";
import { IDENTITY } from "./state";
import { call, login, startTestSimulator } from "./test-support";

let sim: VirtualstockSimulator;
let token: string;

beforeAll(async () => {
  ({ sim } = await startTestSimulator({ rateLimitPerMinute: 0 }));
  token = (await login(sim.url)).access;
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const post = (path: string, body: unknown) => call(sim.url, "POST", path, { token, body });
const get = (path: string) => call(sim.url, "GET", path, { token });

/** An order with two lines: line 1 (qty 2) dispatched on 2025-06-03, line 2 (qty 1) as `line2`. */
async function fulfilledOrder(reference: string, line2: "dispatch" | "cancel" | "open" = "dispatch") {
  const order = sim.control.seedOrder({
    orderReference: reference,
    lines: [
      { partNumber: "P1", quantity: 2, unitCostPrice: "30.90" },
      { partNumber: "P2", quantity: 1, unitCostPrice: "5.00" },
    ],
  });
  const item = (line_ref: string, part_number: string, quantity: number) => ({ part_number, line_ref, quantity });
  await post(`/restapi/v4/orders/${order.id}/acknowledge/`, { items: [item("1", "P1", 2), item("2", "P2", 1)] });
  await post(`/restapi/v4/orders/${order.id}/dispatch/`, {
    items: [{ ...item("1", "P1", 2), carrier: "dpd-uk", tracking_number: `${reference}-1`, supplier_dispatch_date: "2025-06-03" }],
  });
  if (line2 === "dispatch") {
    await post(`/restapi/v4/orders/${order.id}/dispatch/`, {
      items: [{ ...item("2", "P2", 1), carrier: "dpd-uk", tracking_number: `${reference}-2`, supplier_dispatch_date: "2025-06-04" }],
    });
  } else if (line2 === "cancel") {
    sim.control.requestCancellation(order.id, [{ lineReference: "2" }]);
    await post(`/restapi/v4/orders/${order.id}/cancel_acknowledge/`, { items: [item("2", "P2", 1)] });
  }
  return order;
}

function invoiceBody(reference: string, number: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return {
    retailer_id: IDENTITY.retailerUuid,
    retailer_order_reference: reference,
    invoice_date: "2025-06-05",
    invoice_number: number,
    currency_code: "GBP",
    lines,
    ...extra,
  };
}

const line = (ref: string, sku: string, quantity: number, unit: string) => ({
  retailer_sku: sku,
  supplier_sku: `S-${sku}`,
  order_line_reference: ref,
  description: "Item",
  quantity,
  unit_price: unit,
  subtotal: "999.99", // recomputed by Virtualstock
  supply_date: "2025-06-03",
  discount: "0.00",
  tax_rate: "20.00",
  tax: "0.00",
});

const code = async (body: unknown) => ((await post("/api/v4/invoices/", body)).json as { code?: string }).code;

describe("invoices", () => {
  it("creates an invoice, recomputing subtotal and tax, and lists it", async () => {
    await fulfilledOrder("INV-A");
    const res = await post("/api/v4/invoices/?format=json", invoiceBody("INV-A", "INV001", [line("1", "P1", 2, "30.90"), line("2", "P2", 1, "5.00")]));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ invoice_number: "INV001", status: "AWAITING_APPROVAL", subtotal: "66.80", tax: "13.36", total: "80.16" });
    const list = (await get("/api/v4/invoices/?format=json")).json as { count: number; results: { lines: unknown[] }[] };
    expect(list.count).toBe(1);
    expect(list.results[0].lines).toHaveLength(2);
  });

  it("requires the trailing slash for POST", async () => {
    await fulfilledOrder("INV-B");
    const res = await post("/api/v4/invoices", invoiceBody("INV-B", "INV002", [line("1", "P1", 2, "30.90")]));
    expect(res.status).toBe(405);
    expect(res.json).toEqual({ detail: 'Method "POST" not allowed.' });
  });

  it("applies the documented rules with their error codes", async () => {
    await fulfilledOrder("R1");
    await fulfilledOrder("R2", "open");
    await fulfilledOrder("R3", "cancel");
    const cancelled = sim.control.seedOrder({ orderReference: "R4", lines: [{ partNumber: "P9" }] });
    sim.control.requestCancellation(cancelled.id, [{ lineReference: "1" }]);
    await post(`/restapi/v4/orders/${cancelled.id}/cancel_acknowledge/`, { items: [{ part_number: "P9", line_ref: "1", quantity: 1 }] });

    const good = [line("1", "P1", 2, "30.90"), line("2", "P2", 1, "5.00")];
    expect(await code(invoiceBody("R1", "X1", good, { retailer_id: "00000000-0000-0000-0000-000000000000" }))).toBe("RETAILER_NOT_FOUND");
    expect(await code(invoiceBody("NOPE", "X1", good))).toBe("ORDER_NOT_FOUND");
    expect(await code(invoiceBody("R1", "X1", []))).toBe("INVOICE_LINES_NOT_PRESENT");
    expect(await code(invoiceBody("R2", "X1", good))).toBe("ORDER_NOT_FULFILLED");
    expect(await code(invoiceBody("R4", "X1", [line("1", "P9", 1, "1.00")]))).toBe("ORDER_CANCELLED");
    expect(await code(invoiceBody("R3", "X1", good))).toBe("ORDER_LINE_CANCELLED");
    expect(await code(invoiceBody("R1", "X1", [line("9", "P1", 2, "30.90")]))).toBe("ORDER_LINE_REFERENCE_NOT_FOUND");
    expect(await code(invoiceBody("R1", "X1", [line("1", "ZZZ", 2, "30.90")]))).toBe("RETAILER_SKU_NOT_FOUND");
    expect(await code(invoiceBody("R1", "X1", [line("1", "P1", 1, "30.90")]))).toBe("ORDER_LINE_UNMATCHED_QUANTITY");
    expect(await code(invoiceBody("R1", "X1", good, { invoice_date: "2025-06-03" }))).toBe(
      "INVOICE_DATE_BEFORE_LAST_ITEM_DISPATCHED_DATE",
    );
    const long = await post("/api/v4/invoices/", invoiceBody("R1", "X".repeat(21), good));
    expect(long.json).toEqual({ invoice_number: ["Ensure this field has no more than 20 characters."] });

    expect((await post("/api/v4/invoices/", invoiceBody("R1", "X1", good))).status).toBe(201);
    expect(await code(invoiceBody("R1", "X2", good))).toBe("ORDER_ALREADY_INVOICED");
    expect(await code(invoiceBody("R3", "X1", [line("1", "P1", 2, "30.90")]))).toBe("DUPLICATED_INVOICE_NUMBER");
    expect((await post("/api/v4/invoices/", invoiceBody("R3", "X3", [line("1", "P1", 2, "30.90")]))).status).toBe(201);
  });

  it("withdraws a rejected invoice on resubmission and refuses to void an approved one", async () => {
    await fulfilledOrder("W1");
    const good = [line("1", "P1", 2, "30.90"), line("2", "P2", 1, "5.00")];
    await post("/api/v4/invoices/", invoiceBody("W1", "W-1", good));
    sim.control.setInvoiceStatus?.("W-1", "REJECTED");
    expect((await post("/api/v4/invoices/", invoiceBody("W1", "W-2", good))).status).toBe(201);
    const list = (await get("/api/v4/invoices/?retailer_order_reference=W1")).json as { results: { invoice_number: string; status: string }[] };
    expect(list.results.map((r) => [r.invoice_number, r.status])).toEqual([
      ["W-1", "WITHDRAWN"],
      ["W-2", "AWAITING_APPROVAL"],
    ]);
    expect((await post("/api/v4/invoices/", invoiceBody("W1", "W-3", good, { void_existing_invoice_on_create: true }))).status).toBe(201);
    sim.control.setInvoiceStatus?.("W-3", "APPROVED");
    expect(await code(invoiceBody("W1", "W-4", good, { void_existing_invoice_on_create: true }))).toBe("INVOICE_HAS_BEEN_ISSUED");
  });

  it("adds invoices up to a remittance once it is seeded", async () => {
    const a = await fulfilledOrder("M1");
    const b = await fulfilledOrder("M2", "cancel");
    await post("/api/v4/invoices/", invoiceBody("M1", "M-1", [line("1", "P1", 2, "30.90"), line("2", "P2", 1, "5.00")]));
    await post("/api/v4/invoices/", invoiceBody("M2", "M-2", [line("1", "P1", 2, "30.90")]));
    const { paymentReference } = sim.control.seedRemittance({ orderIds: [a.id, b.id], paidOn: "2025-07-01" });
    const page = (await get(`/api/v4/invoices/?payment_reference=${paymentReference}`)).json as {
      count: number;
      results: { status: string; total: string; paid_on: string; lines: { total: string }[] }[];
    };
    expect(page.count).toBe(2);
    expect(page.results.every((r) => r.status === "PAID" && r.paid_on === "2025-07-01")).toBe(true);
    const sumLines = page.results.flatMap((r) => r.lines).reduce((s, l) => s + Math.round(Number(l.total) * 100), 0);
    const sumInvoices = page.results.reduce((s, r) => s + Math.round(Number(r.total) * 100), 0);
    expect(sumLines).toBe(sumInvoices);
    expect(sumInvoices).toBe(8016 + 7416);
    expect(() => sim.control.seedRemittance({ orderIds: ["424242"] })).toThrow();
  });
});
