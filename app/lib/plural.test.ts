import { describe, expect, it } from "vitest";
import { formatCount, plural, pluralWord } from "./plural";

describe("plural", () => {
  it.each([
    [0, "0 SKUs"],
    [1, "1 SKU"],
    [2, "2 SKUs"],
    [1250, "1,250 SKUs"],
    [50_000, "50,000 SKUs"],
  ])("%i -> %s", (count, expected) => {
    expect(plural(count, "SKU", "SKUs")).toBe(expected);
  });

  it("takes irregular plurals as given", () => {
    expect(plural(1, "discrepancy", "discrepancies")).toBe("1 discrepancy");
    expect(plural(3, "discrepancy", "discrepancies")).toBe("3 discrepancies");
  });

  it("treats only exactly one as singular", () => {
    expect(plural(1.5, "unit", "units")).toBe("1.5 units");
    expect(plural(-1, "unit", "units")).toBe("-1 units");
  });
});

describe("pluralWord", () => {
  it("agrees a word with the count without printing it", () => {
    expect(pluralWord(1, "needs", "need")).toBe("needs");
    expect(pluralWord(4, "needs", "need")).toBe("need");
  });
});

describe("formatCount", () => {
  it("groups thousands the en-GB way", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(999)).toBe("999");
  });
});
