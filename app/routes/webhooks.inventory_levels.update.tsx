import type { ActionFunctionArgs } from "@remix-run/node";
import { sharedPool } from "../jobs/pool.server";
import { recordInventoryWebhook } from "../sync/inventory/record-inventory-webhook.server";
import { acknowledgeWebhook } from "../sync/webhooks/acknowledge-webhook.server";
import { InventoryLevelUpdate } from "../sync/webhooks/webhook-payloads";

/**
 * inventory_levels/update: verify, then in one statement record the delivery, mark the item dirty
 * and coalesce the shop's refresh job; 200 (app/sync/inventory/record-inventory-webhook.server.ts).
 */
export const action = ({ request }: ActionFunctionArgs) =>
  acknowledgeWebhook(request, InventoryLevelUpdate, {
    record: (delivery) =>
      recordInventoryWebhook(sharedPool(), {
        shop: delivery.shop,
        webhookId: delivery.webhookId,
        eventId: delivery.eventId,
        triggeredAt: delivery.triggeredAt,
        payload: delivery.payload,
      }),
  });
