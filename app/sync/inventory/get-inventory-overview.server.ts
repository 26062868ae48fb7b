/**
 * What the inventory page shows: published stock per SKU with its last push, open discrepancies
 * and their age, the current or latest reconciliation (for the progress bar and its summary),
 * settings, and per-hour figures of the last day for the chart: push latency (p50/p95) and
 * marketplace requests per minute used by stock pushes against the account's limit.
 */
import type { StockReconciliationRun } from "@prisma/client";
import type { Db } from "./stock-store.server";
import { RUN_PRESUMED_DEAD_MS } from "./reconcile-stock.server";

export { RUN_PRESUMED_DEAD_MS };

export interface PublishedRow {
  marketplaceSku: string;
  desired: number | null;
  shown: number | null;
  lastPushedAt: string | null;
  lastError: string | null;
  blocked: boolean;
  waiting: boolean;
}

export interface HourBucket {
  /** Start of the hour, ISO. */
  hour: string;
  pushes: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Busiest minute of the hour: stock requests in it. */
  peakPerMinute: number;
}

export interface InventoryOverview {
  settings: { publishedLocationIds: string[]; globalBuffer: number };
  rows: PublishedRow[];
  page: number;
  pageCount: number;
  pendingCount: number;
  discrepancies: { marketplaceSku: string; expected: number; found: number; detectedAt: string; ageSeconds: number }[];
  /** The latest reconciliation, running or finished; null before the first check. */
  run: ReconciliationRunView | null;
  hours: HourBucket[];
}

/**
 * "interrupted": still marked running long after any run finishes (50,000 SKUs take under a
 * minute), so its worker died; the page stops waiting for it.
 */
export type RunStatus = "running" | "completed" | "failed" | "interrupted";

export interface ReconciliationRunView {
  id: string;
  status: RunStatus;
  /** What started the run, in the merchant's words ("Scheduled check", "Check now", "First sync"). */
  triggerLabel: string;
  /** Marketplace products compared so far. */
  checked: number;
  /**
   * Products to compare: the count the marketplace reported, else (while running) how many it
   * listed at earlier checks; null when neither is known yet.
   */
  total: number | null;
  /** Differences this run found. */
  discrepancies: number;
  /** Of those: put right on the marketplace since, and still open. */
  corrected: number;
  pending: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}


const TRIGGER_LABELS: Record<string, string> = {
  schedule: "Scheduled check",
  manual: "Check now",
  onboarding: "First sync",
  bench: "Benchmark",
};

/** The merchant's words for what started a run; an unknown value (a newer writer) reads as a check. */
export function triggerLabel(trigger: string): string {
  return TRIGGER_LABELS[trigger] ?? "Stock check";
}

const PAGE_SIZE = 50;

