import { describe, expect, it } from "vitest";
import { marketplaceLineId, marketplaceSku } from "../../lib/ids";
import { mapFulfillmentLines, planTrackingChange, readiness, shippedPerLine, type TrackingState } from "./fulfillment-mapper";
import type { LinkedLine } from "./order-link";

const line = (lineId: string, sku: string, quantity: number, item: string): LinkedLine => ({
  lineId: marketplaceLineId(lineId),
  sku: marketplaceSku(sku),
  quantity,
  lineItemGid: `gid://shopify/LineItem/${item}`,
});
const gid = (n: string) => `gid://shopify/LineItem/${n}`;
const linked = [line("1", "111", 2, "11"), line("2", "222", 3, "22")];

describe("mapFulfillmentLines", () => {
  it("maps a full fulfilment to every line", () => {
    const m = mapFulfillmentLines([{ lineItemGid: gid("11"), quantity: 2 }, { lineItemGid: gid("22"), quantity: 3 }], linked);
    expect(m.lines.map((l) => [l.lineId, l.quantity])).toEqual([["1", 2], ["2", 3]]);
    expect(m.unlinked).toEqual([]);
    expect(m.excess).toEqual([]);
  });

  it("maps a partial fulfilment to its lines and quantities only", () => {
    const m = mapFulfillmentLines([{ lineItemGid: gid("22"), quantity: 1 }], linked);
    expect(m.lines).toEqual([{ lineId: "2", sku: "222", quantity: 1, lineItemGid: gid("22") }]);
  });

  it("fills lines that share one line item in order, after earlier parcels", () => {
    const shared = [line("1", "111", 2, "11"), line("2", "111", 2, "11")];
    const first = mapFulfillmentLines([{ lineItemGid: gid("11"), quantity: 3 }], shared);
    expect(first.lines.map((l) => [l.lineId, l.quantity])).toEqual([["1", 2], ["2", 1]]);
    const second = mapFulfillmentLines([{ lineItemGid: gid("11"), quantity: 1 }], shared, shippedPerLine([first]));
    expect(second.lines.map((l) => [l.lineId, l.quantity])).toEqual([["2", 1]]);
  });

  it("reports unlinked items and excess units rather than inventing lines", () => {
    const m = mapFulfillmentLines([{ lineItemGid: gid("99"), quantity: 1 }, { lineItemGid: gid("11"), quantity: 5 }], linked);
    expect(m.unlinked).toEqual([{ lineItemGid: gid("99"), quantity: 1 }]);
    expect(m.lines).toEqual([{ lineId: "1", sku: "111", quantity: 2, lineItemGid: gid("11") }]);
    expect(m.excess).toEqual([{ lineItemGid: gid("11"), quantity: 3 }]);
  });
});

describe("readiness", () => {
  it.each([
    [{ carrierKey: null, trackingNumber: "T", mappedCode: null }, "blocked-unmapped-carrier"],
    [{ carrierKey: "bob", trackingNumber: "T", mappedCode: null }, "blocked-unmapped-carrier"],
    [{ carrierKey: "royal mail", trackingNumber: null, mappedCode: "royal-mail" }, "blocked-missing-tracking"],
    [{ carrierKey: "royal mail", trackingNumber: "T", mappedCode: "royal-mail" }, "pending"],
  ] as const)("%j -> %s", (input, expected) => {
    expect(readiness(input)).toBe(expected);
  });
});

describe("planTrackingChange", () => {
  const base: TrackingState = {
    status: "pending",
    carrierKey: "royal mail",
    trackingNumber: "A1",
    trackingUrl: null,
    sentCarrierCode: null,
    sentTrackingNumber: null,
  };
  const incoming = { carrierKey: "royal mail", trackingNumber: "B2", trackingUrl: null };

  it("replaces tracking on a parcel not yet confirmed", () => {
    expect(planTrackingChange(base, incoming, "royal-mail")).toEqual({ action: "replace" });
    expect(planTrackingChange({ ...base, status: "blocked-unmapped-carrier" }, incoming, null)).toEqual({ action: "replace" });
  });
  it("ignores a repeat with the same tracking", () => {
    expect(planTrackingChange(base, { ...incoming, trackingNumber: "A1" }, "royal-mail")).toEqual({ action: "none" });
  });
  it("asks the merchant to correct a confirmed parcel in the portal", () => {
    const sent = { ...base, status: "sent" as const, sentCarrierCode: "royal-mail", sentTrackingNumber: "A1" };
    expect(planTrackingChange(sent, incoming, "royal-mail")).toEqual({ action: "merchant-task" });
    expect(planTrackingChange(sent, { ...incoming, trackingNumber: "A1" }, "royal-mail")).toEqual({ action: "none" });
    expect(planTrackingChange(sent, { ...incoming, trackingNumber: "A1", carrierKey: "dpd uk" }, "dpd-uk")).toEqual({ action: "merchant-task" });
  });
});
