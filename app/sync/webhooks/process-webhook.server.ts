import { shopDomain } from "../../lib/ids";
import type { TaskContext, TaskHandler } from "../../jobs/task";
import { webhookHandlers, type WebhookHandler } from "./webhook-handlers.server";

type Lookup = (topic: string) => Promise<WebhookHandler | undefined>;

const registryLookup: Lookup = async (topic) => webhookHandlers[topic]?.();

/**
 * The `webhook.process` job: runs the handler registered for the delivery's topic and records the
 * result on the delivery. Idempotent: a delivery that is no longer "received" is left alone.
 */
export function createProcessWebhook(lookup: Lookup = registryLookup): TaskHandler<{ shop: string; deliveryId: string }> {
  return async ({ shop, deliveryId }, context: TaskContext) => {
    const { db } = context;
    const delivery = await db.webhookDelivery.findFirst({ where: { id: deliveryId, shop } });
    // Gone (the shop was redacted) or already handled by an earlier run.
    if (!delivery || delivery.status !== "received") return;

    const handler = await lookup(delivery.topic);
    if (!handler) {
      await db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "skipped", processedAt: context.now() } });
      return;
    }
    const outcome = await handler(
      {
        id: delivery.id,
        shop: shopDomain(delivery.shop),
        topic: delivery.topic,
        webhookId: delivery.webhookId,
        payload: delivery.payload,
        triggeredAt: delivery.triggeredAt,
      },
      context,
    );
    const failed = outcome && !outcome.ok;
    const final = !failed || !outcome.error.retryable || context.job.attempt >= context.job.maxAttempts;
    if (final) {
      // updateMany: the handler may have deleted the delivery (shop/redact deletes everything).
      await db.webhookDelivery.updateMany({
        where: { id: delivery.id },
        data: { status: failed ? "failed" : "processed", processedAt: context.now() },
      });
    }
    return outcome;
  };
}

export const processWebhookTask = createProcessWebhook();
