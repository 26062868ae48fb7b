/**
 * Virtualstock serialises date-times without a zone ("2025-05-08T00:48:15"). The reference marks
 * the zone as unknown; the simulator writes them as UK local time (Europe/London, so BST in summer),
 * which is what a UK retailer's Django install with TIME_ZONE = "Europe/London" would print.
 */
const londonParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Epoch ms -> naive UK local date-time, "YYYY-MM-DDTHH:MM:SS". */
export function toNaiveLondon(epochMs: number): string {
  const parts: Record<string, string> = {};
  for (const p of londonParts.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Epoch ms -> UK local calendar date, "YYYY-MM-DD". */
export function toLondonDate(epochMs: number): string {
  return toNaiveLondon(epochMs).slice(0, 10);
}

const NAIVE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/;

/** True for "YYYY-MM-DD" and naive "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" that name a real calendar day. */
export function isNaiveDateOrDateTime(value: string): boolean {
  const m = NAIVE_DATE_TIME.exec(value);
  if (!m) return false;
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s) < 60
  );
}

/** Adds whole days to a naive date-time string without involving any zone (calendar arithmetic). */
export function addDaysNaive(naive: string, days: number): string {
  const m = NAIVE_DATE_TIME.exec(naive);
  if (!m) return naive;
  const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d) + days, Number(h), Number(mi), Number(s));
  return new Date(t).toISOString().slice(0, 19);
}
