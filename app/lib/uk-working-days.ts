/**
 * UK (England & Wales) working days, for the dates we promise the marketplace: Monday to Friday,
 * minus bank holidays. The holidays are data, not rules, because the government moves them
 * (substitute days when a holiday falls on a weekend, one-off holidays for coronations and
 * funerals). Source: gov.uk/bank-holidays, England and Wales, checked against the rules (Easter
 * Sunday by the Gregorian computus, first and last Mondays of May, last Monday of August) in
 * uk-working-days.test.ts. Add a year before it starts: outside the listed years only weekends are
 * skipped, which promises dates a day early at worst over a holiday.
 */

/** Dates are plain calendar dates, "YYYY-MM-DD", in UK local time. */
export type IsoDate = string;

export const ENGLAND_AND_WALES_BANK_HOLIDAYS: Readonly<Record<number, readonly IsoDate[]>> = {
  2025: [
    "2025-01-01", // New Year's Day
    "2025-04-18", // Good Friday
    "2025-04-21", // Easter Monday
    "2025-05-05", // Early May bank holiday
    "2025-05-26", // Spring bank holiday
    "2025-08-25", // Summer bank holiday
    "2025-12-25", // Christmas Day
    "2025-12-26", // Boxing Day
  ],
  2026: [
    "2026-01-01",
    "2026-04-03", // Good Friday
    "2026-04-06", // Easter Monday
    "2026-05-04",
    "2026-05-25",
    "2026-08-31",
    "2026-12-25",
    "2026-12-28", // Boxing Day (substitute day: 26 December is a Saturday)
  ],
  2027: [
    "2027-01-01",
    "2027-03-26", // Good Friday
    "2027-03-29", // Easter Monday
    "2027-05-03",
    "2027-05-31",
    "2027-08-30",
    "2027-12-27", // Christmas Day (substitute day: 25 December is a Saturday)
    "2027-12-28", // Boxing Day (substitute day: 26 December is a Sunday)
  ],
  2028: [
    "2028-01-03", // New Year's Day (substitute day: 1 January is a Saturday)
    "2028-04-14", // Good Friday
    "2028-04-17", // Easter Monday
    "2028-05-01",
    "2028-05-29",
    "2028-08-28",
    "2028-12-25",
    "2028-12-26",
  ],
};

const holidays = new Set(Object.values(ENGLAND_AND_WALES_BANK_HOLIDAYS).flat());

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMidnight(date: IsoDate): Date {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) throw new RangeError(`Not a calendar date: ${date}`);
  return d;
}

const fromUtcMidnight = (d: Date): IsoDate => d.toISOString().slice(0, 10);

/** Whether the bank holidays of `year` are listed (outside them only weekends are skipped). */
export function bankHolidaysKnownFor(year: number): boolean {
  return year in ENGLAND_AND_WALES_BANK_HOLIDAYS;
}

export function isUkBankHoliday(date: IsoDate): boolean {
  toUtcMidnight(date);
  return holidays.has(date);
}

export function isUkWorkingDay(date: IsoDate): boolean {
  const day = toUtcMidnight(date).getUTCDay();
  return day !== 0 && day !== 6 && !holidays.has(date);
}

/**
 * The date `days` working days after `date`. Counting starts the day after `date`, so an order
 * placed on a Saturday with 1 day of lead time is due on Monday (or Tuesday after a bank holiday
 * Monday). `days = 0` gives `date` itself if it is a working day, else the next working day.
 */
export function addUkWorkingDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Working days must be a whole number ≥ 0: ${days}`);
  const d = toUtcMidnight(date);
  if (days === 0) {
    while (!isUkWorkingDay(fromUtcMidnight(d))) d.setUTCDate(d.getUTCDate() + 1);
    return fromUtcMidnight(d);
  }
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (isUkWorkingDay(fromUtcMidnight(d))) left -= 1;
  }
  return fromUtcMidnight(d);
}

const ukDateFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The UK calendar date (Europe/London, so BST-aware) of an instant. */
export function ukDateOf(instant: Date | string): IsoDate {
  const d = typeof instant === "string" ? new Date(instant) : instant;
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not an instant: ${String(instant)}`);
  // en-CA formats as YYYY-MM-DD.
  return ukDateFormat.format(d);
}
