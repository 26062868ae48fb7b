import { describe, expect, it } from "vitest";
import { rateLimited, rejected, unauthorized, unavailable } from "../../marketplace/marketplace-errors";
import {
  budgetPriority,
  failureScope,
  isNewerVersion,
  orderPending,
  OUTAGE_PROBE_MAX_MS,
  outageProbeDelayMs,
  riskClass,
  retryDelayMs,
  type PendingPush,
} from "./push-planner";

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

describe("outageProbeDelayMs", () => {
  it("probes after 2, 4 and 8 s, then every 10 s however long the outage lasts", () => {
    expect([1, 2, 3, 4, 5, 50].map((n) => outageProbeDelayMs(n))).toEqual([2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(OUTAGE_PROBE_MAX_MS).toBe(10_000);
  });

  it("fits few probes in a minute's outage and leaves the recovery at most one interval away", () => {
    const probes: number[] = [];
    for (let t = 0, n = 0; t < 60_000; ) {
      probes.push(t);
      t += outageProbeDelayMs(++n);
    }
    expect(probes).toEqual([0, 2_000, 6_000, 14_000, 24_000, 34_000, 44_000, 54_000]);
    const nextAfterRecovery = probes[probes.length - 1] + outageProbeDelayMs(probes.length);
    expect(nextAfterRecovery - 60_000).toBeLessThanOrEqual(OUTAGE_PROBE_MAX_MS);
  });

  it("follows the platform's hint (a 429's Retry-After), capped at 5 minutes", () => {
    expect(outageProbeDelayMs(1, 30_000)).toBe(30_000);
    expect(outageProbeDelayMs(9, 900_000)).toBe(300_000);
  });
});

describe("failureScope", () => {
  it.each([
    ["a 5xx on the run's first push", unavailable("server-error", "503"), false, "outage"],
    ["a timeout after a failed push", unavailable("timeout", "slow"), false, "outage"],
    ["a 5xx right after a push went through", unavailable("server-error", "500"), true, "item"],
    ["a product that is publishing (409)", unavailable("locked", "409", 60_000), false, "item"],
    ["throttling, even after a success", rateLimited(5_000), true, "outage"],
    ["refused credentials", unauthorized("bad password"), true, "outage"],
    ["an unknown part number", rejected("not-found", "404", "no product", 404), false, "item"],
  ] as const)("%s", (_n, error, previousOk, scope) => {
    expect(failureScope(error, previousOk)).toBe(scope);
  });
});
