import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { uninstallShop } from "../sync/shop-lifecycle/uninstall-shop.server";
import { recordAndEnqueue } from "../sync/webhooks/record-and-enqueue.server";

/**
 * app/uninstalled: handled here rather than in a job, because the shop's waiting jobs are exactly
 * what must stop. Sessions, waiting jobs and the Shop's installed state change in one transaction.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { shop, topic, webhookId, eventId, triggeredAt } = await authenticate.webhook(request);
  await uninstallShop(shop);
  await recordAndEnqueue({ shop, topic: String(topic), webhookId, eventId, triggeredAt, payload: {} }, { enqueue: false });
  return new Response(null, { status: 200 });
}
