/**
 * What the orders flow needs from Shopify, in the flow's language. The implementation is
 * app/shopify-admin/order-mutations.server.ts (Admin GraphQL); unit tests pass a small fake.
 */
import type { Result } from "../../lib/result";

/** A variant as the pre-create check reads it. */
export interface ShopifyVariantState {
  variantGid: string;
  /** Product status: only ACTIVE variants are sold through the marketplace without a question. */
  productStatus: "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED" | string;
  sku: string | null;
  title: string;
}

/** A Shopify order we (or a previous attempt) created for a marketplace order. */
export interface ShopifyOrderRef {
  gid: string;
  name: string;
  /** Line item gids in the order they were created (the order of the input lines). */
  lineItemGids: string[];
}

export interface PrecheckResult {
  /** The order already in Shopify under this source identifier or app metafield, if any. */
  existing: ShopifyOrderRef | null;
  /** The variants asked about; a gid missing here no longer exists. */
  variants: ShopifyVariantState[];
}

export interface OrderCreateLine {
  /** Null: a custom line item (no variant, no stock), used only when the merchant said "create anyway". */
  variantGid: string | null;
  quantity: number;
  title: string;
  sku: string | null;
  /** Decimal string in the order currency; null lets Shopify use the variant's price. */
  unitPrice: string | null;
  /** Tax for the whole line as the marketplace gave it (decimal string) and its rate (0.2). */
  tax: { amount: string; rate: number } | null;
  /** Shown on the line in Shopify (marketplace line id, customer options). */
  properties: { name: string; value: string }[];
}

export interface OrderCreateAddress {
  firstName: string;
  lastName: string;
  company: string | null;
  address1: string;
  address2: string | null;
  city: string;
  provinceCode: string | null;
  zip: string;
  countryCode: string;
  phone: string | null;
}

export interface OrderCreateRequest {
  currency: string;
  lines: OrderCreateLine[];
  shippingAddress: OrderCreateAddress | null;
  email: string | null;
  /** The marketplace order reference: what the look-up before create searches for. */
  sourceIdentifier: string;
  /** Value of the app metafield (`$app:marketplace_order`), unique per marketplace order. */
  metafieldValue: string;
  tags: string[];
  note: string | null;
  processedAt: string;
  /** What the marketplace paid, for the SALE transaction that makes the order paid. */
  paidAmount: string | null;
  test: boolean;
  /** Obey the stock policy (refuse when short) or ignore it (backorder, create anyway). */
  inventory: "obey-policy" | "ignore-policy";
}

export type ShopifyOrderError =
  | { kind: "throttled"; retryable: true; retryAfterMs: number }
  | { kind: "unavailable"; retryable: true; message: string }
  | { kind: "user-errors"; retryable: false; userErrors: { field: string[] | null; message: string; code: string | null }[] }
  | { kind: "failed"; retryable: false; message: string };

export interface ShopifyOrdersPort {
  /**
   * One call: the order by source identifier and by app metafield (either finding means "already
   * created"), and the state of the variants the lines map to.
   */
  precheck(input: { sourceIdentifier: string; metafieldValue: string; variantGids: string[] }): Promise<Result<PrecheckResult, ShopifyOrderError>>;
  /**
   * Sends orderCreate exactly once: never retried by the transport, because orderCreate has no
   * idempotency key and a lost answer may hide a created order. The caller looks up before retrying.
   */
  createOrder(input: OrderCreateRequest): Promise<Result<ShopifyOrderRef, ShopifyOrderError>>;
}

/** Adds the import job for one order; the worker wiring passes D's queue through this. */
export type EnqueueOrderImport = (shop: string, orderRecordId: string, options: { priority: number; runAt?: Date }) => Promise<void>;

export interface Clock {
  now(): Date;
}
