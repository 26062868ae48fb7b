import { describe, expect, it } from "vitest";
import { InMemoryMarketplace } from "../../../test/fakes/in-memory-marketplace";
import type { MarketplaceOrder } from "../../marketplace/marketplace-gateway";
import {
  buildOrderCreateRequest,
  checkAddress,
  checkVariants,
  classifyCreateErrors,
  planOrderLines,
  toShopifyAddress,
  type SkuMappingView,
} from "./order-mapper";
import { acknowledgeDeadline, byDeadline, importPriority, promisedDates } from "./order-schedule";

const fake = new InMemoryMarketplace({ now: () => Date.parse("2026-03-02T10:00:00Z") });
const order = (lines: { sku: string; quantity?: number; unitPrice?: string | null; status?: MarketplaceOrder["lines"][number]["status"] }[]) =>
  fake.seedOrder({ reference: "JL-1", lines });
const mappings = (rows: SkuMappingView[]) => new Map(rows.map((r) => [r.marketplaceSku, r]));

describe("planOrderLines", () => {
  it("maps every line through the SKU mapping", () => {
    const o = order([{ sku: "111" }, { sku: "222", quantity: 2 }]);
    const { planned, problems } = planOrderLines(o, mappings([{ marketplaceSku: "111", variantGid: "gid://shopify/ProductVariant/1" }, { marketplaceSku: "222", variantGid: "gid://shopify/ProductVariant/2" }]), { force: false });
    expect(problems).toEqual([]);
    expect(planned.map((p) => [p.line.sku, p.variantGid, p.line.quantity])).toEqual([
      ["111", "gid://shopify/ProductVariant/1", 1],
      ["222", "gid://shopify/ProductVariant/2", 2],
    ]);
  });

  it.each([
    ["unknown part number", [], "unknown-sku", ["map-sku", "create-anyway"]],
    ["known but not linked", [{ marketplaceSku: "111", variantGid: null }], "unmapped-variant", ["map-sku", "create-anyway"]],
  ] as const)("%s -> %s exception, nothing dropped", (_label, rows, reason, actions) => {
    const o = order([{ sku: "111" }]);
    const { planned, problems } = planOrderLines(o, mappings([...rows]), { force: false });
    expect(planned).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ reason, sku: "111", lineId: "1", fixActions: actions })]);
  });

  it("custom options are an exception; create anyway keeps them as line properties", () => {
    const o = order([{ sku: "111" }]);
    const withOptions: MarketplaceOrder = { ...o, lines: o.lines.map((l) => ({ ...l, options: [{ name: "Engraving", value: "A&B" }] })) };
    const map = mappings([{ marketplaceSku: "111", variantGid: "gid://shopify/ProductVariant/1" }]);
    expect(planOrderLines(withOptions, map, { force: false }).problems[0].reason).toBe("custom-options");
    const forced = planOrderLines(withOptions, map, { force: true });
    expect(forced.problems).toEqual([]);
    const request = buildOrderCreateRequest({ order: withOptions, marketplaceId: "john-lewis", marketplaceName: "JL", planned: forced.planned, inventory: "ignore-policy" });
    expect(request.lines[0].properties).toEqual([
      { name: "_marketplace_line", value: "1" },
      { name: "Engraving", value: "A&B" },
    ]);
  });

  it("create anyway sends unmapped lines as custom items with the marketplace SKU", () => {
    const o = order([{ sku: "999", unitPrice: "12.50" }]);
    const { planned } = planOrderLines(o, mappings([]), { force: true });
    const request = buildOrderCreateRequest({ order: o, marketplaceId: "john-lewis", marketplaceName: "JL", planned, inventory: "ignore-policy" });
    expect(request.lines[0]).toMatchObject({ variantGid: null, sku: "999", unitPrice: "12.50", quantity: 1 });
  });

  it("skips cancelled lines and reports an order with nothing left", () => {
    const o = order([{ sku: "111", status: "cancelled" }]);
    expect(planOrderLines(o, mappings([]), { force: false }).problems[0].reason).toBe("no-lines");
  });
});

describe("checkVariants", () => {
  const o = order([{ sku: "111" }]);
  const planned = [{ line: o.lines[0], variantGid: "gid://shopify/ProductVariant/1" }];
  it("flags a deleted variant and an archived product", () => {
    expect(checkVariants(planned, [], { force: false }).problems[0].reason).toBe("missing-variant");
    const archived = [{ variantGid: "gid://shopify/ProductVariant/1", productStatus: "ARCHIVED", sku: "A", title: "Lamp" }];
    expect(checkVariants(planned, archived, { force: false }).problems[0].reason).toBe("archived-variant");
    expect(checkVariants(planned, archived, { force: true }).planned).toEqual(planned);
    expect(checkVariants(planned, [], { force: true }).planned[0].variantGid).toBeNull();
  });
});

