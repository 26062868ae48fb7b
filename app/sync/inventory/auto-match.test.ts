import { describe, expect, it } from "vitest";
import { autoMatch, findMappingDuplicates } from "./auto-match";

const v = (variantGid: string, sku: string | null, barcode: string | null = null) => ({ variantGid, sku, barcode });

describe("autoMatch", () => {
  it("matches by SKU ignoring case, spaces and punctuation, via the part number or an alternate", () => {
    const out = autoMatch(
      [
        { sku: "66682708", alternateSkus: ["ab-123"] },
        { sku: "XY 9", alternateSkus: [] },
      ],
      [v("V1", "AB123"), v("V2", "xy-9")],
    );
    expect(out.proposals).toEqual(
      expect.arrayContaining([
        { marketplaceSku: "66682708", variantGid: "V1", method: "sku" },
        { marketplaceSku: "XY 9", variantGid: "V2", method: "sku" },
      ]),
    );
    expect(out.issues).toEqual([]);
  });

  it("falls back to the barcode, tolerating zero padding", () => {
    const out = autoMatch([{ sku: "11111111", alternateSkus: ["0012345678905"] }], [v("V1", "OTHER", "012345678905")]);
    expect(out.proposals).toEqual([{ marketplaceSku: "11111111", variantGid: "V1", method: "barcode" }]);
  });

  it("flags one SKU on two variants and maps neither", () => {
    const out = autoMatch([{ sku: "1", alternateSkus: ["AB-1"] }], [v("V1", "ab1"), v("V2", "AB 1")]);
    expect(out.proposals).toEqual([]);
    expect(out.issues).toEqual([{ kind: "ambiguous", marketplaceSku: "1", variantGids: ["V1", "V2"], method: "sku" }]);
  });

  it("flags two part numbers on one variant and maps neither", () => {
    const out = autoMatch(
      [
        { sku: "1", alternateSkus: ["AB1"] },
        { sku: "2", alternateSkus: ["ab-1"] },
      ],
      [v("V1", "AB1")],
    );
    expect(out.proposals).toEqual([]);
    expect(out.issues).toEqual([{ kind: "shared-variant", variantGid: "V1", marketplaceSkus: ["1", "2"] }]);
  });

  it("reports products nothing matches", () => {
    const out = autoMatch([{ sku: "9", alternateSkus: [] }], [v("V1", "AB1")]);
    expect(out.issues).toEqual([{ kind: "unmatched", marketplaceSku: "9" }]);
  });
});

describe("findMappingDuplicates", () => {
  it("finds variants with two part numbers and Shopify SKUs on two variants", () => {
    const d = findMappingDuplicates([
      { marketplaceSku: "1", variantGid: "V1", shopifySku: "A" },
      { marketplaceSku: "2", variantGid: "V1", shopifySku: "A" },
      { marketplaceSku: "3", variantGid: "V2", shopifySku: "b-1" },
      { marketplaceSku: "4", variantGid: "V3", shopifySku: "B1" },
      { marketplaceSku: "5", variantGid: null, shopifySku: null },
    ]);
    expect([...d.sharedVariants]).toEqual([["V1", ["1", "2"]]]);
    expect([...d.sharedShopifySkus]).toEqual([["B1", ["V2", "V3"]]]);
  });
});
