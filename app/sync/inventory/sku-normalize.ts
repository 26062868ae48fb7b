/**
 * SKU comparison key. The same product reference is typed differently in Shopify and in the
 * marketplace's catalogue ("ab-123 ", "AB123", "Ab.123"), so matching compares a key with case,
 * whitespace and punctuation removed. The original strings are always kept for display.
 */
export function normalizeSku(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  // NFKC folds full-width and compatibility characters that spreadsheets sometimes introduce.
  const key = raw.normalize("NFKC").toUpperCase().replace(/[^\p{L}\p{N}]+/gu, "");
  return key.length > 0 ? key : null;
}

/**
 * Barcode comparison key: digits only, with leading zeros dropped so a UPC-A (12 digits) and the
 * same code written as EAN-13 or GTIN-14 (zero-padded) compare equal.
 */
export function normalizeBarcode(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const digits = raw.replace(/\D+/g, "");
  if (digits.length < 8) return null;
  const trimmed = digits.replace(/^0+/, "");
  return trimmed.length > 0 ? trimmed : null;
}
