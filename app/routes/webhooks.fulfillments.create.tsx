import type { ActionFunctionArgs } from "@remix-run/node";
import { acknowledgeWebhook } from "../sync/webhooks/acknowledge-webhook.server";
import { FulfillmentEvent, orderQueue } from "../sync/webhooks/webhook-payloads";

/** fulfillments/create: verify, record, enqueue `webhook.process`, 200 (handler: app/sync/webhooks/webhook-handlers.server.ts). */
export const action = ({ request }: ActionFunctionArgs) => acknowledgeWebhook(request, FulfillmentEvent, (shop) => ({ queueName: orderQueue(shop) }));
