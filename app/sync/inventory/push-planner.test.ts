import { describe, expect, it } from "vitest";
import { budgetPriority, isNewerVersion, orderPending, riskClass, retryDelayMs, type PendingPush } from "./push-planner";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("isNewerVersion", () => {
  it.each([
    ["no current value", { sourceAt: t(1), readAt: t(1) }, null, true],
    ["newer Shopify timestamp wins", { sourceAt: t(2), readAt: t(2) }, { sourceAt: t(1), readAt: t(9) }, true],
    ["older Shopify timestamp loses even if read later", { sourceAt: t(1), readAt: t(9) }, { sourceAt: t(2), readAt: t(3) }, false],
    ["same state, later read wins", { sourceAt: t(1), readAt: t(5) }, { sourceAt: t(1), readAt: t(4) }, true],
    ["same state, earlier read loses", { sourceAt: t(1), readAt: t(3) }, { sourceAt: t(1), readAt: t(4) }, false],
  ])("%s", (_n, incoming, current, expected) => {
    expect(isNewerVersion(incoming, current)).toBe(expected);
  });
});

const p = (marketplaceSku: string, shown: number | null, desired: number, changedSecond = 0): PendingPush => ({
  marketplaceSku,
  shown,
  desired,
  changedAt: t(changedSecond),
});

describe("ordering by oversell risk", () => {
  it.each([
    [p("a", 5, 0), 0],
    [p("b", 5, 2), 1],
    [p("c", 10, 5), 2],
    [p("d", null, 4), 3],
    [p("e", null, 0), 0],
    [p("f", 1, 6), 4],
    [p("g", 3, 3), 4],
  ])("%j has class %i", (item, cls) => {
    expect(riskClass(item)).toBe(cls);
  });

  it("puts sell-outs first, then drops near zero, other drops (settled longest first), then increases", () => {
    const items = [p("up", 1, 9, 0), p("recent-drop", 30, 10, 5), p("settled-drop", 10, 8, 1), p("near", 4, 1, 2), p("zero", 3, 0, 3)];
    expect(orderPending(items, t(10)).map((i) => i.marketplaceSku)).toEqual(["zero", "near", "settled-drop", "recent-drop", "up"]);
  });

  it("serves work that waited a minute before newer riskier work, except sell-outs", () => {
    const items = [p("drop", 9, 3, 70), p("zero", 3, 0, 70), p("old-increase", 1, 9, 0)];
    expect(orderPending(items, t(71)).map((i) => i.marketplaceSku)).toEqual(["zero", "old-increase", "drop"]);
  });

  it("uses the urgent budget for sell-outs only", () => {
    expect(budgetPriority(p("a", 5, 0))).toBe("urgent");
    expect(budgetPriority(p("b", 5, 1))).toBe("routine");
  });
});

describe("retryDelayMs", () => {
  it("follows the platform hint, else backs off exponentially with a cap", () => {
    expect(retryDelayMs(1, 7_000)).toBe(7_000);
    expect([1, 2, 3].map((a) => retryDelayMs(a))).toEqual([2_000, 4_000, 8_000]);
    expect(retryDelayMs(20)).toBe(300_000);
  });
});
