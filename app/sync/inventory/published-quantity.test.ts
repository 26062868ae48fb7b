import { describe, expect, it } from "vitest";
import { publishedQuantity, type PublishInputs } from "./published-quantity";

const base: PublishInputs = {
  tracked: true,
  mapped: true,
  levels: [
    { locationId: "L1", available: 5 },
    { locationId: "L2", available: 3 },
    { locationId: "L3", available: 100 },
  ],
  publishedLocationIds: ["L1", "L2"],
  globalBuffer: 0,
  skuBuffer: null,
};

describe("publishedQuantity", () => {
  it.each<[string, Partial<PublishInputs>, number | string]>([
    ["sums only chosen locations", {}, 8],
    ["subtracts the global buffer", { globalBuffer: 2 }, 6],
    ["a per-SKU buffer replaces the global one", { globalBuffer: 2, skuBuffer: 5 }, 3],
    ["a per-SKU buffer of zero overrides a global one", { globalBuffer: 2, skuBuffer: 0 }, 8],
    ["never below zero", { globalBuffer: 50 }, 0],
    ["negative levels count against the total", { levels: [{ locationId: "L1", available: -2 }, { locationId: "L2", available: 3 }] }, 1],
    ["null available counts as nothing", { levels: [{ locationId: "L1", available: null }] }, 0],
    ["untracked is never published", { tracked: false }, "untracked"],
    ["unmapped is never published", { mapped: false }, "unmapped"],
    ["no chosen location publishes nothing", { publishedLocationIds: [] }, "no-published-location"],
  ])("%s", (_name, change, expected) => {
    const d = publishedQuantity({ ...base, ...change });
    if (typeof expected === "number") {
      expect(d).toMatchObject({ publish: true, quantity: expected });
    } else {
      expect(d).toEqual({ publish: false, reason: expected });
    }
  });
});
