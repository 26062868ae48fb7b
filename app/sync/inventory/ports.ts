import type { Result } from "../../lib/result";

/** One inventory item's levels as Shopify reports them now. */
export interface InventoryItemLevels {
  inventoryItemGid: string;
  tracked: boolean;
  levels: { locationId: string; available: number | null; updatedAt: string | null }[];
}

/** A Shopify variant as the mapping page and the auto-matcher need it. */
export interface ShopifyVariantRef {
  variantGid: string;
  inventoryItemGid: string;
  sku: string | null;
  barcode: string | null;
  title: string;
  tracked: boolean;
}

export type ShopifyReadError =
  | { kind: "throttled"; retryable: true; retryAfterMs: number }
  | { kind: "unavailable"; retryable: true; message: string }
  | { kind: "failed"; retryable: false; message: string };

/**
 * What the stock flow reads from Shopify. The implementation batches many items per GraphQL call
 * and obeys the cost throttle (app/shopify-admin/inventory-queries.server.ts).
 */
export interface InventoryReader {
  /**
   * Current levels of these inventory items (unknown ids are simply absent from the answer). With
   * `locationIds`, only those locations' levels are needed (a much cheaper query).
   */
  readLevels(itemGids: readonly string[], locationIds?: readonly string[]): Promise<Result<InventoryItemLevels[], ShopifyReadError>>;
  /** Every variant of the shop, one page at a time, for auto-matching. */
  listVariants(): AsyncIterable<Result<ShopifyVariantRef[], ShopifyReadError>>;
  /** Levels at these locations of every inventory item of the shop, in chunks (bulk operation), for reconciliation. */
  readAllLevels(locationIds: readonly string[]): AsyncIterable<Result<InventoryItemLevels[], ShopifyReadError>>;
  /** The shop's active locations (choosing which feed the marketplace). */
  listLocations(): Promise<Result<{ id: string; name: string }[], ShopifyReadError>>;
}

/** Adds a background job; the worker wiring passes D's `enqueueJob` through this. */
export type EnqueueStockJob = (
  task: "inventory.refresh" | "inventory.push" | "inventory.reconcile",
  payload: Record<string, unknown>,
  options?: { runAt?: Date; jobKey?: string; queueName?: string },
) => Promise<void>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
