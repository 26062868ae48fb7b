import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { marketplaceLineId, marketplaceOrderId, marketplaceOrderRef, marketplaceSku } from "../../lib/ids";
import type { OrderLink, OrderLinks } from "./order-link";

// OrderRecord.lineMap as the Orders flow writes it (app/sync/orders/import-order.server.ts); lines
// it could not place in Shopify have a null lineItemGid and cannot be fulfilled there.
const LineMap = z.array(
  z.object({ lineId: z.string(), sku: z.string(), quantity: z.number().int(), lineItemGid: z.string().nullable().optional() }),
);

type Row = { shop: string; marketplaceOrderId: string; reference: string; shopifyOrderGid: string | null; lineMap: unknown };

function toLink(row: Row | null): OrderLink | null {
  if (!row?.shopifyOrderGid) return null;
  const parsed = LineMap.safeParse(row.lineMap ?? []);
  if (!parsed.success) return null;
  return {
    shop: row.shop,
    marketplaceOrderId: marketplaceOrderId(row.marketplaceOrderId),
    marketplaceOrderRef: marketplaceOrderRef(row.reference),
    shopifyOrderGid: row.shopifyOrderGid,
    lines: parsed.data.flatMap((l) =>
      l.lineItemGid ? [{ lineId: marketplaceLineId(l.lineId), sku: marketplaceSku(l.sku), quantity: l.quantity, lineItemGid: l.lineItemGid }] : [],
    ),
  };
}

const select = { shop: true, marketplaceOrderId: true, reference: true, shopifyOrderGid: true, lineMap: true } as const;

/** Order links read from the Orders flow's OrderRecord rows (read-only). */
export function createPrismaOrderLinks(db: PrismaClient): OrderLinks {
  return {
    async byShopifyOrder(shop, shopifyOrderGid) {
      return toLink(await db.orderRecord.findFirst({ where: { shop, shopifyOrderGid }, select }));
    },
    async byMarketplaceOrder(shop, id) {
      return toLink(await db.orderRecord.findFirst({ where: { shop, marketplaceOrderId: id }, select, orderBy: { createdAt: "asc" } }));
    },
  };
}
