import { describe, expect, it } from "vitest";
import { normalizeBarcode, normalizeSku } from "./sku-normalize";

describe("normalizeSku", () => {
  it.each([
    ["ab-123", "AB123"],
    [" AB 123 ", "AB123"],
    ["Ab.1_2/3", "AB123"],
    ["ＡＢ１２３", "AB123"],
    ["---", null],
    ["", null],
    [null, null],
  ])("%j -> %j", (raw, key) => {
    expect(normalizeSku(raw)).toBe(key);
  });
});

describe("normalizeBarcode", () => {
  it.each([
    ["5012345678900", "5012345678900"],
    ["0012345678905", "12345678905"],
    ["012345678905", "12345678905"],
    ["5012 3456 78900", "5012345678900"],
    ["1234", null],
    [null, null],
  ])("%j -> %j", (raw, key) => {
    expect(normalizeBarcode(raw)).toBe(key);
  });
});
