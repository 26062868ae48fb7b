import { describe, expect, it } from "vitest";
import { mapVirtualstockError, retryAfterMs } from "./virtualstock-errors";
import { mapLineStatus, mapOrder, platformStatusFor, restIdFromUrl } from "./virtualstock-mapper";
import { VsOrder } from "./virtualstock-schemas";
import { portDateToUkDate, portDateToUkDateTime, ukLocalToUtcIso } from "./uk-time";

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe("UK local time", () => {
  it.each([
    ["2025-01-15T10:00:00", "2025-01-15T10:00:00.000Z"], // GMT
    ["2025-07-01T00:30:00", "2025-06-30T23:30:00.000Z"], // BST, crosses midnight
    ["2025-03-30T00:30:00", "2025-03-30T00:30:00.000Z"], // before the spring change
    ["2025-03-30T03:00:00", "2025-03-30T02:00:00.000Z"], // after it
    ["2025-10-26T00:30:00", "2025-10-25T23:30:00.000Z"], // still BST on the autumn day
    ["2025-06-02", "2025-06-01T23:00:00.000Z"],
    ["2025-06-02T10:00:00Z", "2025-06-02T10:00:00.000Z"],
  ])("%s -> %s", (naive, utc) => {
    expect(ukLocalToUtcIso(naive)).toBe(utc);
  });
  it("rejects non-dates", () => expect(ukLocalToUtcIso("soon")).toBeNull());
  it("formats port dates for Virtualstock in UK time", () => {
    expect(portDateToUkDateTime("2025-06-06", "12:00:00")).toBe("2025-06-06T12:00:00");
    expect(portDateToUkDateTime("2025-06-05T23:30:00Z", "12:00:00")).toBe("2025-06-06T00:30:00");
    expect(portDateToUkDate("2025-06-05T23:30:00Z")).toBe("2025-06-06");
    expect(portDateToUkDate("not a date")).toBeNull();
  });
});

describe("line statuses", () => {
  it.each([
    ["ORDER", "awaiting-acknowledgement"],
    ["ORDER_ACK", "acknowledged"],
    ["BACKORDER", "backordered"],
    ["CANCEL", "cancellation-requested"],
    ["CANCEL_ACK", "cancelled"],
    ["DISPATCH", "dispatched"],
    ["RMA", "return-requested"],
    ["RMA_AUTHORISED", "return-requested"],
    ["RMA_REC", "returned"],
    ["RMA_REJ", "closed"],
    ["RMA_SOMETHING_NEW", "return-requested"],
    ["BRAND_NEW_STATE", "closed"],
  ] as const)("%s -> %s", (vs, port) => expect(mapLineStatus(vs)).toBe(port));
  it("round-trips the filterable statuses", () => {
    for (const s of ["ORDER", "ORDER_ACK", "BACKORDER", "CANCEL", "CANCEL_ACK", "DISPATCH", "RMA"]) {
      expect(platformStatusFor(mapLineStatus(s))).toBe(s);
    }
    expect(platformStatusFor("refused")).toBeNull();
  });
});

