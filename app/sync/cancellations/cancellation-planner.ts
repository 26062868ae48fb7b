import { OWN_REFUND_NOTE_PREFIX } from "../fulfillment/shopify-orders";

/**
 * What to do with a line the marketplace asked to cancel, from what Shopify and our parcel
 * records say about it. Pure, so each case is a table row in the tests.
 */
export type MarketplaceCancelPlan =
  /** Nothing left the warehouse: cancel and restock in Shopify, then acknowledge. */
  | { action: "cancel"; shopifyQuantity: number }
  /** Shopify already has no units left to cancel (cancelled or refunded there): only acknowledge. */
  | { action: "acknowledge-only" }
  /** Goods already left: the marketplace gets the dispatch instead of the acknowledgement. */
  | { action: "dispatch-instead"; unshippedQuantity: number };

export function planMarketplaceCancellation(input: {
  /** Units the marketplace asks to cancel. */
  requested: number;
  /** The Shopify line item's current (after refunds) and unfulfilled quantities; null when it is gone. */
  shopify: { currentQuantity: number; unfulfilledQuantity: number } | null;
  /** Units of this marketplace line on recorded parcels (any state but cancelled). */
  recordedShipped: number;
}): MarketplaceCancelPlan {
  const fulfilled = input.shopify ? input.shopify.currentQuantity - input.shopify.unfulfilledQuantity : 0;
  if (fulfilled > 0 || input.recordedShipped > 0) {
    return { action: "dispatch-instead", unshippedQuantity: Math.max(0, (input.shopify?.unfulfilledQuantity ?? 0)) };
  }
  const cancellable = Math.min(input.requested, input.shopify?.unfulfilledQuantity ?? 0);
  return cancellable > 0 ? { action: "cancel", shopifyQuantity: cancellable } : { action: "acknowledge-only" };
}

/** Whether a merchant's cancellation comes before or after the units left, from our parcel records. */
export function merchantCancelStage(shippedUnits: number): "before-dispatch" | "after-dispatch" {
  return shippedUnits > 0 ? "after-dispatch" : "before-dispatch";
}

/** Refund notes we write, so our own refunds/create webhook is not read as a merchant action. */
export const ownRefundNote = (cancellationId: string) => `${OWN_REFUND_NOTE_PREFIX}cancellation:${cancellationId}`;
