/**
 * Drift healing. Webhooks can be lost, so on a schedule (and on the merchant's "check now") we
 * re-read what Shopify has for every mapped item, read what the marketplace shows, record each
 * difference, and let the pusher correct it. Both sides are streamed in pages (Shopify: a bulk
 * operation; the marketplace: its largest list pages), so 50,000 SKUs never sit in memory as
 * objects: only a set of the part numbers seen.
 */
import type { MarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import { err, ok, type Result } from "../../lib/result";
import type { Clock, InventoryReader, ShopifyReadError } from "./ports";
import { pushStockLevels } from "./push-stock-levels.server";
import { toReading } from "./refresh-stock-levels.server";
import { getStockSettings, recordDesired, type Db } from "./stock-store.server";

export interface ReconcileDeps {
  db: Db;
  shopify: InventoryReader;
  marketplace: MarketplaceGateway;
  clock: Clock;
}

export type ReconcileError =
  | { kind: "no-locations"; message: string }
  | { kind: "shopify"; error: ShopifyReadError }
  | { kind: "marketplace"; error: MarketplaceError };

export interface ReconcileOutcome {
  runId: string;
  shopifyItems: number;
  marketplaceItems: number;
  discrepancies: number;
  /** SKUs now waiting for a corrective push. */
  pending: number;
  /** Corrections pushed during the run (the rest are left to the pusher). */
  corrected: number;
}

/** Marketplace page size asked for (the adapter clamps it to the platform's maximum). */
export const LIST_PAGE_SIZE = 1000;

/** A page with massive drift hands the rest to the pusher rather than stalling the listing. */
const PAGE_PUSH_MAX_MS = 60_000;

/** What started a run: the hourly schedule, "check now", the first sync after connecting, or a benchmark. */
export type ReconciliationTrigger = "schedule" | "manual" | "onboarding" | "bench";

export async function startReconciliationRun(db: Db, shop: string, trigger: ReconciliationTrigger): Promise<string> {
  const run = await db.stockReconciliationRun.create({ data: { shop, status: "running", trigger } });
  return run.id;
}

export async function reconcileStock(
  deps: ReconcileDeps,
  shop: string,
  runId: string,
): Promise<Result<ReconcileOutcome, ReconcileError>> {
  const result = await run(deps, shop, runId);
  await deps.db.stockReconciliationRun.update({
    where: { id: runId },
    data: result.ok
      ? { status: "completed", finishedAt: deps.clock.now(), discrepancies: result.value.discrepancies }
      : { status: "failed", finishedAt: deps.clock.now(), error: describe(result.error) },
  });
  return result;
}

function describe(e: ReconcileError): string {
  switch (e.kind) {
    case "no-locations":
      return e.message;
    case "shopify":
      return `Shopify could not be read: ${e.error.kind === "throttled" ? "throttled" : e.error.message}`;
    case "marketplace":
      return `The marketplace could not be read: ${e.error.kind}`;
  }
}

async function run(deps: ReconcileDeps, shop: string, runId: string): Promise<Result<ReconcileOutcome, ReconcileError>> {
  const { db } = deps;
  const settings = await getStockSettings(db, shop);
  if (settings.publishedLocationIds.length === 0) {
    return err({ kind: "no-locations", message: "Choose at least one location to publish stock from." });
  }
  const out: ReconcileOutcome = { runId, shopifyItems: 0, marketplaceItems: 0, discrepancies: 0, pending: 0, corrected: 0 };

  // 1. Shopify: refresh every mapped SKU's desired quantity (version-guarded, so a webhook-driven
  //    reading that is newer than this bulk snapshot keeps winning).
  for await (const chunk of deps.shopify.readAllLevels(settings.publishedLocationIds)) {
    if (!chunk.ok) return err({ kind: "shopify", error: chunk.error });
    const readAt = deps.clock.now();
    const byItem = new Map(chunk.value.map((i) => [i.inventoryItemGid, i]));
    const mappings = await db.skuMapping.findMany({
      where: { shop, variantGid: { not: null }, inventoryItemGid: { in: [...byItem.keys()] } },
      select: { marketplaceSku: true, inventoryItemGid: true, bufferOverride: true },
    });
    const readings = mappings.map((m) =>
      toReading({ ...m, inventoryItemGid: m.inventoryItemGid! }, byItem.get(m.inventoryItemGid!), settings, readAt, readAt),
    );
    await recordDesired(db, shop, readings);
    out.shopifyItems += chunk.value.length;
  }

  // 2. The marketplace: compare page by page.
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const pageReadAt = deps.clock.now();
    const page = await deps.marketplace.listStock({ cursor, limit: LIST_PAGE_SIZE });
    if (!page.ok) return err({ kind: "marketplace", error: page.error });
    const items = page.value.items;
    for (const item of items) seen.add(item.sku);
    if (items.length > 0) {
      out.discrepancies += await comparePage(db, shop, runId, items, pageReadAt);
      await rememberMarketplaceProducts(db, shop, items, pageReadAt);
      // Correct this page's drift now, while the adapter still knows these products' ids from the
      // listing: after a 50,000-product listing its id cache (10,000 entries) only holds the last
      // pages, and each push for an earlier page would first cost a look-up request. It also
      // starts the corrections 50 pages sooner. Failures are left to the pusher's retries.
      const pushed = await pushStockLevels(
        { db, marketplace: deps.marketplace, clock: deps.clock },
        shop,
        { onlySkus: items.map((i) => i.sku), maxDurationMs: PAGE_PUSH_MAX_MS },
      );
      out.corrected += pushed.pushed;
    }
    out.marketplaceItems += items.length;
    await db.stockReconciliationRun.update({
      where: { id: runId },
      data: { checked: out.marketplaceItems, total: page.value.total ?? null, discrepancies: out.discrepancies },
    });
    cursor = page.value.nextCursor;
  } while (cursor);

  // 3. Part numbers we map that the marketplace no longer lists. Only rows whose flag changes are
  //    written: rewriting 50,000 unchanged rows took seconds at the end of every run.
  const listed = [...seen];
  await db.$executeRaw`
    UPDATE "SkuMapping" SET "marketplaceKnown" = ("marketplaceSku" = ANY(${listed}::text[]))
    WHERE "shop" = ${shop} AND "marketplaceKnown" IS DISTINCT FROM ("marketplaceSku" = ANY(${listed}::text[]))`;

  const pending = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "PublishedStock" WHERE "shop" = ${shop} AND "desiredQuantity" IS NOT NULL
      AND "desiredQuantity" IS DISTINCT FROM "shownQuantity" AND NOT "blocked"`;
  out.pending = Number(pending[0]?.n ?? 0);
  return ok(out);
}

/**
 * Takes the listing as the truth about what the marketplace shows (unless we pushed the SKU after
 * the page was read), and records a discrepancy wherever it differs from what we want published.
 * Returns how many new discrepancies were recorded.
 */
async function comparePage(
  db: Db,
  shop: string,
  runId: string,
  items: readonly { sku: string; quantity: number }[],
  pageReadAt: Date,
): Promise<number> {
  const skus = items.map((i) => i.sku);
  const quantities = items.map((i) => i.quantity);
  const rows = await db.$queryRaw<{ n: bigint }[]>`
    WITH listed AS (
      SELECT * FROM unnest(${skus}::text[], ${quantities}::int[]) AS l(sku, qty)
    ), updated AS (
      UPDATE "PublishedStock" p SET "shownQuantity" = listed.qty
      FROM listed
      WHERE p."shop" = ${shop} AND p."marketplaceSku" = listed.sku
        AND (p."lastPushedAt" IS NULL OR p."lastPushedAt" < ${pageReadAt})
        AND (p."claimedUntil" IS NULL OR p."claimedUntil" < ${pageReadAt})
      RETURNING p."marketplaceSku", p."desiredQuantity", listed.qty
    ), inserted AS (
      INSERT INTO "StockDiscrepancy" ("id", "shop", "marketplaceSku", "runId", "expectedQuantity", "marketplaceQuantity", "detectedAt")
      SELECT gen_random_uuid()::text, ${shop}, u."marketplaceSku", ${runId}, u."desiredQuantity", u.qty, ${pageReadAt}
      FROM updated u
      WHERE u."desiredQuantity" IS NOT NULL AND u."desiredQuantity" <> u.qty
        AND NOT EXISTS (
          SELECT 1 FROM "StockDiscrepancy" d
          WHERE d."shop" = ${shop} AND d."marketplaceSku" = u."marketplaceSku" AND d."resolvedAt" IS NULL
        )
      RETURNING 1
    )
    SELECT count(*) AS n FROM inserted`;
  return Number(rows[0]?.n ?? 0);
}

/** Keeps a mapping row for every marketplace product, so the mapping page can list the unmapped ones. */
async function rememberMarketplaceProducts(
  db: Db,
  shop: string,
  items: readonly { sku: string; title: string | null; alternateSkus: string[] }[],
  at: Date,
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "SkuMapping" ("id", "shop", "marketplaceSku", "title", "alternateSkus", "marketplaceKnown", "lastSeenAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${shop}, l.sku, l.title, string_to_array(l.alts, chr(31)), true, ${at}, ${at}
    FROM unnest(
      ${items.map((i) => i.sku)}::text[],
      ${items.map((i) => i.title)}::text[],
      ${items.map((i) => i.alternateSkus.join("\u001f"))}::text[]
    ) AS l(sku, title, alts)
    ON CONFLICT ("shop", "marketplaceSku") DO UPDATE SET
      "title" = COALESCE(EXCLUDED."title", "SkuMapping"."title"),
      "alternateSkus" = EXCLUDED."alternateSkus",
      "lastSeenAt" = EXCLUDED."lastSeenAt"`;
}