describe("orders", () => {
  const sample = {
    url: "https://www.sandbox.the-edge.io/restapi/v4/orders/259313/",
    order_reference: "TESTORDERNUMBER",
    order_date: "2021-02-23T10:41:59",
    status: "ORDER_ACK",
    comment: "This is a big order",
    test_flag: false,
    items: [
      {
        part_number: "66682708",
        retailer_sku_reference: "6254354307031",
        supplier_sku_reference: null,
        line_reference: "1",
        quantity: 2,
        name: "Lamp",
        status: "ORDER",
        unit_cost_price: "30.90",
        tax: "12.36",
        tax_rate: "20.00",
        total: "74.16",
        promised_date: "2021-03-20T00:00:00",
      },
    ],
    currency_code: "GBP",
    shipping_address: { full_name: "Ben", line_1: "London Road", city: "Reading", postal_code: "RG1", country: "gb", email: "a@b.c" },
  };

  it("maps the documented sample", () => {
    const order = mapOrder(VsOrder.parse(sample));
    expect(order.id).toBe("259313");
    expect(order.createdAt).toBe("2021-02-23T10:41:59.000Z");
    expect(order.email).toBe("a@b.c");
    expect(order.shippingAddress?.countryCode).toBe("GB");
    expect(order.lines[0]).toMatchObject({
      lineId: "1",
      sku: "66682708",
      alternateSkus: ["6254354307031"],
      status: "awaiting-acknowledgement",
      platformStatus: "ORDER",
      unitPrice: { amountMinor: 3090, currency: "GBP" },
      total: { amountMinor: 7416, currency: "GBP" },
      promisedDeliveryDate: "2021-03-20T00:00:00.000Z",
    });
  });

  it("keeps null prices null (JL samples have none)", () => {
    const order = mapOrder(VsOrder.parse({ ...sample, items: [{ ...sample.items[0], unit_cost_price: null, tax: null, total: null }] }));
    expect(order.lines[0].unitPrice).toBeNull();
  });

  it("refuses amounts with more than two decimals instead of rounding", () => {
    expect(() => mapOrder(VsOrder.parse({ ...sample, items: [{ ...sample.items[0], unit_cost_price: "1.005" }] }))).toThrow(/unit_cost_price/);
  });

  it("reads REST ids from URLs with or without a query", () => {
    expect(restIdFromUrl("https://x/api/v4/products/617172/?format=json", "products")).toBe("617172");
    expect(restIdFromUrl("https://x/api/v4/products/", "products")).toBeNull();
  });
});

describe("error mapping", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");
  it("429 prefers Retry-After, then the DRF text, then a full window", () => {
    expect(mapVirtualstockError(429, headers({ "retry-after": "7" }), "{}", now)).toEqual({ kind: "rate-limited", retryable: true, retryAfterMs: 7000 });
    expect(retryAfterMs(null, '{"detail":"Request was throttled. Expected available in 12.0 seconds."}', now)).toBe(12000);
    expect(retryAfterMs("Sun, 01 Jun 2025 12:00:30 GMT", "", now)).toBe(30000);
    expect(retryAfterMs(null, "", now)).toBe(60000);
  });
  it("maps statuses and bodies", () => {
    expect(mapVirtualstockError(503, headers(), "down", now)).toMatchObject({ kind: "unavailable", reason: "server-error" });
    expect(mapVirtualstockError(409, headers(), '{"detail":"Can\'t update a product which is in a publishing status."}', now)).toMatchObject({ kind: "unavailable", reason: "locked" });
    expect(mapVirtualstockError(404, headers(), '{"detail":"Product not found.","code":"PRODUCT_NOT_FOUND"}', now)).toMatchObject({ kind: "rejected", reason: "not-found", code: "PRODUCT_NOT_FOUND", message: "Product not found." });
    expect(mapVirtualstockError(404, headers(), "", now)).toMatchObject({ reason: "not-found", code: "NOT_FOUND" });
    expect(mapVirtualstockError(400, headers(), '{"supplier_free_stock":["This field is required."]}', now)).toMatchObject({ reason: "validation", code: "VALIDATION_ERROR", message: "supplier_free_stock: This field is required." });
    expect(mapVirtualstockError(400, headers(), '["Not allowed to change state of item 1 from DISPATCH to CANCEL"]', now)).toMatchObject({ reason: "invalid-state", code: "INVALID_STATE" });
    expect(mapVirtualstockError(400, headers(), "Not allowed to change state of item 1 from DISPATCH to CANCEL", now)).toMatchObject({ reason: "invalid-state" });
    expect(mapVirtualstockError(400, headers(), '{"detail":"x","code":"ORDER_NOT_FULFILLED"}', now)).toMatchObject({ reason: "validation", code: "ORDER_NOT_FULFILLED" });
    expect(mapVirtualstockError(403, headers(), '{"detail":"nope"}', now)).toMatchObject({ kind: "unauthorized", message: "nope" });
  });
});
