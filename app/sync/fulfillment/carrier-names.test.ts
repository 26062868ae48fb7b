import { describe, expect, it } from "vitest";
import { normalizeCarrierName, suggestCarriers } from "./carrier-names";

const carriers = [
  { code: "royal-mail", name: "Royal Mail" },
  { code: "parcelforce", name: "Parcelforce" },
  { code: "dpd-uk", name: "DPD UK" },
  { code: "dpd", name: "DPD" },
  { code: "evri", name: "Evri" },
  { code: "hermes-uk", name: "Hermes UK" },
  { code: "yodel", name: "Yodel" },
  { code: "dhl", name: "DHL Express" },
  { code: "2go", name: "2GO" },
];

describe("normalizeCarrierName", () => {
  it.each([
    ["Royal Mail", "royal mail"],
    ["  ROYAL   mail ", "royal mail"],
    ["Evri (Hermes)", "evri hermes"],
    ["DPD-UK", "dpd uk"],
    ["Colissimo É", "colissimo e"],
    ["P&O Ferrymasters", "p and o ferrymasters"],
  ])("%j -> %j", (input, expected) => {
    expect(normalizeCarrierName(input)).toBe(expected);
  });
});

describe("suggestCarriers", () => {
  it.each([
    ["Royal Mail", "royal-mail"],
    ["Royal Mail Tracked 24", "royal-mail"],
    ["DPD UK", "dpd-uk"],
    ["Evri (Hermes)", "evri"],
    ["Parcel Force", "parcelforce"],
    ["Yodle", "yodel"],
    ["DHL", "dhl"],
  ])("%j is most likely %j", (name, code) => {
    expect(suggestCarriers(name, carriers)[0]?.code).toBe(code);
  });

  it("offers both DPD codes for a bare DPD, exact first", () => {
    const codes = suggestCarriers("DPD", carriers).map((s) => s.code);
    expect(codes[0]).toBe("dpd");
    expect(codes).toContain("dpd-uk");
  });

  it("suggests nothing for an unrelated name", () => {
    expect(suggestCarriers("Bob's Van Hire", carriers)).toEqual([]);
  });

  it("limits and orders by score", () => {
    const s = suggestCarriers("Evri (Hermes)", carriers, { limit: 2 });
    expect(s).toHaveLength(2);
    expect(s[0].score).toBeGreaterThanOrEqual(s[1].score);
    expect(s.map((x) => x.code)).toEqual(["evri", "hermes-uk"]);
  });
});