describe("addresses", () => {
  const good = { fullName: "Ada King Lovelace", company: null, line1: "1 High St", line2: null, city: "London", region: null, postalCode: "n1 9gu", countryCode: "gb", phone: null };
  it.each([
    [null, /no delivery address/],
    [{ ...good, line1: " " }, /no line1/],
    [{ ...good, countryCode: "GBR" }, /two-letter/],
    [{ ...good, postalCode: "12345" }, /UK postcode/],
  ])("refuses %j", (address, message) => {
    expect(checkAddress(address)?.message).toMatch(message);
  });
  it("accepts a UK address and splits the name", () => {
    expect(checkAddress(good)).toBeNull();
    expect(toShopifyAddress(good)).toMatchObject({ firstName: "Ada King", lastName: "Lovelace", zip: "N1 9GU", countryCode: "GB" });
  });
});

describe("buildOrderCreateRequest", () => {
  it("is paid, in the marketplace's currency and prices, with our identifiers", () => {
    const o = order([{ sku: "111", quantity: 2, unitPrice: "30.90" }]);
    const { planned } = planOrderLines(o, mappings([{ marketplaceSku: "111", variantGid: "gid://shopify/ProductVariant/1" }]), { force: false });
    const r = buildOrderCreateRequest({ order: o, marketplaceId: "john-lewis", marketplaceName: "John Lewis", planned, inventory: "obey-policy" });
    expect(r).toMatchObject({
      currency: "GBP",
      sourceIdentifier: "JL-1",
      metafieldValue: `john-lewis:${o.id}`,
      tags: ["john-lewis", "marketplace-order"],
      paidAmount: "74.16", // 2 x 30.90 + 20% VAT
      inventory: "obey-policy",
    });
    expect(r.lines[0]).toMatchObject({ variantGid: "gid://shopify/ProductVariant/1", unitPrice: "30.90", tax: { amount: "12.36", rate: 0.2 } });
  });
});

describe("classifyCreateErrors", () => {
  it.each([
    [[{ field: ["order", "lineItems", "0"], message: "Unable to claim inventory: not enough stock", code: "INVENTORY_CLAIM_FAILED" }], "insufficient-stock"],
    [[{ field: ["order", "shippingAddress", "zip"], message: "Zip is invalid", code: "INVALID" }], "address-rejected"],
    [[{ field: null, message: "Something else", code: null }], "rejected"],
  ])("%j -> %s", (errors, kind) => {
    expect(classifyCreateErrors(errors).kind).toBe(kind);
  });
});

describe("schedule", () => {
  it("promises dispatch after the lead time in UK working days, delivery after transit", () => {
    // Thursday 2 April 2026, lead time 1: Good Friday and Easter Monday are skipped.
    expect(promisedDates("2026-04-02T09:00:00Z", 1)).toEqual({ dispatchDate: "2026-04-07", deliveryDate: "2026-04-09" });
    expect(promisedDates("2026-03-02T09:00:00Z", 3, { backorder: true }).dispatchDate).toBe("2026-03-19");
  });
  it("defaults the acknowledgement deadline to 24 h and orders by it", () => {
    expect(acknowledgeDeadline({ createdAt: "2026-03-02T10:00:00Z", acknowledgeBy: null }).toISOString()).toBe("2026-03-03T10:00:00.000Z");
    expect(acknowledgeDeadline({ createdAt: "2026-03-02T10:00:00Z", acknowledgeBy: "2026-03-02T12:00:00Z" }).toISOString()).toBe("2026-03-02T12:00:00.000Z");
    const now = new Date("2026-03-02T11:00:00Z");
    expect(importPriority(new Date("2026-03-02T12:00:00Z"), now)).toBe(60);
    expect(importPriority(new Date("2026-03-02T10:00:00Z"), now)).toBe(-60);
    const rows = [
      { id: "b", acknowledgeBy: new Date("2026-03-03T00:00:00Z"), orderedAt: new Date(0) },
      { id: "a", acknowledgeBy: new Date("2026-03-02T00:00:00Z"), orderedAt: new Date(0) },
    ];
    expect(rows.sort(byDeadline).map((r) => r.id)).toEqual(["a", "b"]);
  });
});
