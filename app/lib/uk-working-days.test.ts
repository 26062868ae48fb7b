import { describe, expect, it } from "vitest";
import {
  addUkWorkingDays,
  bankHolidaysKnownFor,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  isUkBankHoliday,
  isUkWorkingDay,
  ukDateOf,
} from "./uk-working-days";

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher): an independent oracle. */
function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}
const iso = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
function mondayOnOrAfter(d: Date) {
  while (d.getUTCDay() !== 1) d = plusDays(d, 1);
  return d;
}
function lastMonday(year: number, month: number) {
  let d = new Date(Date.UTC(year, month + 1, 0));
  while (d.getUTCDay() !== 1) d = plusDays(d, -1);
  return d;
}
/** The rules as the gov.uk list applies them, with weekend holidays moved to the next free weekday. */
function holidaysByRule(year: number): string[] {
  const easter = easterSunday(year);
  const fixed: Date[] = [];
  const taken = new Set<string>();
  const substitute = (d: Date) => {
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6 || taken.has(iso(d))) d = plusDays(d, 1);
    taken.add(iso(d));
    return d;
  };
  fixed.push(substitute(new Date(Date.UTC(year, 0, 1))));
  const christmas = substitute(new Date(Date.UTC(year, 11, 25)));
  const boxing = substitute(new Date(Date.UTC(year, 11, 26)));
  return [
    ...fixed,
    plusDays(easter, -2),
    plusDays(easter, 1),
    mondayOnOrAfter(new Date(Date.UTC(year, 4, 1))),
    lastMonday(year, 4),
    lastMonday(year, 7),
    christmas,
    boxing,
  ].map(iso);
}

describe("England & Wales bank holidays", () => {
  it.each([2025, 2026, 2027, 2028])("the %i data agree with the rules (Easter, Mondays, substitute days)", (year) => {
    expect([...ENGLAND_AND_WALES_BANK_HOLIDAYS[year]].sort()).toEqual(holidaysByRule(year).sort());
  });

  it("knows the substitute days", () => {
    expect(isUkBankHoliday("2026-12-28")).toBe(true);
    expect(isUkBankHoliday("2026-12-26")).toBe(false); // a Saturday: its substitute is the holiday
    expect(isUkBankHoliday("2027-12-27")).toBe(true);
    expect(isUkBankHoliday("2027-12-28")).toBe(true);
    expect(isUkBankHoliday("2028-01-03")).toBe(true);
    expect(bankHolidaysKnownFor(2028)).toBe(true);
    expect(bankHolidaysKnownFor(2031)).toBe(false);
  });

  it("treats weekends and holidays as non-working", () => {
    expect(isUkWorkingDay("2026-04-03")).toBe(false); // Good Friday
    expect(isUkWorkingDay("2026-04-04")).toBe(false); // Saturday
    expect(isUkWorkingDay("2026-04-07")).toBe(true);
  });
});

describe("addUkWorkingDays", () => {
  it.each([
    // from, days, expected, why
    ["2026-03-02", 3, "2026-03-05", "an ordinary week"],
    ["2026-03-06", 1, "2026-03-09", "Friday + 1 is Monday"],
    ["2026-03-07", 1, "2026-03-09", "an order on Saturday counts from Monday"],
    ["2026-04-02", 1, "2026-04-07", "over Good Friday, the weekend and Easter Monday"],
    ["2026-12-24", 2, "2026-12-30", "Christmas Friday, weekend, substitute Boxing Day Monday"],
    ["2027-12-24", 1, "2027-12-29", "two substitute days after a Christmas weekend"],
    ["2027-12-31", 1, "2028-01-04", "substitute New Year's Day across the year end"],
    ["2026-08-28", 5, "2026-09-07", "summer bank holiday inside the span"],
    ["2026-03-02", 0, "2026-03-02", "zero days on a working day"],
    ["2026-04-03", 0, "2026-04-07", "zero days on a holiday moves to the next working day"],
  ])("%s + %i working days = %s (%s)", (from, days, expected) => {
    expect(addUkWorkingDays(from, days)).toBe(expected);
  });

  it("refuses nonsense", () => {
    expect(() => addUkWorkingDays("2026-02-30", 1)).toThrow(RangeError);
    expect(() => addUkWorkingDays("2026-03-02", -1)).toThrow(RangeError);
    expect(() => addUkWorkingDays("2026-03-02", 1.5)).toThrow(RangeError);
  });
});

describe("ukDateOf", () => {
  it("uses UK local time, BST included", () => {
    expect(ukDateOf("2026-07-01T23:30:00Z")).toBe("2026-07-02"); // 00:30 BST
    expect(ukDateOf("2026-01-01T23:30:00Z")).toBe("2026-01-01"); // GMT
  });
});
