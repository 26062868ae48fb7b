/**
 * The orders flow's rows (prisma "Orders" section): order records with their step state,
 * exceptions and the activity timeline. Every query is scoped by shop.
 */
import type { OrderRecord, Prisma, PrismaClient } from "@prisma/client";
import type { MarketplaceOrder } from "../../marketplace/marketplace-gateway";
import { acknowledgeDeadline } from "./order-schedule";
import type { OrderProblem, SkuMappingView } from "./order-mapper";

export type Db = PrismaClient;

export interface ActivityInput {
  target: "marketplace" | "shopify" | "app";
  action: string;
  outcome: "ok" | "failed" | "skipped";
  detail?: string;
  durationMs?: number;
}

export async function recordActivity(db: Db, shop: string, orderId: string, a: ActivityInput): Promise<void> {
  await db.orderActivity.create({
    data: { shop, orderId, target: a.target, action: a.action, outcome: a.outcome, detail: a.detail?.slice(0, 2000), durationMs: a.durationMs },
  });
}

/** The status we show for the marketplace side: the least advanced open line. */
export function marketplaceStatusOf(order: MarketplaceOrder): string {
  const rank = ["awaiting-acknowledgement", "cancellation-requested", "backordered", "acknowledged", "dispatched", "return-requested", "returned", "cancelled", "refused", "closed"];
  const statuses = order.lines.map((l) => l.status);
  return rank.find((s) => statuses.includes(s as never)) ?? order.platformStatus;
}

function orderTotal(order: MarketplaceOrder): number | null {
  let sum = 0;
  for (const l of order.lines) {
    if (!l.total) return null;
    sum += l.total.amountMinor;
  }
  return sum;
}

/**
 * Inserts the order under its unique key, or refreshes the snapshot of the row that exists. The
 * insert races safely: two pollers both reach `upsert`, PostgreSQL's unique index lets one insert
 * and the other update.
 */
export async function upsertOrderRecord(db: Db, shop: string, marketplaceId: string, order: MarketplaceOrder): Promise<OrderRecord> {
  const snapshot = order as unknown as Prisma.InputJsonValue;
  const key = { shop_marketplaceId_marketplaceOrderId: { shop, marketplaceId, marketplaceOrderId: order.id } };
  try {
    return await db.orderRecord.upsert({
      where: key,
      create: {
        shop,
        marketplaceId,
        marketplaceOrderId: order.id,
        reference: order.reference,
        orderedAt: new Date(order.createdAt),
        acknowledgeBy: acknowledgeDeadline(order),
        currency: order.currency,
        totalMinor: orderTotal(order),
        lineCount: order.lines.length,
        snapshot,
        marketplaceStatus: marketplaceStatusOf(order),
      },
      update: { snapshot, marketplaceStatus: marketplaceStatusOf(order), lineCount: order.lines.length, totalMinor: orderTotal(order) },
    });
  } catch (error) {
    // P2002: a concurrent insert won between our read and write; the row exists now.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return db.orderRecord.update({ where: key, data: { snapshot, marketplaceStatus: marketplaceStatusOf(order) } });
  }
}

export async function loadSkuMappings(db: Db, shop: string, skus: string[]): Promise<Map<string, SkuMappingView>> {
  const rows = await db.skuMapping.findMany({
    where: { shop, marketplaceSku: { in: [...new Set(skus)] } },
    select: { marketplaceSku: true, variantGid: true },
  });
  return new Map(rows.map((r) => [r.marketplaceSku, r]));
}

/** Replaces the order's open exceptions with these problems and flags it for the merchant. */
export async function openExceptions(db: Db, record: OrderRecord, problems: OrderProblem[]): Promise<void> {
  await db.$transaction([
    db.orderException.updateMany({
      where: { shop: record.shop, orderId: record.id, resolvedAt: null },
      data: { resolvedAt: new Date(), resolution: "superseded" },
    }),
    db.orderException.createMany({
      data: problems.map((p) => ({
        shop: record.shop,
        orderId: record.id,
        reason: p.reason,
        lineId: p.lineId,
        sku: p.sku,
        message: p.message.slice(0, 2000),
        fixActions: p.fixActions,
      })),
    }),
    db.orderRecord.update({ where: { id: record.id }, data: { needsAttention: true, lastError: problems[0]?.message.slice(0, 2000) ?? null } }),
  ]);
}

export async function resolveExceptions(db: Db, shop: string, orderId: string, resolution: string): Promise<void> {
  await db.orderException.updateMany({ where: { shop, orderId, resolvedAt: null }, data: { resolvedAt: new Date(), resolution } });
}
