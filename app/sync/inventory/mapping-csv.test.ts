import { describe, expect, it } from "vitest";
import { parseCsvRecords, parseMappingCsv } from "./mapping-csv";

describe("parseCsvRecords", () => {
  it("handles BOM, quotes, doubled quotes, embedded newlines and CRLF", () => {
    const text = '\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\r\n';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 3, fields: ["multi\nline", "z"] },
    ]);
  });
  it("detects semicolon-separated sheets", () => {
    expect(parseCsvRecords("a;b\n1;2")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
    ]);
  });
});

describe("parseMappingCsv", () => {
  it("finds the header under title rows and reads each row", () => {
    const text = [
      "John Lewis supplier product list,,",
      "Generated 2026-11-01,,",
      "JL Stock Number,Supplier SKU,EAN",
      "66682708,AB-123,5012345678900",
      '"66682709","CD 456",',
      "66682710,,5012345678917",
    ].join("\n");
    const out = parseMappingCsv(text);
    expect(out.errors).toEqual([]);
    expect(out.rows).toEqual([
      { line: 4, marketplaceSku: "66682708", shopifySku: "AB-123", barcode: "5012345678900" },
      { line: 5, marketplaceSku: "66682709", shopifySku: "CD 456", barcode: null },
      { line: 6, marketplaceSku: "66682710", shopifySku: null, barcode: "5012345678917" },
    ]);
  });

  it("reports unusable rows with their line and keeps the rest", () => {
    const text = "part_number,tradedCode\n,AB\n111,\n222,CD\n222,EF\n";
    const out = parseMappingCsv(text);
    expect(out.rows.map((r) => r.marketplaceSku)).toEqual(["222"]);
    expect(out.errors).toEqual([
      { line: 2, message: "The part number is empty." },
      { line: 3, message: "Part number 111 has no SKU or EAN to match." },
      { line: 5, message: "Part number 222 already appears on line 4." },
    ]);
  });

  it("explains a file without a recognisable header", () => {
    const out = parseMappingCsv("foo,bar\n1,2\n");
    expect(out.rows).toEqual([]);
    expect(out.errors[0].message).toMatch(/No header row/);
  });

  it("explains a header without our reference column", () => {
    const out = parseMappingCsv("part_number,price\n1,2\n");
    expect(out.errors[0].message).toMatch(/No column with our reference/);
  });
});
