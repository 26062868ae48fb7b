/**
 * The `inventory_levels/update` handler: the webhook only says "this item changed at this
 * location". We queue the item for a batch read of Shopify's current levels and wake the refresher;
 * the payload's own number is used only as a hint to read near-zero items first
 * (https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-inventory_levels/update).
 */
import { z } from "zod";
import { toGid } from "../../lib/ids";
import { NEAR_ZERO } from "./push-planner";
import type { EnqueueStockJob } from "./ports";
import { getStockSettings, markItemsDirty, type Db } from "./stock-store.server";

/** Only the fields we use; ids can exceed 2^53, so the gid string is preferred. */
export const InventoryLevelsUpdatePayload = z.object({
  inventory_item_id: z.union([z.number(), z.string()]),
  location_id: z.union([z.number(), z.string()]).optional(),
  available: z.number().int().nullable().optional(),
  updated_at: z.string().optional(),
  admin_graphql_api_id: z.string().optional(),
});

/** The gid of the inventory item a payload is about. */
export function inventoryItemGidOf(payload: z.infer<typeof InventoryLevelsUpdatePayload>): string {
  const fromLevelGid = payload.admin_graphql_api_id && /[?&]inventory_item_id=(\d+)/.exec(payload.admin_graphql_api_id)?.[1];
  return toGid("InventoryItem", fromLevelGid || String(payload.inventory_item_id));
}

export interface WebhookHandlerDeps {
  db: Db;
  enqueue: EnqueueStockJob;
}

export async function handleInventoryLevelsUpdate(
  deps: WebhookHandlerDeps,
  input: { shop: string; payload: unknown; receivedAt: Date },
): Promise<{ ok: true } | { ok: false; error: { kind: "invalid-payload"; retryable: false; message: string } }> {
  const parsed = InventoryLevelsUpdatePayload.safeParse(input.payload);
  if (!parsed.success) {
    return { ok: false, error: { kind: "invalid-payload", retryable: false, message: parsed.error.message } };
  }
  const settings = await getStockSettings(deps.db, input.shop);
  const available = parsed.data.available;
  const urgent = available != null && available <= settings.globalBuffer + NEAR_ZERO;
  await markItemsDirty(deps.db, input.shop, [inventoryItemGidOf(parsed.data)], input.receivedAt, urgent);
  await enqueueRefresh(deps.enqueue, input.shop);
  return { ok: true };
}

/**
 * One refresh runs per shop at a time (its own queue) and at most one waits (the job key): a burst
 * of webhooks during a run becomes one next run that reads every item the burst touched. No
 * `runAt` delay: the first change of a quiet period is read at once.
 */
export function enqueueRefresh(enqueue: EnqueueStockJob, shop: string) {
  return enqueue("inventory.refresh", { shop }, { jobKey: `inventory.refresh:${shop}`, queueName: `inventory-refresh:${shop}` });
}

/** Same pattern for the pusher; retries use a separate key so they never delay a fresh trigger. */
export function enqueuePush(enqueue: EnqueueStockJob, shop: string, runAt?: Date) {
  return enqueue(
    "inventory.push",
    { shop },
    runAt
      ? { jobKey: `inventory.push-retry:${shop}`, queueName: `inventory-push:${shop}`, runAt }
      : { jobKey: `inventory.push:${shop}`, queueName: `inventory-push:${shop}` },
  );
}
