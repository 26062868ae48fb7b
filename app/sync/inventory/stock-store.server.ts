/**
 * Persistence of the stock flow: the refresh queue of changed inventory items, the desired and
 * shown quantity per marketplace SKU, claims for pushing, push samples and discrepancies. Bulk
 * statements use arrays (unnest) so one refresh or one reconciliation page is a few round trips,
 * not one per SKU.
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import { NEAR_ZERO, MAX_WAIT_MS } from "./push-planner";

export type Db = PrismaClient;

export interface StockSettingsView {
  publishedLocationIds: string[];
  globalBuffer: number;
}

export async function getStockSettings(db: Db, shop: string): Promise<StockSettingsView> {
  const row = await db.stockSettings.findUnique({ where: { shop } });
  return { publishedLocationIds: row?.publishedLocationIds ?? [], globalBuffer: row?.globalBuffer ?? 0 };
}

/**
 * Remembers that these items changed; the earliest unread change keeps its time. `urgent` (the
 * webhook showed a level at or near zero) moves the items to the front of the next read.
 */
export async function markItemsDirty(
  db: Db,
  shop: string,
  itemGids: readonly string[],
  at: Date,
  urgent = false,
): Promise<void> {
  if (itemGids.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "StockDirtyItem" ("shop", "inventoryItemGid", "dirtiedAt", "urgent")
    SELECT ${shop}, g, ${at}, ${urgent} FROM unnest(${[...itemGids]}::text[]) AS g
    ON CONFLICT ("shop", "inventoryItemGid") DO UPDATE SET "urgent" = "StockDirtyItem"."urgent" OR EXCLUDED."urgent"`;
}

/** Removes and returns up to `limit` changed items (oldest first); concurrent callers get disjoint sets. */
export async function takeDirtyItems(
  db: Db,
  shop: string,
  limit: number,
): Promise<{ inventoryItemGid: string; dirtiedAt: Date }[]> {
  return db.$queryRaw<{ inventoryItemGid: string; dirtiedAt: Date }[]>`
    DELETE FROM "StockDirtyItem" d
    USING (
      SELECT "inventoryItemGid" FROM "StockDirtyItem" WHERE "shop" = ${shop}
      ORDER BY "urgent" DESC, "dirtiedAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ) picked
    WHERE d."shop" = ${shop} AND d."inventoryItemGid" = picked."inventoryItemGid"
    RETURNING d."inventoryItemGid", d."dirtiedAt"`;
}

export interface MappedItem {
  marketplaceSku: string;
  inventoryItemGid: string;
  bufferOverride: number | null;
}

/** The mapped SKUs of these inventory items (one raw query: called with up to 1,000 items a time). */
export async function mappingsForItems(db: Db, shop: string, itemGids: readonly string[]): Promise<MappedItem[]> {
  if (itemGids.length === 0) return [];
  return db.$queryRaw<MappedItem[]>`
    SELECT "marketplaceSku", "inventoryItemGid", "bufferOverride" FROM "SkuMapping"
    WHERE "shop" = ${shop} AND "variantGid" IS NOT NULL AND "inventoryItemGid" = ANY(${[...itemGids]}::text[])`;
}

/** One computed quantity with the version of the Shopify reading it came from. */
export interface DesiredReading {
  marketplaceSku: string;
  inventoryItemGid: string;
  /** null: not publishable (untracked, no published location). */
  quantity: number | null;
  sourceAt: Date;
  readAt: Date;
  /** When the change became known (webhook receipt, or the read for reconciliation). */
  changedAt: Date;
}

/**
 * Stores desired quantities, each only if its version is newer than the stored one, so a late or
 * reordered reading never overwrites a newer one. A changed value resets retries and unblocks.
 * Returns how many SKUs now differ from what the marketplace shows.
 */
export async function recordDesired(db: Db, shop: string, readings: readonly DesiredReading[]): Promise<number> {
  if (readings.length === 0) return 0;
  // Rows whose value and version source are unchanged are not rewritten: a reconciliation over
  // 50,000 SKUs would otherwise rewrite 50,000 rows an hour to say nothing new (and slow itself
  // down doing it). They still count when they differ from what the marketplace shows.
  const rows = await db.$queryRaw<{ n: number }[]>`
    WITH r AS (
      SELECT * FROM unnest(
        ${readings.map((r) => r.marketplaceSku)}::text[],
        ${readings.map((r) => r.inventoryItemGid)}::text[],
        ${readings.map((r) => r.quantity)}::int[],
        ${readings.map((r) => r.sourceAt)}::timestamp(3)[],
        ${readings.map((r) => r.readAt)}::timestamp(3)[],
        ${readings.map((r) => r.changedAt)}::timestamp(3)[]
      ) AS r(sku, item, qty, src, rd, chg)
    ), written AS (
      INSERT INTO "PublishedStock" AS p
        ("shop", "marketplaceSku", "inventoryItemGid", "desiredQuantity", "desiredSourceAt", "desiredReadAt", "desiredChangedAt")
      SELECT ${shop}, r.sku, r.item, r.qty, r.src, r.rd, r.chg FROM r
      ON CONFLICT ("shop", "marketplaceSku") DO UPDATE SET
        "inventoryItemGid" = EXCLUDED."inventoryItemGid",
        "desiredQuantity" = EXCLUDED."desiredQuantity",
        "desiredSourceAt" = EXCLUDED."desiredSourceAt",
        "desiredReadAt" = EXCLUDED."desiredReadAt",
        "desiredChangedAt" = CASE WHEN p."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity"
          THEN EXCLUDED."desiredChangedAt" ELSE p."desiredChangedAt" END,
        "blocked" = CASE WHEN p."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity" THEN false ELSE p."blocked" END,
        "attempts" = CASE WHEN p."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity" THEN 0 ELSE p."attempts" END,
        "nextAttemptAt" = CASE WHEN p."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity" THEN NULL ELSE p."nextAttemptAt" END
      WHERE (p."desiredSourceAt" IS NULL
          OR (EXCLUDED."desiredSourceAt", EXCLUDED."desiredReadAt") >= (p."desiredSourceAt", p."desiredReadAt"))
        AND (p."desiredQuantity" IS DISTINCT FROM EXCLUDED."desiredQuantity"
          OR p."desiredSourceAt" IS DISTINCT FROM EXCLUDED."desiredSourceAt"
          OR p."inventoryItemGid" IS DISTINCT FROM EXCLUDED."inventoryItemGid")
      RETURNING p."marketplaceSku" AS sku, (p."desiredQuantity" IS NOT NULL AND p."desiredQuantity" IS DISTINCT FROM p."shownQuantity") AS pending
    ), unchanged AS (
      SELECT p."marketplaceSku" AS sku,
        (p."desiredQuantity" IS NOT NULL AND p."desiredQuantity" IS DISTINCT FROM p."shownQuantity") AS pending
      FROM r JOIN "PublishedStock" p ON p."shop" = ${shop} AND p."marketplaceSku" = r.sku
      WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.sku = r.sku)
        AND p."desiredQuantity" IS NOT DISTINCT FROM r.qty
    )
    SELECT (SELECT count(*) FROM written WHERE pending) + (SELECT count(*) FROM unchanged WHERE pending) AS n`;
  return Number(rows[0]?.n ?? 0);
}

/**
 * Claimable only once its value is settled: a SKU whose inventory item has an unread change (a
 * StockDirtyItem row) holds a value we already know is stale, and pushing it would cost a request
 * that the coming read makes worthless (in a sale rush, about one wasted push in six). Sell-outs
 * still go at once (a stale zero errs on the safe side) and so does work overdue, so a SKU that
 * never stops changing is not starved. Used inside a query on "PublishedStock".
 */
function settledOrUrgent(overdueBefore: Date) {
  return Prisma.sql`(
    ("desiredQuantity" = 0 AND ("shownQuantity" IS NULL OR "shownQuantity" > 0))
    OR "desiredChangedAt" <= ${overdueBefore}
    OR NOT EXISTS (
      SELECT 1 FROM "StockDirtyItem" d
      WHERE d."shop" = "PublishedStock"."shop" AND d."inventoryItemGid" = "PublishedStock"."inventoryItemGid"
    ))`;
}

/** A SKU claimed for pushing, with the value to push as it was when claimed. */
export interface ClaimedPush {
  marketplaceSku: string;
  desired: number;
  shown: number | null;
  changedAt: Date;
  attempts: number;
}

/**
 * Claims the next SKUs to push, in oversell-risk order (the SQL mirrors `comparePending` in
 * push-planner.ts; an integration test checks they agree). A claim is a lease: a pusher that dies
 * releases it by expiry.
 */
export async function claimPending(
  db: Db,
  shop: string,
  now: Date,
  limit: number,
  leaseMs: number,
  /** Only these SKUs (a reconciliation pushing the page it just compared), else any. */
  onlySkus: readonly string[] | null = null,
): Promise<ClaimedPush[]> {
  const overdueBefore = new Date(now.getTime() - MAX_WAIT_MS);
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db.$queryRaw<ClaimedPush[]>`
    WITH next AS (
      SELECT "marketplaceSku" FROM "PublishedStock"
      WHERE "shop" = ${shop}
        AND "desiredQuantity" IS NOT NULL
        AND "desiredQuantity" IS DISTINCT FROM "shownQuantity"
        AND NOT "blocked"
        AND ("claimedUntil" IS NULL OR "claimedUntil" < ${now})
        AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
        AND (${onlySkus === null} OR "marketplaceSku" = ANY(${onlySkus ?? []}::text[]))
        AND ${settledOrUrgent(overdueBefore)}
      ORDER BY
        (CASE
          WHEN "shownQuantity" IS NULL THEN "desiredQuantity" = 0
          ELSE "desiredQuantity" = 0 AND "shownQuantity" > 0
        END) DESC,
        ("desiredChangedAt" <= ${overdueBefore}) DESC,
        CASE WHEN "desiredChangedAt" <= ${overdueBefore} THEN "desiredChangedAt" END ASC,
        CASE
          WHEN "shownQuantity" IS NULL THEN CASE WHEN "desiredQuantity" = 0 THEN 0 ELSE 3 END
          WHEN "desiredQuantity" >= "shownQuantity" THEN 4
          WHEN "desiredQuantity" = 0 THEN 0
          WHEN "desiredQuantity" <= ${NEAR_ZERO} THEN 1
          ELSE 2
        END,
        "desiredChangedAt" ASC
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "PublishedStock" p SET "claimedUntil" = ${leaseUntil}
    FROM next WHERE p."shop" = ${shop} AND p."marketplaceSku" = next."marketplaceSku"
    RETURNING p."marketplaceSku", p."desiredQuantity" AS desired, p."shownQuantity" AS shown,
      p."desiredChangedAt" AS "changedAt", p."attempts"`;
}

/** The marketplace accepted `quantity`: it is what it shows now. Open discrepancies close. */
export async function completePush(
  db: Db,
  shop: string,
  claim: ClaimedPush,
  at: Date,
): Promise<void> {
  await db.$transaction([
    db.publishedStock.update({
      where: { shop_marketplaceSku: { shop, marketplaceSku: claim.marketplaceSku } },
      data: {
        shownQuantity: claim.desired,
        lastPushedQuantity: claim.desired,
        lastPushedAt: at,
        claimedUntil: null,
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
      },
    }),
    db.stockPushSample.create({
      data: {
        shop,
        marketplaceSku: claim.marketplaceSku,
        at,
        latencyMs: Math.max(0, at.getTime() - claim.changedAt.getTime()),
        ok: true,
      },
    }),
    db.stockDiscrepancy.updateMany({
      where: { shop, marketplaceSku: claim.marketplaceSku, resolvedAt: null },
      data: { resolvedAt: at },
    }),
  ]);
}

/** The push failed: retry after `retryAt`, or block the SKU until its value changes. */
export async function failPush(
  db: Db,
  shop: string,
  claim: ClaimedPush,
  outcome: { retryAt: Date | null; message: string; countAttempt: boolean },
): Promise<void> {
  await db.publishedStock.update({
    where: { shop_marketplaceSku: { shop, marketplaceSku: claim.marketplaceSku } },
    data: {
      claimedUntil: null,
      attempts: outcome.countAttempt ? { increment: 1 } : undefined,
      nextAttemptAt: outcome.retryAt,
      blocked: outcome.retryAt == null,
      lastError: outcome.message,
    },
  });
}

/** Earliest time a waiting retry becomes due, for scheduling the next push run. */
export async function nextRetryAt(db: Db, shop: string, now: Date): Promise<Date | null> {
  const row = await db.publishedStock.findFirst({
    where: { shop, blocked: false, nextAttemptAt: { gt: now }, desiredQuantity: { not: null } },
    orderBy: { nextAttemptAt: "asc" },
    select: { nextAttemptAt: true },
  });
  return row?.nextAttemptAt ?? null;
}

/** SKUs that could be pushed right now (pending, not claimed, not waiting for a retry, not blocked). */
export async function countDue(db: Db, shop: string, now: Date): Promise<number> {
  const rows = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM "PublishedStock"
    WHERE "shop" = ${shop} AND "desiredQuantity" IS NOT NULL AND "desiredQuantity" IS DISTINCT FROM "shownQuantity"
      AND NOT "blocked" AND ("claimedUntil" IS NULL OR "claimedUntil" < ${now})
      AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
      AND ${settledOrUrgent(new Date(now.getTime() - MAX_WAIT_MS))}`;
  return Number(rows[0]?.n ?? 0);
}
