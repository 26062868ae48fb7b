/**
 * The stock flow's jobs, independent of the queue engine: each takes the shop's ports from a
 * runtime and returns what to schedule next. app/jobs/tasks/inventory.ts registers them.
 */
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import { err, ok, type Result } from "../../lib/result";
import { enqueuePush, enqueueRefresh } from "./handle-inventory-webhook.server";
import type { Clock, EnqueueStockJob, InventoryReader } from "./ports";
import { marketplaceHeldUntil, pushStockLevels } from "./push-stock-levels.server";
import { reconcileStock, RUN_PRESUMED_DEAD_MS, startReconciliationRun, type ReconciliationTrigger } from "./reconcile-stock.server";
import { refreshStockLevels } from "./refresh-stock-levels.server";
import type { Db } from "./stock-store.server";

export type StockJobError =
  | { kind: "not-connected"; retryable: false; message: string }
  | { kind: "shopify"; retryable: boolean; message: string }
  | { kind: "reconcile-failed"; retryable: boolean; message: string };

/** Resolves a shop's ports; the worker keeps one gateway per connection so its caches live. */
export interface StockRuntime {
  shopify(shop: string): Promise<Result<InventoryReader, StockJobError>>;
  marketplace(shop: string): Promise<Result<MarketplaceGateway, StockJobError>>;
  /**
   * Makes sure the shop's gateway knows every product's id before pushing (one list page per
   * 1,000 products instead of a look-up request per SKU); a no-op once done for this gateway.
   */
  warm?(shop: string): Promise<void>;
  /** The gateway was just warmed by listing everything (a reconciliation). */
  noteWarm?(shop: string): Promise<void>;
}

export interface StockJobContext {
  db: Db;
  clock: Clock;
  enqueue: EnqueueStockJob;
  runtime: StockRuntime;
}

/** How long one push job may run before handing over to a fresh job (so shutdowns stay quick). */
export const PUSH_SLICE_MS = 60_000;

export async function runRefreshJob(ctx: StockJobContext, shop: string): Promise<Result<void, StockJobError>> {
  const shopify = await ctx.runtime.shopify(shop);
  if (!shopify.ok) return shopify;
  const outcome = await refreshStockLevels({ db: ctx.db, shopify: shopify.value, clock: ctx.clock }, shop, () => enqueuePush(ctx.enqueue, shop));
  if (!outcome.ok) {
    const e = outcome.error;
    return err({ kind: "shopify", retryable: e.retryable, message: e.kind === "throttled" ? "Shopify throttled the read." : e.message });
  }
  return ok(undefined);
}

export async function runPushJob(ctx: StockJobContext, shop: string, signal?: AbortSignal): Promise<Result<void, StockJobError>> {
  const marketplace = await ctx.runtime.marketplace(shop);
  if (!marketplace.ok) return marketplace;
  // While the marketplace is down (pushes held for a probe), listing the catalogue would only fail.
  if (!marketplaceHeldUntil(marketplace.value, ctx.clock.now())) await ctx.runtime.warm?.(shop);
  const run = await pushStockLevels(
    { db: ctx.db, marketplace: marketplace.value, clock: ctx.clock },
    shop,
    { maxDurationMs: PUSH_SLICE_MS, signal },
  );
  if (run.outageUntil) await enqueuePush(ctx.enqueue, shop, run.outageUntil);
  else if (run.remaining > 0) await enqueuePush(ctx.enqueue, shop);
  else if (run.retryAt) await enqueuePush(ctx.enqueue, shop, run.retryAt);
  return ok(undefined);
}

export async function runReconcileJob(
  ctx: StockJobContext,
  input: { shop: string; runId?: string; trigger: ReconciliationTrigger },
): Promise<Result<{ runId: string }, StockJobError>> {
  const [shopify, marketplace] = await Promise.all([ctx.runtime.shopify(input.shop), ctx.runtime.marketplace(input.shop)]);
  if (!shopify.ok) return shopify;
  if (!marketplace.ok) return marketplace;
  const runId = input.runId ?? (await startReconciliationRun(ctx.db, input.shop, input.trigger));
  const outcome = await reconcileStock({ db: ctx.db, shopify: shopify.value, marketplace: marketplace.value, clock: ctx.clock }, input.shop, runId);
  if (!outcome.ok) {
    const e = outcome.error;
    const retryable = e.kind === "no-locations" ? false : e.error.retryable;
    return err({ kind: "reconcile-failed", retryable, message: e.kind === "no-locations" ? e.message : `${e.kind}: ${e.error.kind}` });
  }
  await ctx.runtime.noteWarm?.(input.shop);
  await enqueuePush(ctx.enqueue, input.shop);
  // Webhooks that arrived while the bulk snapshot was taken are still queued for a read.
  await enqueueRefresh(ctx.enqueue, input.shop);
  return ok({ runId });
}

/** The hourly fan-out: one reconciliation per shop that publishes stock. */
export async function runReconcileAllJob(ctx: StockJobContext): Promise<void> {
  const shops = await ctx.db.stockSettings.findMany({ where: { NOT: { publishedLocationIds: { isEmpty: true } } }, select: { shop: true } });
  for (const { shop } of shops) {
    await ctx.enqueue("inventory.reconcile", { shop, trigger: "schedule" }, { jobKey: `inventory.reconcile:${shop}`, queueName: `inventory-reconcile:${shop}` });
  }
}

/** "Check now": starts a run row at once so the page can show progress from the first second. */
export async function requestReconciliation(ctx: Pick<StockJobContext, "db" | "enqueue">, shop: string): Promise<string> {
  // A run that has not finished within half an hour died with its worker; start a new one.
  const running = await ctx.db.stockReconciliationRun.findFirst({
    where: { shop, status: "running", startedAt: { gt: new Date(Date.now() - RUN_PRESUMED_DEAD_MS) } },
    orderBy: { startedAt: "desc" },
  });
  if (running) return running.id;
  const runId = await startReconciliationRun(ctx.db, shop, "manual");
  await ctx.enqueue("inventory.reconcile", { shop, runId, trigger: "manual" }, { jobKey: `inventory.reconcile:${shop}`, queueName: `inventory-reconcile:${shop}` });
  return runId;
}
