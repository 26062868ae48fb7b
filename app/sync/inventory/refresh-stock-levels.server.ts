/**
 * Turns "these inventory items changed" into desired marketplace quantities. A webhook is only a
 * trigger: Shopify may deliver two quick changes both carrying the final value, late, or not at
 * all, so the quantity always comes from Shopify's current levels, read in batches for the items
 * that changed since the last run.
 */
import { err, ok, type Result } from "../../lib/result";
import { publishedQuantity } from "./published-quantity";
import type { Clock, InventoryItemLevels, InventoryReader, ShopifyReadError } from "./ports";
import {
  getStockSettings,
  mappingsForItems,
  markItemsDirty,
  recordDesired,
  takeDirtyItems,
  type Db,
  type DesiredReading,
  type MappedItem,
  type StockSettingsView,
} from "./stock-store.server";

export interface RefreshDeps {
  db: Db;
  shopify: InventoryReader;
  clock: Clock;
}

/**
 * Items taken from the refresh queue per round. Small rounds keep urgent (near-zero) items that
 * arrive meanwhile from waiting behind a long read, and hand work to the pusher sooner: when the
 * Admin cost bucket is empty (a sale rush) a round waits for its own cost to refill, 3 points an
 * item at 100 points/s, so 25 items wait under a second where 100 waited three.
 */
export const REFRESH_ROUND_SIZE = 25;

export interface RefreshOutcome {
  itemsRead: number;
  /** SKUs whose desired quantity now differs from what the marketplace shows. */
  pending: number;
}

/** Computes one SKU's reading from its item's levels. */
export function toReading(
  mapping: MappedItem,
  item: InventoryItemLevels | undefined,
  settings: StockSettingsView,
  readAt: Date,
  changedAt: Date,
): DesiredReading {
  const chosen = new Set(settings.publishedLocationIds);
  const decision = publishedQuantity({
    mapped: true,
    // An item Shopify no longer returns (deleted) counts as untracked: publish nothing new.
    tracked: item?.tracked ?? false,
    levels: item?.levels ?? [],
    publishedLocationIds: settings.publishedLocationIds,
    globalBuffer: settings.globalBuffer,
    skuBuffer: mapping.bufferOverride,
  });
  let sourceAt = 0;
  for (const level of item?.levels ?? []) {
    if (!chosen.has(level.locationId) || level.updatedAt == null) continue;
    sourceAt = Math.max(sourceAt, Date.parse(level.updatedAt) || 0);
  }
  return {
    marketplaceSku: mapping.marketplaceSku,
    inventoryItemGid: mapping.inventoryItemGid,
    quantity: decision.publish ? decision.quantity : null,
    // Without Shopify's own timestamp the read time is the version (the later read wins).
    sourceAt: new Date(sourceAt > 0 ? sourceAt : readAt.getTime()),
    readAt,
    changedAt,
  };
}

/** Reads and records the given items now (used by the refresh queue and by reconciliation). */
export async function readAndRecord(
  deps: RefreshDeps,
  shop: string,
  items: readonly { inventoryItemGid: string; dirtiedAt: Date }[],
  settings: StockSettingsView,
): Promise<Result<RefreshOutcome, ShopifyReadError>> {
  const mappings = await mappingsForItems(deps.db, shop, items.map((i) => i.inventoryItemGid));
  if (mappings.length === 0) return ok({ itemsRead: 0, pending: 0 });
  const wanted = [...new Set(mappings.map((m) => m.inventoryItemGid))];
  const readAt = deps.clock.now();
  const levels = await deps.shopify.readLevels(wanted, settings.publishedLocationIds);
  if (!levels.ok) return levels;
  const byItem = new Map(levels.value.map((l) => [l.inventoryItemGid, l]));
  const dirtiedAt = new Map(items.map((i) => [i.inventoryItemGid, i.dirtiedAt]));
  const readings = mappings.map((m) =>
    toReading(m, byItem.get(m.inventoryItemGid), settings, readAt, dirtiedAt.get(m.inventoryItemGid) ?? readAt),
  );
  const pending = await recordDesired(deps.db, shop, readings);
  return ok({ itemsRead: wanted.length, pending });
}

/**
 * Drains the refresh queue for a shop. Items taken but not read (Shopify throttled or failed) go
 * back into the queue, so nothing a webhook announced is lost when the job is retried.
 */
export async function refreshStockLevels(
  deps: RefreshDeps,
  shop: string,
  /** Called after each round that left SKUs to push, so pushing starts while reading goes on. */
  afterRound?: (round: RefreshOutcome) => Promise<void>,
): Promise<Result<RefreshOutcome, ShopifyReadError>> {
  const settings = await getStockSettings(deps.db, shop);
  const total: RefreshOutcome = { itemsRead: 0, pending: 0 };
  for (;;) {
    const items = await takeDirtyItems(deps.db, shop, REFRESH_ROUND_SIZE);
    if (items.length === 0) return ok(total);
    let outcome: Result<RefreshOutcome, ShopifyReadError>;
    try {
      outcome = await readAndRecord(deps, shop, items, settings);
    } catch (e) {
      await requeue(deps.db, shop, items);
      throw e;
    }
    if (!outcome.ok) {
      await requeue(deps.db, shop, items);
      return err(outcome.error);
    }
    total.itemsRead += outcome.value.itemsRead;
    total.pending += outcome.value.pending;
    if (afterRound && outcome.value.pending > 0) await afterRound(outcome.value);
  }
}

async function requeue(db: Db, shop: string, items: readonly { inventoryItemGid: string; dirtiedAt: Date }[]) {
  // Keep the original times so latency figures stay honest; one statement per distinct time is
  // overkill, the earliest is close enough for a retry.
  const earliest = items.reduce((min, i) => (i.dirtiedAt < min ? i.dirtiedAt : min), items[0].dirtiedAt);
  await markItemsDirty(db, shop, items.map((i) => i.inventoryItemGid), earliest);
}