export async function getInventoryOverview(db: Db, shop: string, now: Date, page: number, search: string): Promise<InventoryOverview> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const where = { shop, ...(search ? { marketplaceSku: { contains: search } } : {}) };
  const [settings, total, rows, pending, open, run, hours] = await Promise.all([
    db.stockSettings.findUnique({ where: { shop } }),
    db.publishedStock.count({ where }),
    db.publishedStock.findMany({ where, orderBy: { marketplaceSku: "asc" }, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
    db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "PublishedStock" WHERE "shop" = ${shop} AND "desiredQuantity" IS NOT NULL
        AND "desiredQuantity" IS DISTINCT FROM "shownQuantity" AND NOT "blocked"`,
    db.stockDiscrepancy.findMany({ where: { shop, resolvedAt: null }, orderBy: { detectedAt: "asc" }, take: 50 }),
    currentRun(db, shop),
    db.$queryRaw<{ hour: Date; pushes: bigint; p50: number | null; p95: number | null; peak: bigint | null }[]>`
      WITH samples AS (
        SELECT date_trunc('hour', "at") AS hour, date_trunc('minute', "at") AS minute, "latencyMs"
        FROM "StockPushSample" WHERE "shop" = ${shop} AND "at" >= ${dayAgo}
      ), per_minute AS (
        SELECT hour, minute, count(*) AS n FROM samples GROUP BY hour, minute
      )
      SELECT s.hour, count(*) AS pushes,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY s."latencyMs") AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY s."latencyMs") AS p95,
        (SELECT max(n) FROM per_minute m WHERE m.hour = s.hour) AS peak
      FROM samples s GROUP BY s.hour ORDER BY s.hour`,
  ]);
  return {
    settings: { publishedLocationIds: settings?.publishedLocationIds ?? [], globalBuffer: settings?.globalBuffer ?? 0 },
    rows: rows.map((r) => ({
      marketplaceSku: r.marketplaceSku,
      desired: r.desiredQuantity,
      shown: r.shownQuantity,
      lastPushedAt: r.lastPushedAt?.toISOString() ?? null,
      lastError: r.lastError,
      blocked: r.blocked,
      waiting: r.desiredQuantity != null && r.desiredQuantity !== r.shownQuantity && !r.blocked,
    })),
    page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    pendingCount: Number(pending[0]?.n ?? 0),
    discrepancies: open.map((d) => ({
      marketplaceSku: d.marketplaceSku,
      expected: d.expectedQuantity,
      found: d.marketplaceQuantity,
      detectedAt: d.detectedAt.toISOString(),
      ageSeconds: Math.round((now.getTime() - d.detectedAt.getTime()) / 1000),
    })),
    run: run ? await describeRun(db, shop, run, now) : null,
    hours: hours.map((h) => ({
      hour: new Date(h.hour).toISOString(),
      pushes: Number(h.pushes),
      p50Ms: h.p50 == null ? null : Math.round(Number(h.p50)),
      p95Ms: h.p95 == null ? null : Math.round(Number(h.p95)),
      peakPerMinute: Number(h.peak ?? 0),
    })),
  };
}

/**
 * The run to show: the one started last, whatever its state, so "check now" and the schedule
 * always replace what the bar showed. Ties on the start time (milliseconds) fall back to the id so
 * successive loads never flip between two runs.
 */
function currentRun(db: Db, shop: string): Promise<StockReconciliationRun | null> {
  return db.stockReconciliationRun.findFirst({ where: { shop }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] });
}

async function describeRun(db: Db, shop: string, run: StockReconciliationRun, now: Date): Promise<ReconciliationRunView> {
  const status = runStatus(run, now);
  const [open, corrected, previouslyListed] = await Promise.all([
    db.stockDiscrepancy.count({ where: { shop, runId: run.id, resolvedAt: null } }),
    // A discrepancy closes when a push lands the wanted quantity (completePush).
    db.stockDiscrepancy.count({ where: { shop, runId: run.id, resolvedAt: { not: null } } }),
    // Only needed while the marketplace has not said how many products it has.
    status === "running" && run.total == null
      ? db.skuMapping.count({ where: { shop, marketplaceKnown: true, lastSeenAt: { not: null } } })
      : Promise.resolve(0),
  ]);
  const total = run.total ?? (status === "running" ? (previouslyListed > 0 ? Math.max(previouslyListed, run.checked) : null) : run.checked);
  return {
    id: run.id,
    status,
    triggerLabel: triggerLabel(run.trigger),
    checked: run.checked,
    total,
    discrepancies: run.discrepancies,
    corrected,
    pending: open,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
  };
}

function runStatus(run: StockReconciliationRun, now: Date): RunStatus {
  if (run.status === "completed" || run.status === "failed") return run.status;
  return now.getTime() - run.startedAt.getTime() > RUN_PRESUMED_DEAD_MS ? "interrupted" : "running";
}

/** Saves the published locations and global buffer (audited) and re-reads every mapped item. */
export async function updateStockSettings(
  db: Db,
  shop: string,
  actor: string,
  input: { publishedLocationIds: string[]; globalBuffer: number },
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.stockSettings.findUnique({ where: { shop } });
    await tx.stockSettings.upsert({ where: { shop }, create: { shop, ...input }, update: input });
    await tx.auditLog.create({
      data: {
        shop,
        actor,
        action: "stock-settings.update",
        entity: "StockSettings",
        entityId: shop,
        before: before ? { publishedLocationIds: before.publishedLocationIds, globalBuffer: before.globalBuffer } : undefined,
        after: input,
        at: now,
      },
    });
    // Every published quantity depends on these settings: queue all mapped items for a read.
    await tx.$executeRaw`
      INSERT INTO "StockDirtyItem" ("shop", "inventoryItemGid", "dirtiedAt")
      SELECT DISTINCT ${shop}, "inventoryItemGid", ${now}::timestamp(3) FROM "SkuMapping"
      WHERE "shop" = ${shop} AND "inventoryItemGid" IS NOT NULL
      ON CONFLICT ("shop", "inventoryItemGid") DO NOTHING`;
  });
}
