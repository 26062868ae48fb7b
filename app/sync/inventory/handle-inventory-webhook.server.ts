/**
 * The `inventory_levels/update` handler: the webhook only says "this item changed at this
 * location". We queue the item for a batch read of Shopify's current levels and wake the refresher;
 * the payload's own number is used only as a hint to read near-zero items first
 * (https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-inventory_levels/update).
 */
import { z } from "zod";
import { toGid } from "../../lib/ids";
import { err, ok, type Result } from "../../lib/result";
import { NEAR_ZERO } from "./push-planner";
import type { EnqueueStockJob } from "./ports";
import { getStockSettings, markItemsDirty, type Db } from "./stock-store.server";

/**
 * Shopify's payload (only the fields we use; ids can exceed 2^53, so the level gid's item id is
 * preferred), or the form the webhook route stores (app/sync/webhooks/webhook-payloads.ts).
 */
export const InventoryLevelsUpdatePayload = z.union([
  z.object({ inventoryItemGid: z.string().startsWith("gid://shopify/InventoryItem/"), available: z.number().int().nullable() }),
  z
    .object({
      inventory_item_id: z.union([z.number(), z.string()]),
      available: z.number().int().nullable().optional(),
      admin_graphql_api_id: z.string().optional(),
    })
    .transform((p) => {
      const exact = p.admin_graphql_api_id ? /[?&]inventory_item_id=(\d+)/.exec(p.admin_graphql_api_id)?.[1] : undefined;
      return { inventoryItemGid: toGid("InventoryItem", exact ?? String(p.inventory_item_id)) as string, available: p.available ?? null };
    }),
]);

export interface WebhookHandlerDeps {
  db: Db;
  enqueue: EnqueueStockJob;
}

export async function handleInventoryLevelsUpdate(
  deps: WebhookHandlerDeps,
  input: { shop: string; payload: unknown; receivedAt: Date },
): Promise<Result<void, { kind: "invalid-payload"; retryable: false; message: string }>> {
  const parsed = InventoryLevelsUpdatePayload.safeParse(input.payload);
  if (!parsed.success) return err({ kind: "invalid-payload", retryable: false, message: parsed.error.message });
  const settings = await getStockSettings(deps.db, input.shop);
  const available = parsed.data.available;
  const urgent = available != null && available <= settings.globalBuffer + NEAR_ZERO;
  await markItemsDirty(deps.db, input.shop, [parsed.data.inventoryItemGid], input.receivedAt, urgent);
  await enqueueRefresh(deps.enqueue, input.shop);
  return ok(undefined);
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

/** The handler registered for INVENTORY_LEVELS_UPDATE in app/sync/webhooks/webhook-handlers.server.ts. */
export async function handleInventoryLevelsUpdateDelivery(
  delivery: { shop: string; payload: unknown; triggeredAt: Date | null },
  context: { db: Db; now: () => Date },
) {
  const { enqueueStockJob } = await import("../../jobs/tasks/inventory-handlers.server");
  return handleInventoryLevelsUpdate(
    { db: context.db, enqueue: enqueueStockJob },
    // The latency clock starts when Shopify says the change happened, when it says.
    { shop: delivery.shop, payload: delivery.payload, receivedAt: delivery.triggeredAt ?? context.now() },
  );
}
