/**
 * The order poll (cron and "sync now"): lists every order with a line awaiting acknowledgement,
 * page by page (a page may be short or empty while another follows), records each under its
 * unique key and queues one import job per order that still needs work, nearest deadline first.
 * It also re-queues orders whose job was lost (stragglers) and orders waiting on a SKU mapping
 * that now exists, so nothing waits for a merchant click it does not need.
 */
import type { Prisma } from "@prisma/client";
import { err, ok, type Result } from "../../lib/result";
import { describeMarketplaceError, type MarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceGateway, MarketplaceOrder } from "../../marketplace/marketplace-gateway";
import { acknowledgeDeadline, byDeadline, importPriority } from "./order-schedule";
import { marketplaceStatusOf, recordActivity, resolveExceptions, type Db } from "./orders-store.server";
import type { Clock, EnqueueOrderImport } from "./ports";

export interface PollOrdersDeps {
  db: Db;
  marketplace: MarketplaceGateway;
  marketplaceId: string;
  clock: Clock;
  enqueue: EnqueueOrderImport;
  pageSize?: number;
}

export interface PollSummary {
  found: number;
  new: number;
  enqueued: number;
}

/** An unfinished order untouched this long has lost its job (or it failed); queue it again. */
export const STRAGGLER_AFTER_MS = 2 * 60_000;

const MAPPING_REASONS = ["unknown-sku", "unmapped-variant", "missing-variant", "archived-variant"];

export async function pollOrders(deps: PollOrdersDeps, shop: string): Promise<Result<PollSummary, MarketplaceError>> {
  const { db } = deps;
  const listed = new Map<string, MarketplaceOrder>();
  let cursor: string | undefined;
  do {
    const page = await deps.marketplace.listOrders({ lineStatus: "awaiting-acknowledgement", cursor, limit: deps.pageSize ?? 100 });
    if (!page.ok) {
      await savePollState(deps, shop, { outcome: "failed", error: describeMarketplaceError(page.error), found: listed.size, created: 0 });
      return err(page.error);
    }
    for (const order of page.value.items) listed.set(order.id, order);
    cursor = page.value.nextCursor;
  } while (cursor);

  const ids = [...listed.keys()];
  const existing = await db.orderRecord.findMany({
    where: { shop, marketplaceId: deps.marketplaceId, marketplaceOrderId: { in: ids } },
    select: { marketplaceOrderId: true, step: true },
  });
  const known = new Map(existing.map((r) => [r.marketplaceOrderId, r.step]));
  const fresh = ids.filter((id) => !known.has(id)).map((id) => listed.get(id) as MarketplaceOrder);
  if (fresh.length > 0) {
    // skipDuplicates: a concurrent poll inserting the same order is a no-op, never a second row.
    await db.orderRecord.createMany({
      skipDuplicates: true,
      data: fresh.map((order) => ({
        shop,
        marketplaceId: deps.marketplaceId,
        marketplaceOrderId: order.id,
        reference: order.reference,
        orderedAt: new Date(order.createdAt),
        acknowledgeBy: acknowledgeDeadline(order),
        currency: order.currency,
        totalMinor: order.lines.every((l) => l.total) ? order.lines.reduce((s, l) => s + (l.total?.amountMinor ?? 0), 0) : null,
        lineCount: order.lines.length,
        snapshot: order as unknown as Prisma.InputJsonValue,
        marketplaceStatus: marketplaceStatusOf(order),
      })),
    });
  }
  // Orders not yet created in Shopify get the newest snapshot (a line may have been cancelled).
  for (const [id, step] of known) {
    if (step !== "imported") continue;
    const order = listed.get(id) as MarketplaceOrder;
    await db.orderRecord.updateMany({
      where: { shop, marketplaceId: deps.marketplaceId, marketplaceOrderId: id, step: "imported", createAttemptedAt: null },
      data: { snapshot: order as unknown as Prisma.InputJsonValue, marketplaceStatus: marketplaceStatusOf(order) },
    });
  }

  await retryFixedMappings(deps, shop);

  const now = deps.clock.now();
  const due = await db.orderRecord.findMany({
    where: {
      shop,
      marketplaceId: deps.marketplaceId,
      needsAttention: false,
      step: { not: "acknowledged" },
      OR: [
        { marketplaceOrderId: { in: ids } },
        // Work in progress whose job went missing. An order never sent anywhere and no longer
        // listed was acknowledged elsewhere or cancelled: it must not be created now.
        {
          updatedAt: { lt: new Date(now.getTime() - STRAGGLER_AFTER_MS) },
          OR: [{ step: "created" }, { createAttemptedAt: { not: null } }],
        },
      ],
    },
    select: { id: true, acknowledgeBy: true, orderedAt: true },
  });
  due.sort(byDeadline);
  for (const row of due) await deps.enqueue(shop, row.id, { priority: importPriority(row.acknowledgeBy, now) });

  const summary = { found: listed.size, new: fresh.length, enqueued: due.length };
  await savePollState(deps, shop, { outcome: "ok", error: null, found: summary.found, created: summary.new });
  return ok(summary);
}

/**
 * Orders waiting only on SKU mappings are released as soon as every part number they need is
 * linked to a variant (the merchant mapped it on the mappings page).
 */
async function retryFixedMappings(deps: PollOrdersDeps, shop: string): Promise<void> {
  const waiting = await deps.db.orderException.findMany({
    where: { shop, resolvedAt: null, reason: { in: MAPPING_REASONS } },
    select: { orderId: true, sku: true },
  });
  if (waiting.length === 0) return;
  const blocking = await deps.db.orderException.findMany({
    where: { shop, resolvedAt: null, orderId: { in: [...new Set(waiting.map((w) => w.orderId))] }, reason: { notIn: MAPPING_REASONS } },
    select: { orderId: true },
  });
  const blocked = new Set(blocking.map((b) => b.orderId));
  const skus = [...new Set(waiting.flatMap((w) => (w.sku ? [w.sku] : [])))];
  const mapped = await deps.db.skuMapping.findMany({ where: { shop, marketplaceSku: { in: skus }, variantGid: { not: null } }, select: { marketplaceSku: true } });
  const mappedSet = new Set(mapped.map((m) => m.marketplaceSku));
  const byOrder = new Map<string, boolean>();
  for (const w of waiting) byOrder.set(w.orderId, (byOrder.get(w.orderId) ?? true) && !!w.sku && mappedSet.has(w.sku));
  for (const [orderId, ready] of byOrder) {
    if (!ready || blocked.has(orderId)) continue;
    await resolveExceptions(deps.db, shop, orderId, "sku-mapped");
    await deps.db.orderRecord.update({ where: { id: orderId }, data: { needsAttention: false } });
    await recordActivity(deps.db, shop, orderId, { target: "app", action: "retry", outcome: "ok", detail: "Every part number is mapped now; importing again." });
  }
}

async function savePollState(
  deps: PollOrdersDeps,
  shop: string,
  state: { outcome: "ok" | "failed"; error: string | null; found: number; created: number },
): Promise<void> {
  const data = { lastPollAt: deps.clock.now(), lastOutcome: state.outcome, lastError: state.error, lastFound: state.found, lastNew: state.created };
  await deps.db.orderPollState.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}
