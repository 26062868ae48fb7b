import { describe, expect, it } from "vitest";
import { deadlineCountdown, reasonLabel } from "./deadline";

const due = "2026-03-02T12:00:00.000Z";
const at = (iso: string) => Date.parse(iso);

describe("deadlineCountdown", () => {
  it.each([
    [at("2026-03-02T06:00:00Z"), null, "6 h left", "info"],
    [at("2026-03-02T11:15:00Z"), null, "45 min left", "warning"],
    [at("2026-03-02T12:30:00Z"), null, "Overdue by 30 min", "critical"],
    [at("2026-03-02T13:00:00Z"), "2026-03-02T09:00:00.000Z", "Met with 3 h to spare", "success"],
    [at("2026-03-02T13:00:00Z"), "2026-03-02T12:10:00.000Z", "Met 10 min late", "warning"],
  ])("now %i, acknowledged %s -> %s", (nowMs, acknowledgedAt, label, tone) => {
    expect(deadlineCountdown({ acknowledgeBy: due, acknowledgedAt, nowMs })).toEqual({ label, tone });
  });
  it("labels reasons", () => {
    expect(reasonLabel("unknown-sku")).toBe("Unknown part number");
    expect(reasonLabel("something-new")).toBe("something-new");
  });
});
