import { normalizeBarcode, normalizeSku } from "./sku-normalize";

/** A marketplace product as the matcher sees it. */
export interface MatchableProduct {
  /** The marketplace's key (JL part number). */
  sku: string;
  /** Other references the marketplace holds (tradedCode: our EAN or SKU; retailer/supplier SKU). */
  alternateSkus: readonly string[];
}

/** A Shopify variant as the matcher sees it. */
export interface MatchableVariant {
  variantGid: string;
  sku: string | null;
  barcode: string | null;
}

export type MatchMethod = "sku" | "barcode";

export interface MatchProposal {
  marketplaceSku: string;
  variantGid: string;
  method: MatchMethod;
}

export type MatchIssue =
  /** One marketplace product matches several variants (the same SKU or barcode on two variants). */
  | { kind: "ambiguous"; marketplaceSku: string; variantGids: string[]; method: MatchMethod }
  /** Several marketplace products match the same variant (two part numbers on one variant). */
  | { kind: "shared-variant"; variantGid: string; marketplaceSkus: string[] }
  /** Nothing in Shopify carries any of this product's references. */
  | { kind: "unmatched"; marketplaceSku: string };

export interface MatchOutcome {
  proposals: MatchProposal[];
  issues: MatchIssue[];
}

function indexBy(variants: readonly MatchableVariant[], key: (v: MatchableVariant) => string | null) {
  const index = new Map<string, string[]>();
  for (const v of variants) {
    const k = key(v);
    if (k == null) continue;
    const list = index.get(k);
    if (list) {
      if (!list.includes(v.variantGid)) list.push(v.variantGid);
    } else index.set(k, [v.variantGid]);
  }
  return index;
}

function lookup(index: Map<string, string[]>, keys: (string | null)[]): string[] {
  const found = new Set<string>();
  for (const k of keys) if (k != null) for (const gid of index.get(k) ?? []) found.add(gid);
  return [...found];
}

/**
 * Proposes one variant per marketplace product, by SKU first (the part number or any alternate
 * reference equals the variant SKU, ignoring case, spaces and punctuation), then by barcode. A
 * product that matches several variants, or a variant claimed by several products, is reported and
 * left unmapped: guessing would publish one variant's stock under two listings.
 */
export function autoMatch(
  products: readonly MatchableProduct[],
  variants: readonly MatchableVariant[],
): MatchOutcome {
  const bySku = indexBy(variants, (v) => normalizeSku(v.sku));
  const byBarcode = indexBy(variants, (v) => normalizeBarcode(v.barcode));

  const issues: MatchIssue[] = [];
  const tentative: MatchProposal[] = [];
  for (const product of products) {
    const refs = [product.sku, ...product.alternateSkus];
    const skuHits = lookup(bySku, refs.map(normalizeSku));
    if (skuHits.length === 1) {
      tentative.push({ marketplaceSku: product.sku, variantGid: skuHits[0], method: "sku" });
      continue;
    }
    if (skuHits.length > 1) {
      issues.push({ kind: "ambiguous", marketplaceSku: product.sku, variantGids: skuHits.sort(), method: "sku" });
      continue;
    }
    const barcodeHits = lookup(byBarcode, refs.map(normalizeBarcode));
    if (barcodeHits.length === 1) {
      tentative.push({ marketplaceSku: product.sku, variantGid: barcodeHits[0], method: "barcode" });
    } else if (barcodeHits.length > 1) {
      issues.push({ kind: "ambiguous", marketplaceSku: product.sku, variantGids: barcodeHits.sort(), method: "barcode" });
    } else {
      issues.push({ kind: "unmatched", marketplaceSku: product.sku });
    }
  }

  const byVariant = new Map<string, MatchProposal[]>();
  for (const p of tentative) byVariant.set(p.variantGid, [...(byVariant.get(p.variantGid) ?? []), p]);
  const proposals: MatchProposal[] = [];
  for (const [variantGid, list] of byVariant) {
    if (list.length === 1) proposals.push(list[0]);
    else issues.push({ kind: "shared-variant", variantGid, marketplaceSkus: list.map((p) => p.marketplaceSku).sort() });
  }
  return { proposals, issues };
}

/** A saved mapping, for duplicate detection across what is already stored. */
export interface MappingRow {
  marketplaceSku: string;
  variantGid: string | null;
  shopifySku: string | null;
}

export interface MappingDuplicates {
  /** Variants that two or more marketplace SKUs point at. */
  sharedVariants: Map<string, string[]>;
  /** Shopify SKUs (normalized) carried by two or more mapped variants. */
  sharedShopifySkus: Map<string, string[]>;
}

/** Finds both kinds of duplicate among saved mappings, for the mapping page's filter. */
export function findMappingDuplicates(rows: readonly MappingRow[]): MappingDuplicates {
  const byVariant = new Map<string, string[]>();
  const variantsBySku = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.variantGid == null) continue;
    byVariant.set(row.variantGid, [...(byVariant.get(row.variantGid) ?? []), row.marketplaceSku]);
    const key = normalizeSku(row.shopifySku);
    if (key != null) {
      const set = variantsBySku.get(key) ?? new Set<string>();
      set.add(row.variantGid);
      variantsBySku.set(key, set);
    }
  }
  const sharedVariants = new Map([...byVariant].filter(([, skus]) => skus.length > 1));
  const sharedShopifySkus = new Map(
    [...variantsBySku].filter(([, gids]) => gids.size > 1).map(([k, gids]) => [k, [...gids].sort()] as const),
  );
  return { sharedVariants, sharedShopifySkus };
}
