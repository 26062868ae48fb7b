import { z } from "zod";
import { formatMinorToDecimal, parseDecimalToMinor } from "../../lib/money";
import { err, ok, type Result } from "../../lib/result";
import { checkUserErrors, type AdminApiError, type AdminClient } from "../../shopify-admin/admin-client.server";
import type { CancelShopifyLinesInput, ShopifyOrders, ShopifyOrdersError, ShopifyOrderState } from "./shopify-orders";

// Sized to stay well under the 1,000-point single-query limit: 50 line items, 10 fulfillments of
// up to 20 lines each (a marketplace order rarely has more than a handful of lines).
const ORDER_STATE = `#graphql
  query DispatchOrderState($id: ID!) {
    order(id: $id) {
      id
      cancelledAt
      currencyCode
      lineItems(first: 50) {
        nodes {
          id
          quantity
          currentQuantity
          unfulfilledQuantity
          discountedUnitPriceAfterAllDiscountsSet { shopMoney { amount } }
        }
      }
      transactions(first: 10) { id kind status gateway }
      fulfillments(first: 10) {
        id
        status
        createdAt
        trackingInfo(first: 1) { company number url }
        fulfillmentLineItems(first: 20) { nodes { quantity lineItem { id } } }
      }
    }
  }`;

const CANCEL_LINES = `#graphql
  mutation DispatchCancelLines($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund { id }
      userErrors { field message }
    }
  }`;

const OrderStateData = z.object({
  order: z
    .object({
      id: z.string(),
      cancelledAt: z.string().nullable(),
      currencyCode: z.string(),
      lineItems: z.object({
        nodes: z.array(
          z.object({
            id: z.string(),
            quantity: z.number().int(),
            currentQuantity: z.number().int(),
            unfulfilledQuantity: z.number().int(),
            discountedUnitPriceAfterAllDiscountsSet: z.object({ shopMoney: z.object({ amount: z.string() }) }),
          }),
        ),
      }),
      transactions: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string(), gateway: z.string().nullable() })),
      fulfillments: z.array(
        z.object({
          id: z.string(),
          status: z.string(),
          createdAt: z.string(),
          trackingInfo: z.array(z.object({ company: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() })),
          fulfillmentLineItems: z.object({ nodes: z.array(z.object({ quantity: z.number().int(), lineItem: z.object({ id: z.string() }) })) }),
        }),
      ),
    })
    .nullable(),
});

const RefundData = z.object({
  refundCreate: z
    .object({
      refund: z.object({ id: z.string() }).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string() })),
    })
    .nullable(),
});

function fromAdminError(e: AdminApiError): ShopifyOrdersError {
  switch (e.kind) {
    case "throttled":
      return { kind: "throttled", retryable: true, message: "Shopify throttled the request." };
    case "unavailable":
      return { kind: "unavailable", retryable: true, message: e.message };
    case "unauthorized":
      return { kind: "refused", retryable: false, message: `Shopify refused the access token (${e.status}).` };
    case "graphql":
      return { kind: "refused", retryable: false, message: e.errors.map((x) => x.message).join("; ") };
  }
}

const decimal = (amount: string) => {
  const minor = parseDecimalToMinor(amount);
  if (minor === null) throw new Error(`Unreadable Shopify amount ${amount}`);
  return minor;
};

/** The ShopifyOrders port over the app's Admin GraphQL client. */
export function createShopifyOrders(admin: AdminClient): ShopifyOrders {
  return {
    async orderState(orderGid): Promise<Result<ShopifyOrderState, ShopifyOrdersError>> {
      const res = await admin.request<unknown>(ORDER_STATE, { id: orderGid });
      if (!res.ok) return err(fromAdminError(res.error));
      const parsed = OrderStateData.safeParse(res.value.data);
      if (!parsed.success) return err({ kind: "unavailable", retryable: true, message: `Unexpected order shape: ${parsed.error.issues[0]?.message}` });
      const o = parsed.data.order;
      if (!o) return err({ kind: "not-found", retryable: false, message: `Shopify order ${orderGid} not found.` });
      const sale = o.transactions.find((t) => (t.kind === "SALE" || t.kind === "CAPTURE") && t.status === "SUCCESS");
      return ok({
        orderGid: o.id,
        cancelled: o.cancelledAt !== null,
        currency: o.currencyCode,
        lines: o.lineItems.nodes.map((l) => ({
          lineItemGid: l.id,
          quantity: l.quantity,
          currentQuantity: l.currentQuantity,
          unfulfilledQuantity: l.unfulfilledQuantity,
          unitPriceMinor: decimal(l.discountedUnitPriceAfterAllDiscountsSet.shopMoney.amount),
        })),
        sale: sale ? { transactionGid: sale.id, gateway: sale.gateway ?? "manual" } : null,
        fulfillments: o.fulfillments.map((f) => ({
          fulfillmentGid: f.id,
          status: f.status,
          createdAt: f.createdAt,
          company: f.trackingInfo[0]?.company ?? null,
          number: f.trackingInfo[0]?.number ?? null,
          url: f.trackingInfo[0]?.url ?? null,
          lines: f.fulfillmentLineItems.nodes.map((n) => ({ lineItemGid: n.lineItem.id, quantity: n.quantity })),
        })),
      });
    },

    async cancelLines(input: CancelShopifyLinesInput) {
      const refundInput = {
        orderId: input.orderGid,
        note: input.note,
        notify: false,
        refundLineItems: input.lines.map((l) => ({ lineItemId: l.lineItemGid, quantity: l.quantity, restockType: "CANCEL" })),
        transactions: input.refund
          ? [{ orderId: input.orderGid, parentId: input.refund.parentTransactionGid, gateway: input.refund.gateway, kind: "REFUND", amount: formatMinorToDecimal(input.refund.amountMinor) }]
          : [],
      };
      const res = await admin.request<unknown>(CANCEL_LINES, { input: refundInput }, { idempotencyKey: input.idempotencyKey });
      if (!res.ok) return err(fromAdminError(res.error));
      const parsed = RefundData.safeParse(res.value.data);
      if (!parsed.success) return err({ kind: "unavailable" as const, retryable: true as const, message: "Unexpected refundCreate answer." });
      const checked = checkUserErrors(parsed.data.refundCreate);
      if (!checked.ok) return err({ kind: "refused" as const, retryable: false as const, message: checked.error.userErrors.map((u) => u.message).join("; ") });
      const refund = checked.value.refund;
      if (!refund) return err({ kind: "refused" as const, retryable: false as const, message: "refundCreate returned no refund." });
      return ok({ refundGid: refund.id });
    },
  };
}
