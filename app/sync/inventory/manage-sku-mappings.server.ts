/**
 * The SKU mapping page's use cases: list with filters, auto-match, CSV import and a manual fix.
 * Every change writes an AuditLog row (who, when, before, after) in the same transaction, and a
 * changed link queues the item for a stock read so the new mapping is published at once.
 */
import type { Prisma } from "@prisma/client";
import { err, ok, type Result } from "../../lib/result";
import { autoMatch, findMappingDuplicates, type MatchIssue } from "./auto-match";
import { parseMappingCsv, type MappingCsvError } from "./mapping-csv";
import type { InventoryReader, ShopifyReadError, ShopifyVariantRef } from "./ports";
import { normalizeBarcode, normalizeSku } from "./sku-normalize";
import { markItemsDirty, type Db } from "./stock-store.server";

export type MappingFilter = "all" | "unmapped" | "duplicates" | "unknown";

export interface MappingRowView {
  marketplaceSku: string;
  title: string | null;
  variantGid: string | null;
  shopifySku: string | null;
  barcode: string | null;
  matchMethod: string;
  bufferOverride: number | null;
  marketplaceKnown: boolean;
  duplicate: "shared-variant" | "shared-sku" | null;
  updatedAt: string;
}

export interface MappingList {
  rows: MappingRowView[];
  counts: Record<MappingFilter, number>;
  page: number;
  pageCount: number;
}

const PAGE_SIZE = 50;

