import type { ActionFunctionArgs } from "@remix-run/node";
import { acknowledgeWebhook } from "../sync/webhooks/acknowledge-webhook.server";
import { InventoryLevelUpdate } from "../sync/webhooks/webhook-payloads";

/** inventory_levels/update: verify, record, enqueue `webhook.process`, 200 (handler: app/sync/webhooks/webhook-handlers.server.ts). */
export const action = ({ request }: ActionFunctionArgs) => acknowledgeWebhook(request, InventoryLevelUpdate);
