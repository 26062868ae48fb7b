import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration } from "./format";

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [44.6, "45 s"],
    [60, "1 min"],
    [3_599, "59 min"],
    [3_600, "1 h"],
    [3_900, "1 h 5 min"],
    [86_400 * 2 + 3_600 * 4, "2 d 4 h"],
    [-5, "0 s"],
  ])("%s seconds reads %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe("formatDateTime", () => {
  it("is UK time wherever it runs", () => {
    expect(formatDateTime("2026-11-23T10:04:05.000Z")).toBe("23 Nov, 10:04:05 GMT");
    expect(formatDateTime("2026-07-01T10:04:05.000Z")).toBe("1 Jul, 11:04:05 BST");
  });
});
