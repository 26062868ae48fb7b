import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { prisma as appPrisma } from "../../db.server";
import { enqueueJob } from "../../jobs/queue.server";

export type IncomingDelivery = {
  shop: string;
  /** As `authenticate.webhook` gives it, e.g. "INVENTORY_LEVELS_UPDATE". */
  topic: string;
  /** X-Shopify-Webhook-Id: unique per delivery, repeated when Shopify retries it. */
  webhookId: string;
  eventId?: string;
  triggeredAt?: string;
  /** Only the fields the handler uses (zod-parsed in the route), so no unneeded PII is stored. */
  payload: object;
};

export type RecordOptions = {
  /** Serial queue for topics whose handlers need order (e.g. `orders:<shop>`). */
  queueName?: string;
  /** Delay before processing, so a burst of deliveries can be handled together. */
  runAt?: Date;
  /** False when the route already handled the delivery itself: record it (as processed) for de-duplication only. */
  enqueue?: boolean;
};

/**
 * Records a webhook delivery and enqueues its processing job in one transaction. The unique key
 * (shop, topic, webhookId) makes a repeated delivery a no-op: no second row, no second job.
 * Returns whether this delivery was new.
 */
export async function recordAndEnqueue(
  delivery: IncomingDelivery,
  options: RecordOptions = {},
  db: PrismaClient = appPrisma,
): Promise<{ recorded: boolean; deliveryId: string | null }> {
  const id = randomUUID();
  const triggeredAt = delivery.triggeredAt ? new Date(delivery.triggeredAt) : null;
  return db.$transaction(async (tx) => {
    const { count } = await tx.webhookDelivery.createMany({
      data: [
        {
          id,
          shop: delivery.shop,
          topic: delivery.topic,
          webhookId: delivery.webhookId,
          eventId: delivery.eventId ?? null,
          triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
          payload: delivery.payload,
          ...(options.enqueue === false ? { status: "processed", processedAt: new Date() } : {}),
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) return { recorded: false, deliveryId: null };
    if (options.enqueue !== false) {
      await enqueueJob(tx, "webhook.process", { shop: delivery.shop, deliveryId: id }, {
        queueName: options.queueName,
        runAt: options.runAt,
      });
    }
    return { recorded: true, deliveryId: id };
  });
}
