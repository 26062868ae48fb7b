import { z } from "zod";

/**
 * The webhook fields the flows use, parsed at the boundary. Only these are stored
 * (WebhookDelivery.payload): no customer names, emails or addresses from order-shaped payloads.
 * Numeric ids can exceed 2^53 and lose precision in JSON.parse, so gids come from
 * `admin_graphql_api_id` strings where Shopify sends them.
 */
const numericId = z.union([z.number(), z.string()]).transform((value) => String(value));

export const InventoryLevelUpdate = z
  .object({
    inventory_item_id: numericId,
    location_id: numericId,
    available: z.number().int().nullable(),
    updated_at: z.string(),
    admin_graphql_api_id: z.string().optional(),
  })
  .transform((p) => {
    // "gid://shopify/InventoryLevel/<location>?inventory_item_id=<item>" keeps the exact item id.
    const exactItem = p.admin_graphql_api_id ? /[?&]inventory_item_id=(\d+)/.exec(p.admin_graphql_api_id)?.[1] : undefined;
    return {
      inventoryItemGid: `gid://shopify/InventoryItem/${exactItem ?? p.inventory_item_id}`,
      locationGid: `gid://shopify/Location/${p.location_id}`,
      available: p.available,
      updatedAt: p.updated_at,
    };
  });

const FulfillmentLine = z.object({
  id: numericId,
  quantity: z.number().int(),
  sku: z.string().nullable().optional(),
  variant_id: numericId.nullable().optional(),
});

export const FulfillmentEvent = z
  .object({
    id: numericId,
    admin_graphql_api_id: z.string().optional(),
    order_id: numericId,
    status: z.string(),
    shipment_status: z.string().nullable().optional(),
    tracking_company: z.string().nullable().optional(),
    tracking_numbers: z.array(z.string()).optional().default([]),
    tracking_urls: z.array(z.string()).optional().default([]),
    line_items: z.array(FulfillmentLine).optional().default([]),
    updated_at: z.string().optional(),
  })
  .transform((p) => ({
    fulfillmentGid: p.admin_graphql_api_id ?? `gid://shopify/Fulfillment/${p.id}`,
    orderGid: `gid://shopify/Order/${p.order_id}`,
    status: p.status,
    shipmentStatus: p.shipment_status ?? null,
    trackingCompany: p.tracking_company ?? null,
    trackingNumbers: p.tracking_numbers,
    trackingUrls: p.tracking_urls,
    lines: p.line_items.map((l) => ({
      lineItemGid: `gid://shopify/LineItem/${l.id}`,
      quantity: l.quantity,
      sku: l.sku ?? null,
    })),
    updatedAt: p.updated_at ?? null,
  }));

export const OrderCancelled = z
  .object({
    id: numericId,
    admin_graphql_api_id: z.string().optional(),
    name: z.string().optional(),
    cancelled_at: z.string().nullable(),
    cancel_reason: z.string().nullable().optional(),
    source_name: z.string().nullable().optional(),
    source_identifier: z.string().nullable().optional(),
    tags: z.string().optional().default(""),
    updated_at: z.string().optional(),
    line_items: z
      .array(z.object({ id: numericId, sku: z.string().nullable().optional(), quantity: z.number().int() }))
      .optional()
      .default([]),
  })
  .transform((p) => ({
    orderGid: p.admin_graphql_api_id ?? `gid://shopify/Order/${p.id}`,
    name: p.name ?? null,
    cancelledAt: p.cancelled_at,
    cancelReason: p.cancel_reason ?? null,
    sourceName: p.source_name ?? null,
    sourceIdentifier: p.source_identifier ?? null,
    tags: p.tags.split(",").map((t) => t.trim()).filter(Boolean),
    lines: p.line_items.map((l) => ({ lineItemGid: `gid://shopify/LineItem/${l.id}`, sku: l.sku ?? null, quantity: l.quantity })),
    updatedAt: p.updated_at ?? null,
  }));

export const RefundCreated = z
  .object({
    id: numericId,
    admin_graphql_api_id: z.string().optional(),
    order_id: numericId,
    created_at: z.string(),
    note: z.string().nullable().optional(),
    restock: z.boolean().optional(),
    refund_line_items: z
      .array(
        z.object({
          line_item_id: numericId,
          quantity: z.number().int(),
          restock_type: z.string().nullable().optional(),
          subtotal: z.union([z.number(), z.string()]).optional(),
          total_tax: z.union([z.number(), z.string()]).optional(),
        }),
      )
      .optional()
      .default([]),
    transactions: z
      .array(z.object({ kind: z.string(), status: z.string().optional(), amount: z.union([z.number(), z.string()]) }))
      .optional()
      .default([]),
  })
  .transform((p) => ({
    refundGid: p.admin_graphql_api_id ?? `gid://shopify/Refund/${p.id}`,
    orderGid: `gid://shopify/Order/${p.order_id}`,
    createdAt: p.created_at,
    note: p.note ?? null,
    lines: p.refund_line_items.map((l) => ({
      lineItemGid: `gid://shopify/LineItem/${l.line_item_id}`,
      quantity: l.quantity,
      restockType: l.restock_type ?? null,
      subtotal: l.subtotal === undefined ? null : String(l.subtotal),
      totalTax: l.total_tax === undefined ? null : String(l.total_tax),
    })),
    transactions: p.transactions.map((t) => ({ kind: t.kind, status: t.status ?? null, amount: String(t.amount) })),
  }));

/** The three mandatory compliance topics share one route. */
export const CustomersDataRequest = z
  .object({
    customer: z.object({ id: numericId }),
    orders_requested: z.array(numericId).optional().default([]),
    data_request: z.object({ id: numericId }),
  })
  .transform((p) => ({ dataRequestId: p.data_request.id, customerId: p.customer.id, ordersRequested: p.orders_requested }));

export const CustomersRedact = z
  .object({ customer: z.object({ id: numericId }), orders_to_redact: z.array(numericId).optional().default([]) })
  .transform((p) => ({ customerId: p.customer.id, ordersToRedact: p.orders_to_redact }));

export const ShopRedact = z.object({ shop_domain: z.string() }).transform(() => ({}));

export const ScopesUpdate = z.object({ current: z.array(z.string()) });

/** Orders, fulfillments and refunds of one shop are processed one at a time, in arrival order. */
export const orderQueue = (shop: string) => `orders:${shop}`;
