import type { FlowDeps } from "./ports";
import { recordFulfillment } from "./record-fulfillment.server";

/** A parcel fulfilled this long ago and still not confirmed is shown as stuck. */
export const STUCK_AFTER_MINUTES = 15;

export interface StuckCheckReport {
  shops: number;
  newlyStuck: number;
  requeued: number;
  /** Fulfillments found in Shopify that no webhook had told us about (lost deliveries). */
  recovered: number;
  errors: string[];
}

/**
 * The scheduled "nothing stuck" check. Per shop:
 * 1. Parcels still pending after STUCK_AFTER_MINUTES are flagged (`stuckSince`) and queued again:
 *    their job may have run out of attempts or been lost.
 * 2. Lost webhooks: for recent marketplace orders, Shopify's fulfillments are read and any we never
 *    recorded go through the same path as the webhook (Shopify does not guarantee delivery).
 * Rejected parcels need no action here: they already show on the dispatches page with a retry.
 */
export async function checkStuckDispatches(
  deps: FlowDeps,
  options: { stuckAfterMinutes?: number; lookbackDays?: number; maxOrdersPerShop?: number } = {},
): Promise<StuckCheckReport> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - (options.stuckAfterMinutes ?? STUCK_AFTER_MINUTES) * 60_000);
  const report: StuckCheckReport = { shops: 0, newlyStuck: 0, requeued: 0, recovered: 0, errors: [] };

  const pending = await deps.db.dispatch.findMany({ where: { status: "pending", createdAt: { lt: cutoff } }, select: { id: true, shop: true, stuckSince: true } });
  for (const d of pending) {
    await deps.db.$transaction(async (tx) => {
      if (!d.stuckSince) {
        await tx.dispatch.update({ where: { id: d.id }, data: { stuckSince: now } });
        report.newlyStuck++;
      }
      await deps.enqueue(tx, { task: "fulfillment.dispatch", payload: { shop: d.shop, dispatchId: d.id } });
      report.requeued++;
    });
  }

  // Orders created in Shopify recently that are not fully confirmed yet: read their fulfillments.
  const since = new Date(now.getTime() - (options.lookbackDays ?? 14) * 24 * 3600_000);
  const orders = await deps.db.orderRecord.findMany({
    where: { shopifyOrderGid: { not: null }, createdInShopifyAt: { gte: since, lt: cutoff }, marketplaceStatus: { notIn: ["dispatched", "cancelled", "closed", "returned"] } },
    select: { shop: true, shopifyOrderGid: true, lineCount: true },
    orderBy: { createdInShopifyAt: "desc" },
  });
  const byShop = new Map<string, string[]>();
  for (const o of orders) if (o.shopifyOrderGid) byShop.set(o.shop, [...(byShop.get(o.shop) ?? []), o.shopifyOrderGid]);
  report.shops = new Set([...pending.map((p) => p.shop), ...byShop.keys()]).size;
  for (const [shop, gids] of byShop) {
    const shopify = await deps.shopify(shop);
    if (!shopify.ok) {
      report.errors.push(`${shop}: ${shopify.error.message}`);
      continue;
    }
    for (const orderGid of gids.slice(0, options.maxOrdersPerShop ?? 200)) {
      const known = await deps.db.dispatch.findMany({ where: { shop, shopifyOrderGid: orderGid }, select: { fulfillmentGid: true } });
      const state = await shopify.value.orderState(orderGid);
      if (!state.ok) {
        report.errors.push(`${shop} ${orderGid}: ${state.error.message}`);
        if (state.error.retryable) break;
        continue;
      }
      const seen = new Set(known.map((k) => k.fulfillmentGid));
      for (const f of state.value.fulfillments) {
        if (seen.has(f.fulfillmentGid) || f.status !== "SUCCESS") continue;
        const recorded = await recordFulfillment(deps, shop, {
          fulfillmentGid: f.fulfillmentGid,
          orderGid,
          status: "success",
          trackingCompany: f.company,
          trackingNumbers: f.number ? [f.number] : [],
          trackingUrls: f.url ? [f.url] : [],
          lines: f.lines,
          createdAt: f.createdAt,
        });
        if (recorded.ok && recorded.value.outcome === "recorded") report.recovered++;
      }
    }
  }
  return report;
}