/** Lists mappings; duplicate detection needs every mapped row, read as narrow tuples. */
export async function listSkuMappings(db: Db, shop: string, filter: MappingFilter, page: number, search: string): Promise<MappingList> {
  const linked = await db.skuMapping.findMany({
    where: { shop, variantGid: { not: null } },
    select: { marketplaceSku: true, variantGid: true, shopifySku: true },
  });
  const dup = findMappingDuplicates(linked);
  const sharedSkuVariants = new Set([...dup.sharedShopifySkus.values()].flat());
  const duplicateSkus = linked
    .filter((r) => (r.variantGid && dup.sharedVariants.has(r.variantGid)) || (r.variantGid && sharedSkuVariants.has(r.variantGid)))
    .map((r) => r.marketplaceSku);

  const searchWhere: Prisma.SkuMappingWhereInput = search
    ? { OR: [{ marketplaceSku: { contains: search, mode: "insensitive" } }, { shopifySku: { contains: search, mode: "insensitive" } }, { title: { contains: search, mode: "insensitive" } }] }
    : {};
  const byFilter: Record<MappingFilter, Prisma.SkuMappingWhereInput> = {
    all: {},
    unmapped: { variantGid: null },
    duplicates: { marketplaceSku: { in: duplicateSkus } },
    unknown: { marketplaceKnown: false },
  };
  const where = { shop, ...byFilter[filter], ...searchWhere };
  const [total, rows, unmapped, unknown, all] = await Promise.all([
    db.skuMapping.count({ where }),
    db.skuMapping.findMany({ where, orderBy: { marketplaceSku: "asc" }, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
    db.skuMapping.count({ where: { shop, variantGid: null } }),
    db.skuMapping.count({ where: { shop, marketplaceKnown: false } }),
    db.skuMapping.count({ where: { shop } }),
  ]);
  return {
    rows: rows.map((r) => ({
      marketplaceSku: r.marketplaceSku,
      title: r.title,
      variantGid: r.variantGid,
      shopifySku: r.shopifySku,
      barcode: r.barcode,
      matchMethod: r.matchMethod,
      bufferOverride: r.bufferOverride,
      marketplaceKnown: r.marketplaceKnown,
      duplicate: r.variantGid && dup.sharedVariants.has(r.variantGid) ? "shared-variant" : r.variantGid && sharedSkuVariants.has(r.variantGid) ? "shared-sku" : null,
      updatedAt: r.updatedAt.toISOString(),
    })),
    counts: { all, unmapped, duplicates: duplicateSkus.length, unknown },
    page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
  };
}

interface LinkChange {
  marketplaceSku: string;
  variant: ShopifyVariantRef | null;
  method: string;
  bufferOverride?: number | null;
}

/** Link changes written per transaction: a first sync links a whole catalogue at once. */
const LINK_BATCH = 500;

/**
 * Applies link changes with their audit rows, and queues the affected items for a stock read.
 * Set-based, a batch per transaction: row-by-row statements in one transaction ran past the
 * transaction time limit when a first sync linked a few hundred SKUs on a busy machine.
 */
async function applyLinks(db: Db, shop: string, actor: string, changes: readonly LinkChange[], now: Date): Promise<number> {
  let changed = 0;
  const dirty: string[] = [];
  // The last change of a SKU wins, as it did when changes were applied one by one.
  const latest = [...new Map(changes.map((c) => [c.marketplaceSku, c])).values()];
  for (let i = 0; i < latest.length; i += LINK_BATCH) {
    const batch = latest.slice(i, i + LINK_BATCH);
    await db.$transaction(async (tx) => {
      const existing = await tx.skuMapping.findMany({ where: { shop, marketplaceSku: { in: batch.map((c) => c.marketplaceSku) } } });
      const befores = new Map(existing.map((b) => [b.marketplaceSku, b]));
      const rows: { marketplaceSku: string; variantGid: string | null; inventoryItemGid: string | null; shopifySku: string | null; barcode: string | null; matchMethod: string; bufferOverride: number | null }[] = [];
      const audits: Prisma.AuditLogCreateManyInput[] = [];
      const unlinked: string[] = [];
      for (const c of batch) {
        const before = befores.get(c.marketplaceSku);
        const after = {
          variantGid: c.variant?.variantGid ?? null,
          inventoryItemGid: c.variant?.inventoryItemGid ?? null,
          shopifySku: c.variant?.sku ?? null,
          barcode: c.variant?.barcode ?? null,
          matchMethod: c.variant ? c.method : "none",
          bufferOverride: c.bufferOverride === undefined ? (before?.bufferOverride ?? null) : c.bufferOverride,
        };
        if (before && before.variantGid === after.variantGid && before.bufferOverride === after.bufferOverride) continue;
        rows.push({ marketplaceSku: c.marketplaceSku, ...after });
        audits.push({
          shop,
          actor,
          action: before?.variantGid && !after.variantGid ? "sku-mapping.unlink" : "sku-mapping.link",
          entity: "SkuMapping",
          entityId: c.marketplaceSku,
          before: before
            ? { variantGid: before.variantGid, shopifySku: before.shopifySku, matchMethod: before.matchMethod, bufferOverride: before.bufferOverride }
            : undefined,
          after: { variantGid: after.variantGid, shopifySku: after.shopifySku, matchMethod: after.matchMethod, bufferOverride: after.bufferOverride },
          at: now,
        });
        // An unlinked SKU must stop being published from the old variant.
        if (!after.variantGid) unlinked.push(c.marketplaceSku);
        if (after.inventoryItemGid) dirty.push(after.inventoryItemGid);
      }
      if (rows.length === 0) return;
      await tx.$executeRaw`
        INSERT INTO "SkuMapping" ("id", "shop", "marketplaceSku", "variantGid", "inventoryItemGid", "shopifySku", "barcode", "matchMethod", "bufferOverride", "createdAt", "updatedAt")
        SELECT gen_random_uuid()::text, ${shop}, r.sku, r.variant, r.item, r.shopify_sku, r.barcode, r.method, r.buffer, ${now}, ${now}
        FROM unnest(
          ${rows.map((r) => r.marketplaceSku)}::text[],
          ${rows.map((r) => r.variantGid)}::text[],
          ${rows.map((r) => r.inventoryItemGid)}::text[],
          ${rows.map((r) => r.shopifySku)}::text[],
          ${rows.map((r) => r.barcode)}::text[],
          ${rows.map((r) => r.matchMethod)}::text[],
          ${rows.map((r) => r.bufferOverride)}::int[]
        ) AS r(sku, variant, item, shopify_sku, barcode, method, buffer)
        ON CONFLICT ("shop", "marketplaceSku") DO UPDATE SET
          "variantGid" = EXCLUDED."variantGid",
          "inventoryItemGid" = EXCLUDED."inventoryItemGid",
          "shopifySku" = EXCLUDED."shopifySku",
          "barcode" = EXCLUDED."barcode",
          "matchMethod" = EXCLUDED."matchMethod",
          "bufferOverride" = EXCLUDED."bufferOverride",
          "updatedAt" = EXCLUDED."updatedAt"`;
      await tx.auditLog.createMany({ data: audits });
      if (unlinked.length > 0) {
        await tx.publishedStock.updateMany({ where: { shop, marketplaceSku: { in: unlinked } }, data: { desiredQuantity: null } });
      }
      changed += rows.length;
    });
  }
  await markItemsDirty(db, shop, dirty, now, false);
  return changed;
}

async function allVariants(shopify: InventoryReader): Promise<Result<ShopifyVariantRef[], ShopifyReadError>> {
  const out: ShopifyVariantRef[] = [];
  for await (const page of shopify.listVariants()) {
    if (!page.ok) return page;
    out.push(...page.value);
  }
  return ok(out);
}

export interface AutoMatchSummary {
  linked: number;
  issues: MatchIssue[];
}

/** Links every unlinked marketplace product that matches exactly one variant. Manual links stay. */
export async function autoMatchSkus(
  deps: { db: Db; shopify: InventoryReader; now: Date },
  shop: string,
  actor: string,
): Promise<Result<AutoMatchSummary, ShopifyReadError>> {
  const variants = await allVariants(deps.shopify);
  if (!variants.ok) return variants;
  const unlinked = await deps.db.skuMapping.findMany({ where: { shop, variantGid: null }, select: { marketplaceSku: true, alternateSkus: true } });
  const outcome = autoMatch(unlinked.map((u) => ({ sku: u.marketplaceSku, alternateSkus: u.alternateSkus })), variants.value);
  const byGid = new Map(variants.value.map((v) => [v.variantGid, v]));
  const linked = await applyLinks(
    deps.db,
    shop,
    actor,
    outcome.proposals.map((p) => ({ marketplaceSku: p.marketplaceSku, variant: byGid.get(p.variantGid) ?? null, method: p.method })),
    deps.now,
  );
  return ok({ linked, issues: outcome.issues });
}

export interface CsvImportSummary {
  linked: number;
  errors: MappingCsvError[];
}

/** Imports JL's mapping sheet: each row's SKU (or EAN) must name exactly one Shopify variant. */
export async function importMappingCsv(
  deps: { db: Db; shopify: InventoryReader; now: Date },
  shop: string,
  actor: string,
  csv: string,
): Promise<Result<CsvImportSummary, ShopifyReadError>> {
  const parsed = parseMappingCsv(csv);
  if (parsed.rows.length === 0) return ok({ linked: 0, errors: parsed.errors });
  const variants = await allVariants(deps.shopify);
  if (!variants.ok) return variants;
  const bySku = new Map<string, ShopifyVariantRef[]>();
  const byBarcode = new Map<string, ShopifyVariantRef[]>();
  for (const v of variants.value) {
    const s = normalizeSku(v.sku);
    if (s) bySku.set(s, [...(bySku.get(s) ?? []), v]);
    const b = normalizeBarcode(v.barcode);
    if (b) byBarcode.set(b, [...(byBarcode.get(b) ?? []), v]);
  }
  const errors = [...parsed.errors];
  const changes: LinkChange[] = [];
  for (const row of parsed.rows) {
    const candidates = (row.shopifySku && bySku.get(normalizeSku(row.shopifySku) ?? "")) || (row.barcode && byBarcode.get(normalizeBarcode(row.barcode) ?? "")) || [];
    if (candidates.length === 1) changes.push({ marketplaceSku: row.marketplaceSku, variant: candidates[0], method: "csv" });
    else if (candidates.length === 0) errors.push({ line: row.line, message: `No Shopify variant has SKU ${row.shopifySku ?? "-"} or barcode ${row.barcode ?? "-"}.` });
    else errors.push({ line: row.line, message: `${candidates.length} Shopify variants share SKU ${row.shopifySku ?? row.barcode}; fix it in Shopify or map ${row.marketplaceSku} by hand.` });
  }
  const linked = await applyLinks(deps.db, shop, actor, changes, deps.now);
  return ok({ linked, errors: errors.sort((a, b) => a.line - b.line) });
}

export type FixMappingError = { kind: "variant-not-found"; message: string } | { kind: "ambiguous"; message: string } | { kind: "shopify"; error: ShopifyReadError };

/** The merchant links (or unlinks, with an empty SKU) one marketplace product, optionally with a buffer. */
export async function fixSkuMapping(
  deps: { db: Db; shopify: InventoryReader & { variantsBySku(sku: string): Promise<Result<ShopifyVariantRef[], ShopifyReadError>> }; now: Date },
  shop: string,
  actor: string,
  input: { marketplaceSku: string; shopifySku: string; bufferOverride: number | null },
): Promise<Result<void, FixMappingError>> {
  let variant: ShopifyVariantRef | null = null;
  if (input.shopifySku.trim() !== "") {
    const found = await deps.shopify.variantsBySku(input.shopifySku.trim());
    if (!found.ok) return err({ kind: "shopify", error: found.error });
    const exact = found.value.filter((v) => normalizeSku(v.sku) === normalizeSku(input.shopifySku));
    if (exact.length === 0) return err({ kind: "variant-not-found", message: `No Shopify variant has SKU ${input.shopifySku}.` });
    if (exact.length > 1) return err({ kind: "ambiguous", message: `${exact.length} Shopify variants have SKU ${input.shopifySku}; give each a distinct SKU in Shopify first.` });
    variant = exact[0];
  }
  await applyLinks(deps.db, shop, actor, [{ marketplaceSku: input.marketplaceSku, variant, method: "manual", bufferOverride: input.bufferOverride }], deps.now);
  return ok(undefined);
}
