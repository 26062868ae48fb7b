import type { Result } from "../../lib/result";

/** One Shopify order as the dispatch and cancellation flows read it. */
export interface ShopifyOrderState {
  orderGid: string;
  cancelled: boolean;
  currency: string;
  lines: {
    lineItemGid: string;
    quantity: number;
    /** Quantity after refunds and removals. */
    currentQuantity: number;
    unfulfilledQuantity: number;
    /** Price of one unit after discounts, in minor units. */
    unitPriceMinor: number;
  }[];
  /** The successful sale the order was paid with (the Orders flow records a manual payment). */
  sale: { transactionGid: string; gateway: string } | null;
  fulfillments: ShopifyFulfillmentState[];
}

export interface ShopifyFulfillmentState {
  fulfillmentGid: string;
  /** SUCCESS, CANCELLED, ERROR, FAILURE, OPEN, PENDING. */
  status: string;
  createdAt: string;
  company: string | null;
  number: string | null;
  url: string | null;
  lines: { lineItemGid: string; quantity: number }[];
}

export interface CancelShopifyLinesInput {
  orderGid: string;
  lines: { lineItemGid: string; quantity: number }[];
  /** Money given back against the order's sale, or null to restock without moving money. */
  refund: { amountMinor: number; currency: string; parentTransactionGid: string; gateway: string } | null;
  /** Marks the refund as ours, so its refunds/create webhook is not taken for a merchant action. */
  note: string;
  /** One key per logical cancellation, reused on retries (refundCreate is @idempotent). */
  idempotencyKey: string;
}

export type ShopifyOrdersError =
  | { kind: "throttled" | "unavailable"; retryable: true; message: string }
  | { kind: "not-found"; retryable: false; message: string }
  | { kind: "refused"; retryable: false; message: string };

/** Port: the Shopify order reads and writes these flows make. */
export interface ShopifyOrders {
  orderState(orderGid: string): Promise<Result<ShopifyOrderState, ShopifyOrdersError>>;
  /**
   * Cancels and restocks unfulfilled units: `refundCreate` with `restockType: CANCEL`, the call
   * the Admin API offers for units of a paid order that have not shipped.
   */
  cancelLines(input: CancelShopifyLinesInput): Promise<Result<{ refundGid: string }, ShopifyOrdersError>>;
}

/** Refund notes the app writes start with this, so the refunds/create handler can skip our own refunds. */
export const OWN_REFUND_NOTE_PREFIX = "jl-sync:";
