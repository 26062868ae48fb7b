/**
 * The `inventory_levels/update` acknowledgement in one SQL statement: record the delivery (unique
 * (shop, topic, webhookId), so a repeat is a no-op), mark its inventory item dirty for the next
 * batch read, and add or coalesce the shop's ONE refresh job. Nothing else happens per webhook: in
 * a sale rush Shopify sends ~100 a second, and one `webhook.process` job per delivery cost the
 * worker more than the reads it triggered (docs/decisions/007-stock-push-design.md).
 */
import { tasks } from "../../jobs/tasks";
import { DEFAULT_MAX_ATTEMPTS } from "../../jobs/task";
import { NEAR_ZERO } from "./push-planner";

/** A pg pool or client: anything that runs one parameterised statement. */
export interface SqlRunner {
  query<R extends object>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

/** The fields of the delivery the stock flow uses (parsed by the route, InventoryLevelUpdate). */
export interface InventoryDelivery {
  shop: string;
  webhookId: string;
  eventId?: string;
  /** When Shopify says the change happened (X-Shopify-Triggered-At); the latency clock starts there. */
  triggeredAt?: string;
  payload: { inventoryItemGid: string; locationGid: string; available: number | null; updatedAt: string };
}

/** graphile-worker coalescing keys of the refresher; the worker-side code enqueues with the same. */
export const refreshJobKey = (shop: string) => `inventory.refresh:${shop}`;
export const refreshQueue = (shop: string) => `inventory-refresh:${shop}`;

// Timestamps are Prisma's `timestamp(3)` without time zone, holding UTC: convert explicitly so the
// session's TimeZone setting cannot shift them.
// The job: `preserve_run_at` keeps a waiting job's (already due) run time, so a stream of webhooks
// never postpones the read it is waiting for (with "replace" and a future runAt, 100 webhooks a
// second would push it back for ever). A job that is running is locked: add_job then creates the
// next one, which runs as soon as the current run ends and reads everything dirtied meanwhile. No
// future runAt: the worker hears about a due job at once (LISTEN/NOTIFY), but only polls for
// future ones.
const SQL = `
WITH delivery AS (
  INSERT INTO "WebhookDelivery" ("id", "shop", "topic", "webhookId", "eventId", "triggeredAt", "receivedAt", "payload", "status", "processedAt")
  VALUES (gen_random_uuid()::text, $1, 'INVENTORY_LEVELS_UPDATE', $2, $3,
    ($4::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), $5::jsonb, 'processed', (now() AT TIME ZONE 'UTC'))
  ON CONFLICT ("shop", "topic", "webhookId") DO NOTHING
  RETURNING 1
), dirty AS (
  INSERT INTO "StockDirtyItem" ("shop", "inventoryItemGid", "dirtiedAt", "urgent")
  SELECT $1, $6, COALESCE(($4::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC')),
    $7::int IS NOT NULL AND $7::int <= COALESCE((SELECT "globalBuffer" FROM "StockSettings" WHERE "shop" = $1), 0) + ${NEAR_ZERO}
  WHERE EXISTS (SELECT 1 FROM delivery)
  ON CONFLICT ("shop", "inventoryItemGid") DO UPDATE SET "urgent" = "StockDirtyItem"."urgent" OR EXCLUDED."urgent"
  RETURNING 1
), job AS (
  SELECT graphile_worker.add_job('inventory.refresh', json_build_object('shop', $1::text),
    queue_name => $8::text, max_attempts => $9::int, job_key => $10::text, job_key_mode => 'preserve_run_at')
  WHERE EXISTS (SELECT 1 FROM dirty)
)
SELECT (SELECT count(*) FROM delivery)::int AS recorded, (SELECT count(*) FROM job)::int AS enqueued`;

/** Records one delivery; `recorded` is false for a repeat (nothing else was done). */
export async function recordInventoryWebhook(sql: SqlRunner, delivery: InventoryDelivery): Promise<{ recorded: boolean }> {
  const triggeredAt = delivery.triggeredAt && !Number.isNaN(Date.parse(delivery.triggeredAt)) ? delivery.triggeredAt : null;
  const { rows } = await sql.query<{ recorded: number }>(SQL, [
    delivery.shop,
    delivery.webhookId,
    delivery.eventId ?? null,
    triggeredAt,
    JSON.stringify(delivery.payload),
    delivery.payload.inventoryItemGid,
    delivery.payload.available,
    refreshQueue(delivery.shop),
    tasks["inventory.refresh"].maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    refreshJobKey(delivery.shop),
  ]);
  return { recorded: (rows[0]?.recorded ?? 0) > 0 };
}
