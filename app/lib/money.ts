/** Money as integer minor units (pence for GBP) plus an ISO 4217 currency code. Never floats. */
export type Money = { amountMinor: number; currency: string };

/**
 * Parses a decimal string ("30.90", "-4.5", "12") into minor units for a 2-decimal currency.
 * Returns null for anything that is not a plain decimal number with at most two decimals.
 */
export function parseDecimalToMinor(value: string): number | null {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) return null;
  const [, sign, whole, frac = ""] = m;
  const minor = Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  if (!Number.isSafeInteger(minor)) return null;
  return sign ? -minor : minor;
}

/** Formats minor units as a plain decimal string with two decimals ("30.90"). */
export function formatMinorToDecimal(amountMinor: number): string {
  const sign = amountMinor < 0 ? "-" : "";
  const abs = Math.abs(amountMinor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
