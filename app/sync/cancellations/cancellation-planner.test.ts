import { describe, expect, it } from "vitest";
import { merchantCancelStage, planMarketplaceCancellation } from "./cancellation-planner";

describe("planMarketplaceCancellation", () => {
  it.each([
    ["nothing shipped: cancel all", { requested: 2, shopify: { currentQuantity: 2, unfulfilledQuantity: 2 }, recordedShipped: 0 }, { action: "cancel", shopifyQuantity: 2 }],
    ["partial request: cancel that much", { requested: 1, shopify: { currentQuantity: 3, unfulfilledQuantity: 3 }, recordedShipped: 0 }, { action: "cancel", shopifyQuantity: 1 }],
    ["already cancelled in Shopify", { requested: 2, shopify: { currentQuantity: 0, unfulfilledQuantity: 0 }, recordedShipped: 0 }, { action: "acknowledge-only" }],
    ["line gone from Shopify", { requested: 2, shopify: null, recordedShipped: 0 }, { action: "acknowledge-only" }],
    ["fulfilled in Shopify", { requested: 2, shopify: { currentQuantity: 2, unfulfilledQuantity: 0 }, recordedShipped: 0 }, { action: "dispatch-instead", unshippedQuantity: 0 }],
    ["part fulfilled", { requested: 2, shopify: { currentQuantity: 2, unfulfilledQuantity: 1 }, recordedShipped: 1 }, { action: "dispatch-instead", unshippedQuantity: 1 }],
    ["parcel recorded though Shopify read lags", { requested: 1, shopify: { currentQuantity: 1, unfulfilledQuantity: 1 }, recordedShipped: 1 }, { action: "dispatch-instead", unshippedQuantity: 1 }],
  ] as const)("%s", (_name, input, expected) => {
    expect(planMarketplaceCancellation(input)).toEqual(expected);
  });
});

describe("merchantCancelStage", () => {
  it("is after dispatch once any unit shipped", () => {
    expect(merchantCancelStage(0)).toBe("before-dispatch");
    expect(merchantCancelStage(1)).toBe("after-dispatch");
  });
});
