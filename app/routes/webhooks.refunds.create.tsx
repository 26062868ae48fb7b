import type { ActionFunctionArgs } from "@remix-run/node";
import { acknowledgeWebhook } from "../sync/webhooks/acknowledge-webhook.server";
import { RefundCreated, orderQueue } from "../sync/webhooks/webhook-payloads";

/** refunds/create: verify, record, enqueue `webhook.process`, 200 (handler: app/sync/webhooks/webhook-handlers.server.ts). */
export const action = ({ request }: ActionFunctionArgs) => acknowledgeWebhook(request, RefundCreated, (shop) => ({ queueName: orderQueue(shop) }));
