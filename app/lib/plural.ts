/**
 * Counts in merchant-facing English: "1 SKU", "2 SKUs", "1,250 orders". Numbers are grouped the
 * en-GB way (the merchants are UK sellers) and pinned to one locale so the server-rendered text
 * matches what the browser hydrates.
 */
const grouped = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

/** A number with en-GB grouping: 1250 -> "1,250". */
export function formatCount(count: number): string {
  return grouped.format(count);
}

/**
 * The count and the noun that agrees with it: `plural(1, "SKU", "SKUs")` -> "1 SKU",
 * `plural(1250, "SKU", "SKUs")` -> "1,250 SKUs". Both forms are given because English plurals are
 * irregular ("discrepancy"/"discrepancies", "is"/"are" through `pluralWord`).
 */
export function plural(count: number, singular: string, pluralForm: string): string {
  return `${formatCount(count)} ${pluralWord(count, singular, pluralForm)}`;
}

/** Just the word that agrees with `count`, for verbs and nouns away from the number ("needs"/"need"). */
export function pluralWord(count: number, singular: string, pluralForm: string): string {
  return count === 1 ? singular : pluralForm;
}
