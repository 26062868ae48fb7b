/**
 * Virtualstock sends and expects naive date-times ("2025-05-08T00:48:15"). We read them as UK
 * local time (Europe/London: GMT in winter, BST in summer), the retailer's clock, and give the rest
 * of the app ISO-8601 UTC.
 */
const ZONE = "Europe/London";

const partsFormatter = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

interface LocalParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function londonParts(utcMs: number): LocalParts {
  const out: Record<string, string> = {};
  for (const p of partsFormatter.formatToParts(new Date(utcMs))) out[p.type] = p.value;
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour,
    minute: out.minute,
    second: out.second,
  };
}

/** London's offset from UTC at an instant, in ms (0 or 3 600 000). */
function londonOffsetMs(utcMs: number): number {
  const p = londonParts(utcMs);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/**
 * A naive UK-local date or date-time -> ISO-8601 UTC. Strings that already carry a zone ("Z",
 * "+01:00") are converted as they say. Returns null for anything that is not a date.
 */
export function ukLocalToUtcIso(value: string): string | null {
  const trimmed = value.trim();
  const m = NAIVE.exec(trimmed);
  if (!m) {
    const zoned = Date.parse(trimmed);
    return /[zZ]|[+-]\d{2}:?\d{2}$/.test(trimmed) && !Number.isNaN(zoned)
      ? new Date(zoned).toISOString()
      : null;
  }
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = ""] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  if (Number.isNaN(wall)) return null;
  // The offset depends on the instant we are looking for; two passes settle it, including on the
  // days the clocks change (a wall time in the skipped hour lands one hour later, as clocks do).
  let utc = wall - londonOffsetMs(wall);
  utc = wall - londonOffsetMs(utc);
  return new Date(utc).toISOString();
}

/** An instant -> naive UK-local "YYYY-MM-DDTHH:MM:SS", the format Virtualstock's date-times take. */
export function toUkLocalDateTime(utcMs: number): string {
  const p = londonParts(utcMs);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** An instant -> the UK calendar date "YYYY-MM-DD". */
export function toUkLocalDate(utcMs: number): string {
  return toUkLocalDateTime(utcMs).slice(0, 10);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A port date (ISO date or date-time) -> Virtualstock's naive date-time. A date without a time
 * keeps its calendar day and gets `dateOnlyTime`; a date-time is converted to UK local time.
 */
export function portDateToUkDateTime(value: string, dateOnlyTime: string): string | null {
  if (DATE_ONLY.test(value)) return `${value}T${dateOnlyTime}`;
  const iso = ukLocalToUtcIso(value);
  return iso === null ? null : toUkLocalDateTime(Date.parse(iso));
}

/** A port date (ISO date or date-time) -> the UK calendar date "YYYY-MM-DD". */
export function portDateToUkDate(value: string): string | null {
  if (DATE_ONLY.test(value)) return value;
  const iso = ukLocalToUtcIso(value);
  return iso === null ? null : toUkLocalDate(Date.parse(iso));
}
