import type { ActionFunctionArgs } from "@remix-run/node";
import { acknowledgeWebhook } from "../sync/webhooks/acknowledge-webhook.server";
import { OrderCancelled, orderQueue } from "../sync/webhooks/webhook-payloads";

/** orders/cancelled: verify, record, enqueue `webhook.process`, 200 (handler: app/sync/webhooks/webhook-handlers.server.ts). */
export const action = ({ request }: ActionFunctionArgs) => acknowledgeWebhook(request, OrderCancelled, (shop) => ({ queueName: orderQueue(shop) }));
