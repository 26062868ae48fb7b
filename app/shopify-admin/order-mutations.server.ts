/**
 * Shopify side of the orders flow: the look-up before create and orderCreate, over the worker's
 * Admin client (app/shopify-admin/admin-client.server.ts). orderCreate takes no idempotency key
 * (reference shopify-platform.md §3.3), so it is sent through a client that never retries: a
 * transport retry after a lost answer could create a second order. The flow looks up before every
 * attempt instead (docs/decisions/008-orders-exactly-once.md).
 */
import { z } from "zod";
import { err, ok, type Result } from "../lib/result";
import type {
  OrderCreateRequest,
  PrecheckResult,
  ShopifyOrderError,
  ShopifyOrderRef,
  ShopifyOrdersPort,
} from "../sync/orders/ports";
import type { AdminApiError, AdminClient } from "./admin-client.server";

/** App-owned metafield that identifies the marketplace order (value `<marketplace>:<order id>`). */
export const ORDER_METAFIELD = { namespace: "$app", key: "marketplace_order" } as const;

export const ORDER_PRECHECK = `#graphql
query OrderPrecheck($identifier: OrderIdentifierInput!, $query: String!, $variantIds: [ID!]!) {
  byMetafield: orderByIdentifier(identifier: $identifier) { id name }
  bySource: orders(first: 1, query: $query) { nodes { id name } }
  variants: nodes(ids: $variantIds) {
    ... on ProductVariant { id sku title product { status } }
  }
}`;

export const ORDER_LINE_ITEMS = `#graphql
query OrderLineItems($id: ID!) {
  order(id: $id) { id name lineItems(first: 50) { nodes { id } } }
}`;

export const ORDER_CREATE = `#graphql
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name lineItems(first: 50) { nodes { id } } }
    userErrors { field message code }
  }
}`;

const OrderStub = z.object({ id: z.string(), name: z.string() });
const PrecheckData = z.object({
  byMetafield: OrderStub.nullable(),
  bySource: z.object({ nodes: z.array(OrderStub) }),
  variants: z.array(
    z
      .object({ id: z.string(), sku: z.string().nullable(), title: z.string(), product: z.object({ status: z.string() }).nullable() })
      .partial()
      .nullable(),
  ),
});
const LineItemsData = z.object({
  order: z.object({ id: z.string(), name: z.string(), lineItems: z.object({ nodes: z.array(z.object({ id: z.string() })) }) }).nullable(),
});
const CreateData = z.object({
  orderCreate: z
    .object({
      order: z.object({ id: z.string(), name: z.string(), lineItems: z.object({ nodes: z.array(z.object({ id: z.string() })) }) }).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable().optional() })),
    })
    .nullable(),
});

function fromAdminError(error: AdminApiError): ShopifyOrderError {
  switch (error.kind) {
    case "throttled":
      return { kind: "throttled", retryable: true, retryAfterMs: error.retryAfterMs };
    case "unavailable":
      return { kind: "unavailable", retryable: true, message: error.message };
    case "unauthorized":
      return { kind: "failed", retryable: false, message: `Shopify refused the access token (${error.status}).` };
    case "graphql":
      return { kind: "failed", retryable: false, message: error.errors.map((e) => e.message).join("; ").slice(0, 500) };
  }
}

function malformed(what: string, issues: z.ZodError): ShopifyOrderError {
  // A body we cannot read may still mean the call worked: retryable, and the look-up decides.
  return { kind: "unavailable", retryable: true, message: `Unexpected ${what} answer from Shopify: ${issues.issues[0]?.message ?? "unreadable"}` };
}

