/** Branded identifiers: a string that cannot be passed where another kind of id is expected. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A shop's permanent myshopify domain, e.g. `example.myshopify.com`. */
export type ShopDomain = Brand<string, "ShopDomain">;
/** A Shopify global id, e.g. `gid://shopify/ProductVariant/1`. */
export type ShopifyGid = Brand<string, "ShopifyGid">;
/** The marketplace's id of an order (Virtualstock: the ORDER_URI number; Mirakl: order_id). */
export type MarketplaceOrderId = Brand<string, "MarketplaceOrderId">;
/** The retailer's order number the customer sees (Virtualstock: order_reference). */
export type MarketplaceOrderRef = Brand<string, "MarketplaceOrderRef">;
/** The marketplace's id of an order line (Virtualstock: line_reference; Mirakl: order_line_id). */
export type MarketplaceLineId = Brand<string, "MarketplaceLineId">;
/** The marketplace's product key (Virtualstock: part_number, JL's stock number; Mirakl: offer SKU). */
export type MarketplaceSku = Brand<string, "MarketplaceSku">;

export const shopDomain = (s: string) => s as ShopDomain;
export const shopifyGid = (s: string) => s as ShopifyGid;
export const marketplaceOrderId = (s: string) => s as MarketplaceOrderId;
export const marketplaceOrderRef = (s: string) => s as MarketplaceOrderRef;
export const marketplaceLineId = (s: string) => s as MarketplaceLineId;
export const marketplaceSku = (s: string) => s as MarketplaceSku;

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/;
/** The numeric part of a Shopify gid, or null when the string is not a gid. */
export function gidNumber(gid: string): string | null {
  return GID.exec(gid)?.[2] ?? null;
}
export function toGid(type: string, id: string | number): ShopifyGid {
  return `gid://shopify/${type}/${id}` as ShopifyGid;
}
