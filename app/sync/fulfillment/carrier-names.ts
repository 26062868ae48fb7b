import type { MarketplaceCarrier } from "../../marketplace/marketplace-gateway";

/**
 * Shopify fulfilments carry the carrier as free text (`tracking_company`: "Royal Mail", "DPD UK",
 * "Evri (Hermes)", "royal mail "). Mappings are keyed by this normalised form so that spelling
 * noise (case, punctuation, spacing, accents) never creates a second mapping for one carrier.
 */
export function normalizeCarrierName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/\s+/g, " ");
}

export interface CarrierSuggestion {
  code: string;
  name: string;
  /** 0..1, higher is likelier. */
  score: number;
}

const tokens = (s: string) => s.split(" ").filter(Boolean);
const compact = (s: string) => s.replace(/ /g, "");

/** Sørensen–Dice coefficient on character bigrams: tolerant of small spelling differences. */
function dice(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      shared++;
      grams.set(g, n - 1);
    }
  }
  return (2 * shared) / (a.length - 1 + b.length - 1);
}

/** Optimal string alignment distance (edits incl. adjacent swaps), as 0..1 similarity: catches "Yodle". */
function editSimilarity(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return 1 - d[a.length][b.length] / Math.max(a.length, b.length, 1);
}

/** How well a normalised Shopify carrier name matches one normalised marketplace label. */
function similarity(name: string, label: string): number {
  if (!name || !label) return 0;
  if (compact(name) === compact(label)) return 1;
  const nameTokens = new Set(tokens(name));
  const labelTokens = tokens(label);
  // "Royal Mail Tracked 24" contains "royal mail"; "Evri (Hermes)" contains "evri".
  if (labelTokens.every((t) => nameTokens.has(t))) return 0.6 + 0.3 * (labelTokens.length / nameTokens.size);
  return 0.8 * Math.max(dice(compact(name), compact(label)), editSimilarity(compact(name), compact(label)));
}

/**
 * The marketplace carriers most likely meant by a Shopify carrier name, best first. Both the
 * carrier's display name and its code (slugs such as `dpd-uk` read as "dpd uk") are compared.
 * Suggestions only: the merchant confirms every mapping, because "DPD" could be `dpd` or `dpd-uk`.
 */
export function suggestCarriers(
  shopifyName: string,
  carriers: MarketplaceCarrier[],
  options: { limit?: number; minScore?: number } = {},
): CarrierSuggestion[] {
  const name = normalizeCarrierName(shopifyName);
  const scored = carriers.map((c) => ({
    code: c.code,
    name: c.name,
    score: Math.max(similarity(name, normalizeCarrierName(c.name)), similarity(name, normalizeCarrierName(c.code))),
  }));
  return scored
    .filter((s) => s.score >= (options.minScore ?? 0.45))
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
    .slice(0, options.limit ?? 3);
}