/** Shopify search syntax: quote the value and escape quotes and backslashes inside it. */
export function searchValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function orderCreateVariables(input: OrderCreateRequest): Record<string, unknown> {
  const money = (amount: string) => ({ shopMoney: { amount, currencyCode: input.currency } });
  return {
    order: {
      currency: input.currency,
      lineItems: input.lines.map((l) => ({
        ...(l.variantGid ? { variantId: l.variantGid } : { title: l.title, sku: l.sku, requiresShipping: true }),
        quantity: l.quantity,
        ...(l.unitPrice ? { priceSet: money(l.unitPrice) } : {}),
        ...(l.tax ? { taxLines: [{ title: "VAT", rate: l.tax.rate, priceSet: money(l.tax.amount) }] } : {}),
        properties: l.properties,
      })),
      ...(input.shippingAddress ? { shippingAddress: input.shippingAddress } : {}),
      ...(input.email ? { email: input.email } : {}),
      financialStatus: "PAID",
      ...(input.paidAmount ? { transactions: [{ kind: "SALE", status: "SUCCESS", gateway: "marketplace", amountSet: money(input.paidAmount) }] } : {}),
      taxesIncluded: false,
      sourceIdentifier: input.sourceIdentifier,
      tags: input.tags,
      ...(input.note ? { note: input.note } : {}),
      processedAt: input.processedAt,
      test: input.test,
      metafields: [{ ...ORDER_METAFIELD, type: "id", value: input.metafieldValue }],
    },
    options: {
      inventoryBehaviour: input.inventory === "obey-policy" ? "DECREMENT_OBEYING_POLICY" : "DECREMENT_IGNORING_POLICY",
      sendReceipt: false,
      sendFulfillmentReceipt: false,
    },
  };
}

export interface ShopifyOrdersClients {
  /** The shop's Admin client (paces itself, retries reads). */
  admin: AdminClient;
  /** The same shop with `maxRetries: 0`, for orderCreate. */
  adminNoRetry: AdminClient;
}

export function createShopifyOrders({ admin, adminNoRetry }: ShopifyOrdersClients): ShopifyOrdersPort {
  async function lineItemsOf(gid: string): Promise<Result<ShopifyOrderRef | null, ShopifyOrderError>> {
    const res = await admin.request<unknown>(ORDER_LINE_ITEMS, { id: gid });
    if (!res.ok) return err(fromAdminError(res.error));
    const data = LineItemsData.safeParse(res.value.data);
    if (!data.success) return err(malformed("order", data.error));
    const o = data.data.order;
    return ok(o ? { gid: o.id, name: o.name, lineItemGids: o.lineItems.nodes.map((n) => n.id) } : null);
  }

  return {
    async precheck(input): Promise<Result<PrecheckResult, ShopifyOrderError>> {
      const res = await admin.request<unknown>(ORDER_PRECHECK, {
        identifier: { customId: { ...ORDER_METAFIELD, value: input.metafieldValue } },
        query: `source_identifier:${searchValue(input.sourceIdentifier)}`,
        variantIds: input.variantGids,
      });
      if (!res.ok) return err(fromAdminError(res.error));
      const data = PrecheckData.safeParse(res.value.data);
      if (!data.success) return err(malformed("look-up", data.error));
      const found = data.data.byMetafield ?? data.data.bySource.nodes[0] ?? null;
      let existing: ShopifyOrderRef | null = null;
      if (found) {
        const full = await lineItemsOf(found.id);
        if (!full.ok) return full;
        existing = full.value ?? { gid: found.id, name: found.name, lineItemGids: [] };
      }
      const variants = data.data.variants.flatMap((v) =>
        v?.id ? [{ variantGid: v.id, sku: v.sku ?? null, title: v.title ?? "", productStatus: v.product?.status ?? "ACTIVE" }] : [],
      );
      return ok({ existing, variants });
    },

    async createOrder(input): Promise<Result<ShopifyOrderRef, ShopifyOrderError>> {
      const res = await adminNoRetry.request<unknown>(ORDER_CREATE, orderCreateVariables(input));
      if (!res.ok) return err(fromAdminError(res.error));
      const data = CreateData.safeParse(res.value.data);
      if (!data.success) return err(malformed("orderCreate", data.error));
      const payload = data.data.orderCreate;
      if (!payload) return err({ kind: "unavailable", retryable: true, message: "orderCreate returned no payload" });
      if (payload.userErrors.length > 0 || !payload.order) {
        return err({
          kind: "user-errors",
          retryable: false,
          userErrors: payload.userErrors.map((e) => ({ field: e.field, message: e.message, code: e.code ?? null })),
        });
      }
      return ok({ gid: payload.order.id, name: payload.order.name, lineItemGids: payload.order.lineItems.nodes.map((n) => n.id) });
    },
  };
}
