import type { MarketplaceLineId, MarketplaceOrderId, MarketplaceOrderRef, MarketplaceSku } from "../../lib/ids";

/**
 * How a marketplace order is linked to the Shopify order the Orders flow created for it. The
 * dispatch and cancellation flows only read links; the Orders flow (app/sync/orders) owns them.
 */
export interface OrderLink {
  shop: string;
  marketplaceOrderId: MarketplaceOrderId;
  marketplaceOrderRef: MarketplaceOrderRef | null;
  shopifyOrderGid: string;
  lines: LinkedLine[];
}

/** One marketplace line and the Shopify line item that carries it. */
export interface LinkedLine {
  lineId: MarketplaceLineId;
  sku: MarketplaceSku;
  quantity: number;
  lineItemGid: string;
}

/** Port: finds order links in either direction. Null when the order is not a marketplace order. */
export interface OrderLinks {
  byShopifyOrder(shop: string, shopifyOrderGid: string): Promise<OrderLink | null>;
  byMarketplaceOrder(shop: string, marketplaceOrderId: string): Promise<OrderLink | null>;
}

/** A line as the dispatch and cancellation records store it (JSON). */
export interface RecordedLine {
  lineId: string;
  sku: string;
  quantity: number;
  lineItemGid: string;
}
