/**
 * What the marketplace may sell of one SKU: the sum of `available` at the locations the merchant
 * publishes, minus the buffer held back (a per-SKU buffer replaces the global one), never below
 * zero. Anything that is not known to be safe to publish yields `null`, which means "do not
 * publish", never zero: an untracked item has no meaningful count, and an unmapped one has no
 * marketplace SKU.
 */
export interface PublishInputs {
  tracked: boolean;
  mapped: boolean;
  /** `available` per location id, as Shopify reports it (may be negative when oversold). */
  levels: { locationId: string; available: number | null }[];
  publishedLocationIds: readonly string[];
  globalBuffer: number;
  skuBuffer: number | null;
}

export type PublishDecision =
  | { publish: true; quantity: number; available: number; buffer: number }
  | { publish: false; reason: "untracked" | "unmapped" | "no-published-location" };

export function publishedQuantity(input: PublishInputs): PublishDecision {
  if (!input.mapped) return { publish: false, reason: "unmapped" };
  if (!input.tracked) return { publish: false, reason: "untracked" };
  if (input.publishedLocationIds.length === 0) return { publish: false, reason: "no-published-location" };
  const chosen = new Set(input.publishedLocationIds);
  let available = 0;
  for (const level of input.levels) {
    // A negative level (oversold at that location) is kept in the sum: those units are owed to
    // orders already taken, and hiding the debt would publish stock that is not really free.
    if (chosen.has(level.locationId) && level.available != null) available += level.available;
  }
  const buffer = Math.max(0, input.skuBuffer ?? input.globalBuffer);
  return { publish: true, quantity: Math.max(0, available - buffer), available, buffer };
}
