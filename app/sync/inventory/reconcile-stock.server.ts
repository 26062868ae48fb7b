/**
 * Drift healing. Webhooks can be lost, so on a schedule (and on the merchant's "check now") we
 * re-read what Shopify has for every mapped item, read what the marketplace shows, record each
 * difference, and correct it. Both sides are read at the same time and streamed in pages (Shopify:
 * a bulk operation; the marketplace: its largest list pages), so 50,000 SKUs never sit in memory as
 * objects: only the part numbers seen (and those listed before Shopify's side was known).
 */
import type { MarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceGateway, MarketplaceStockLevel, Page } from "../../marketplace/marketplace-gateway";
import { err, ok, type Result } from "../../lib/result";
import type { Clock, InventoryReader, ShopifyReadError } from "./ports";
import { pushStockLevels } from "./push-stock-levels.server";
import { toReading } from "./refresh-stock-levels.server";
import { getStockSettings, mappingsForItems, recordDesired, type Db } from "./stock-store.server";

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

/**
 * A run still "running" after this long died with its worker (a run of 50,000 SKUs takes under a
 * minute; the job's own time limit is 30 minutes): "check now" starts a new one and the page
 * stops waiting for it.
 */
export const RUN_PRESUMED_DEAD_MS = 30 * 60_000;

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

  // Three lanes run at once, so the request budget, not our database work, sets the pace:
  // - Shopify's side: a bulk read (Shopify takes seconds to minutes to build the file) recording
  //   what we want published;
  // - the listing: the marketplace's pages, up to LIST_PAGES_AHEAD fetched ahead, recording what
  //   it shows;
  // - corrections: a listed SKU whose desired value Shopify's side has refreshed in this run (the
  //   bulk file's order need not match the listing's) is compared, recorded as a discrepancy if
  //   it differs, and pushed, while both reads go on.
  const stop = { requested: false };
  const corrections = correctionLane(deps, shop, runId, out, stop);
  const shopifySide = readShopifySide(deps, shop, settings, out, stop, (skus) => corrections.refreshed(skus));
  corrections.follow(shopifySide);
  const shopifyState: { done: Result<void, ReconcileError> | null } = { done: null };
  // A rejection (a database error) is handled where the lane is awaited.
  shopifySide.then((r) => (shopifyState.done = r), () => {});
  const listing = listingLane(deps.marketplace, deps.clock, stop);
  try {
    const seen = new Set<string>();
    for (;;) {
      const next = await listing.next();
      if (next === null) break;
      const { page, requestedAt } = next;
      if (!page.ok) return err({ kind: "marketplace", error: page.error });
      const items = page.value.items;
      for (const item of items) seen.add(item.sku);
      if (items.length > 0) {
        corrections.add(await recordListing(db, shop, items, requestedAt));
        await rememberMarketplaceProducts(db, shop, items, requestedAt);
      }
      const shopify = shopifyState.done;
      if (shopify !== null && !shopify.ok) return shopify;
      out.marketplaceItems += items.length;
      await db.stockReconciliationRun.update({
        where: { id: runId },
        data: { checked: out.marketplaceItems, total: page.value.total ?? null, discrepancies: out.discrepancies },
      });
    }
    const corrected = await corrections.finish();
    if (!corrected.ok) return corrected;
    // The corrections can be done before Shopify's side is (every listed SKU already read): the run
    // still ends with it, so its failure is reported and every desired value is refreshed.
    const shopify = await shopifySide;
    if (!shopify.ok) return shopify;
    await db.stockReconciliationRun.update({ where: { id: runId }, data: { discrepancies: out.discrepancies } });
    await flagUnlisted(db, shop, [...seen]);
  } finally {
    // However the run ends, no lane may go on writing after it: Shopify's side stops at its next
    // chunk, corrections after their current batch, and a page already requested is let land.
    stop.requested = true;
    await Promise.allSettled([shopifySide, listing.stop(), corrections.finish()]);
  }

  const pending = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "PublishedStock" WHERE "shop" = ${shop} AND "desiredQuantity" IS NOT NULL
      AND "desiredQuantity" IS DISTINCT FROM "shownQuantity" AND NOT "blocked"`;
  out.pending = Number(pending[0]?.n ?? 0);
  return ok(out);
}

/** Listed pages fetched ahead of the one being recorded (a page of 1,000 is about 0.3 MB here). */
const LIST_PAGES_AHEAD = 3;

/**
 * Fetches the marketplace's stock list page after page, each request sent as soon as the previous
 * page has landed, up to LIST_PAGES_AHEAD pages ahead of the recording: the budget, not the
 * database work on a page, sets the listing's pace. A page is as old as its request (a push made
 * after the request may or may not show in it). Stops at the last page, an error, or when asked.
 */
function listingLane(
  marketplace: MarketplaceGateway,
  clock: ReconcileDeps["clock"],
  stop: { requested: boolean },
): {
  /** The next page in order, or null after the last one. */
  next(): Promise<{ page: Result<Page<MarketplaceStockLevel>, MarketplaceError>; requestedAt: Date } | null>;
  /** Resolves once no request is in flight any more. */
  stop(): Promise<void>;
} {
  const buffer: { page: Result<Page<MarketplaceStockLevel>, MarketplaceError>; requestedAt: Date }[] = [];
  let done = false;
  // Resolvers of whoever waits (an object, so the closures below see the current ones).
  const wake: { reader: () => void; fetcher: () => void } = { reader: () => {}, fetcher: () => {} };
  const fetcher = (async () => {
    let cursor: string | undefined;
    try {
      for (;;) {
        while (buffer.length >= LIST_PAGES_AHEAD && !stop.requested) await new Promise<void>((resolve) => (wake.fetcher = resolve));
        if (stop.requested) return;
        const requestedAt = clock.now();
        const page = await marketplace.listStock({ cursor, limit: LIST_PAGE_SIZE });
        buffer.push({ page, requestedAt });
        wake.reader();
        if (!page.ok || !page.value.nextCursor) return;
        cursor = page.value.nextCursor;
      }
    } finally {
      done = true;
      wake.reader();
    }
  })();
  // A rejection (a database error in the budget) reaches the reader through next().
  fetcher.catch(() => {});
  return {
    async next() {
      for (;;) {
        const first = buffer.shift();
        if (first) {
          wake.fetcher();
          return first;
        }
        if (done) {
          await fetcher;
          return null;
        }
        await new Promise<void>((resolve) => (wake.reader = resolve));
      }
    },
    async stop() {
      wake.fetcher();
      await fetcher.catch(() => {});
    },
  };
}

/**
 * Corrects listed SKUs in batches, beside both reads: a SKU is ready once it has been listed and
 * Shopify's side has refreshed its desired value in this run (or has finished). Ready SKUs that
 * differ are recorded as discrepancies and pushed while the adapter still knows their product ids
 * from the listing. What fails is left to the pusher's retries, and massive drift to the pusher
 * after PAGE_PUSH_MAX_MS a batch.
 */
function correctionLane(
  deps: ReconcileDeps,
  shop: string,
  runId: string,
  out: ReconcileOutcome,
  stop: { requested: boolean },
): {
  /** Listed SKUs (their shown value just recorded). */
  add(skus: readonly string[]): void;
  /** SKUs whose desired value Shopify's side has just recorded. */
  refreshed(skus: readonly string[]): void;
  follow(shopifySide: Promise<Result<void, ReconcileError>>): void;
  finish(): Promise<Result<void, ReconcileError>>;
} {
  let listed: string[] = [];
  const fresh = new Set<string>();
  // Set by follow()'s callbacks (an object, so the loop below reads the current values).
  const side: { result: Result<void, ReconcileError> | null; threw: { error: unknown } | null } = { result: null, threw: null };
  let listingDone = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };
  const take = (): string[] => {
    if (side.result?.ok) return listed.splice(0);
    const ready: string[] = [];
    const waiting: string[] = [];
    for (const sku of listed) (fresh.has(sku) ? ready : waiting).push(sku);
    listed = waiting;
    return ready;
  };
  const lane = (async (): Promise<Result<void, ReconcileError>> => {
    for (;;) {
      if (side.threw) throw side.threw.error;
      if (side.result && !side.result.ok) return side.result;
      if (stop.requested) return ok(undefined);
      const batch = take();
      if (batch.length === 0) {
        if (listingDone && (side.result?.ok || listed.length === 0)) return ok(undefined);
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const found = await recordDiscrepancies(deps.db, shop, runId, batch, deps.clock.now());
      out.discrepancies += found.recorded;
      if (found.differing.length === 0) continue;
      const pushed = await pushStockLevels(
        { db: deps.db, marketplace: deps.marketplace, clock: deps.clock },
        shop,
        { onlySkus: found.differing, maxDurationMs: PAGE_PUSH_MAX_MS },
      );
      out.corrected += pushed.pushed;
    }
  })();
  // A rejection (a database error) is handled where finish() is awaited.
  lane.catch(() => {});
  return {
    add(skus) {
      for (const sku of skus) listed.push(sku);
      poke();
    },
    refreshed(skus) {
      for (const sku of skus) fresh.add(sku);
      poke();
    },
    follow(shopifySide) {
      shopifySide.then(
        (r) => {
          side.result = r;
          fresh.clear();
          poke();
        },
        (error: unknown) => {
          side.threw = { error };
          poke();
        },
      );
    },
    finish() {
      listingDone = true;
      poke();
      return lane;
    },
  };
}

/**
 * Flags the part numbers we map that the marketplace no longer lists. Only rows whose flag changes
 * are written: rewriting 50,000 unchanged rows took seconds at the end of every run.
 */
async function flagUnlisted(db: Db, shop: string, listed: string[]): Promise<void> {
  await db.$executeRaw`
    UPDATE "SkuMapping" SET "marketplaceKnown" = ("marketplaceSku" = ANY(${listed}::text[]))
    WHERE "shop" = ${shop} AND "marketplaceKnown" IS DISTINCT FROM ("marketplaceSku" = ANY(${listed}::text[]))`;
}

/**
 * Refreshes every mapped SKU's desired quantity from a Shopify bulk read (version-guarded, so a
 * webhook-driven reading newer than this snapshot keeps winning). Stops early when asked.
 */
async function readShopifySide(
  deps: ReconcileDeps,
  shop: string,
  settings: Awaited<ReturnType<typeof getStockSettings>>,
  out: ReconcileOutcome,
  stop: { requested: boolean },
  onRecorded: (skus: readonly string[]) => void,
): Promise<Result<void, ReconcileError>> {
  const { db } = deps;
  for await (const chunk of deps.shopify.readAllLevels(settings.publishedLocationIds)) {
    if (stop.requested) return ok(undefined);
    if (!chunk.ok) return err({ kind: "shopify", error: chunk.error });
    const readAt = deps.clock.now();
    const byItem = new Map(chunk.value.map((i) => [i.inventoryItemGid, i]));
    const mappings = await mappingsForItems(db, shop, [...byItem.keys()]);
    const readings = mappings.map((m) => toReading(m, byItem.get(m.inventoryItemGid), settings, readAt, readAt));
    await recordDesired(db, shop, readings);
    onRecorded(mappings.map((m) => m.marketplaceSku));
    out.shopifyItems += chunk.value.length;
  }
  return ok(undefined);
}

/**
 * Takes a listed page as the truth about what the marketplace shows, except for SKUs we pushed
 * (or are pushing) after the page was read. Returns the part numbers whose shown value it set:
 * only those can be compared with what we want published.
 */
async function recordListing(
  db: Db,
  shop: string,
  items: readonly { sku: string; quantity: number }[],
  pageReadAt: Date,
): Promise<string[]> {
  // A mapped SKU the pusher has not met yet gets its row here (its desired value may still be on
  // its way from Shopify's side of the run). Only changed values are written: an hourly run over
  // 50,000 products would otherwise rewrite 50,000 rows to say nothing new.
  const rows = await db.$queryRaw<{ sku: string }[]>`
    WITH eligible AS (
      SELECT l.sku, l.qty, m."inventoryItemGid", p."marketplaceSku" IS NOT NULL AS "hasRow", p."shownQuantity" AS shown
      FROM unnest(${items.map((i) => i.sku)}::text[], ${items.map((i) => i.quantity)}::int[]) AS l(sku, qty)
      JOIN "SkuMapping" m ON m."shop" = ${shop} AND m."marketplaceSku" = l.sku
        AND m."variantGid" IS NOT NULL AND m."inventoryItemGid" IS NOT NULL
      LEFT JOIN "PublishedStock" p ON p."shop" = ${shop} AND p."marketplaceSku" = l.sku
      WHERE p."marketplaceSku" IS NULL
         OR ((p."lastPushedAt" IS NULL OR p."lastPushedAt" < ${pageReadAt})
             AND (p."claimedUntil" IS NULL OR p."claimedUntil" < ${pageReadAt}))
    ), written AS (
      INSERT INTO "PublishedStock" AS p ("shop", "marketplaceSku", "inventoryItemGid", "shownQuantity")
      SELECT ${shop}, e.sku, e."inventoryItemGid", e.qty FROM eligible e
      WHERE NOT e."hasRow" OR e.shown IS DISTINCT FROM e.qty
      ON CONFLICT ("shop", "marketplaceSku") DO UPDATE SET "shownQuantity" = EXCLUDED."shownQuantity"
      WHERE (p."lastPushedAt" IS NULL OR p."lastPushedAt" < ${pageReadAt})
        AND (p."claimedUntil" IS NULL OR p."claimedUntil" < ${pageReadAt})
    )
    SELECT sku FROM eligible`;
  return rows.map((r) => r.sku);
}

/**
 * Finds which of these SKUs show (as just listed) something else than we want published, and
 * records a discrepancy for each unless one is already open. Returns those SKUs and how many
 * discrepancies are new.
 */
async function recordDiscrepancies(
  db: Db,
  shop: string,
  runId: string,
  skus: readonly string[],
  at: Date,
): Promise<{ differing: string[]; recorded: number }> {
  const rows = await db.$queryRaw<{ sku: string; recorded: boolean }[]>`
    WITH differing AS (
      SELECT p."marketplaceSku", p."desiredQuantity", p."shownQuantity"
      FROM "PublishedStock" p
      WHERE p."shop" = ${shop} AND p."marketplaceSku" = ANY(${skus}::text[])
        AND p."desiredQuantity" IS NOT NULL AND p."shownQuantity" IS NOT NULL
        AND p."desiredQuantity" <> p."shownQuantity"
    ), inserted AS (
      INSERT INTO "StockDiscrepancy" ("id", "shop", "marketplaceSku", "runId", "expectedQuantity", "marketplaceQuantity", "detectedAt")
      SELECT gen_random_uuid()::text, ${shop}, d."marketplaceSku", ${runId}, d."desiredQuantity", d."shownQuantity", ${at}
      FROM differing d
      WHERE NOT EXISTS (
        SELECT 1 FROM "StockDiscrepancy" o
        WHERE o."shop" = ${shop} AND o."marketplaceSku" = d."marketplaceSku" AND o."resolvedAt" IS NULL
      )
      RETURNING "marketplaceSku"
    )
    SELECT d."marketplaceSku" AS sku, EXISTS (SELECT 1 FROM inserted i WHERE i."marketplaceSku" = d."marketplaceSku") AS recorded
    FROM differing d`;
  return { differing: rows.map((r) => r.sku), recorded: rows.filter((r) => r.recorded).length };
}

/**
 * Keeps a mapping row for every marketplace product, so the mapping page can list the unmapped
 * ones. An unchanged row is rewritten at most daily (its lastSeenAt is to the day).
 */
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
      "lastSeenAt" = EXCLUDED."lastSeenAt"
    WHERE "SkuMapping"."lastSeenAt" IS NULL
       OR "SkuMapping"."lastSeenAt" < ${at}::timestamp(3) - interval '1 day'
       OR COALESCE(EXCLUDED."title", "SkuMapping"."title") IS DISTINCT FROM "SkuMapping"."title"
       OR EXCLUDED."alternateSkus" IS DISTINCT FROM "SkuMapping"."alternateSkus"`;
}
