import type { z } from "zod";
import { authenticate } from "../../shopify.server";
import { recordAndEnqueue, type IncomingDelivery, type RecordOptions } from "./record-and-enqueue.server";

/**
 * The whole of a webhook route: verify the HMAC (`authenticate.webhook` throws 401 on a forged one,
 * before anything is stored), keep only the fields the flow uses, record the delivery and enqueue
 * its processing in one transaction, and answer 200. Shopify waits at most 5 s and retries on any
 * non-2xx; a repeated delivery is a no-op.
 */
export async function acknowledgeWebhook<T extends object = object>(
  request: Request,
  /** The payload schema, or one per topic for routes that receive several topics. */
  schema: z.ZodType<T, unknown> | Partial<Record<string, z.ZodType<object, unknown>>>,
  options: ((shop: string) => RecordOptions) | { record: (delivery: IncomingDelivery & { payload: T }) => Promise<unknown> } = () => ({}),
): Promise<Response> {
  const { shop, topic, webhookId, eventId, triggeredAt, payload } = await authenticate.webhook(request);
  const topicSchema = isSchema(schema) ? schema : schema[String(topic)];
  if (!topicSchema) return new Response(`Unexpected topic ${String(topic)}`, { status: 400 });
  const parsed = topicSchema.safeParse(payload);
  if (!parsed.success) {
    // Signed by Shopify but not the shape we rely on: answering 400 makes Shopify retry and, if it
    // persists, report failing deliveries to the developer, rather than silently dropping data.
    return new Response(`Unexpected ${topic} payload: ${parsed.error.issues[0]?.message ?? "invalid"}`, { status: 400 });
  }
  // The topic's schema is the route's own: for a single-schema route it is the `T` it declared.
  const delivery = { shop, topic: String(topic), webhookId, eventId, triggeredAt, payload: parsed.data as T };
  // A flow whose whole handling fits in the acknowledgement's own statement records it itself
  // (inventory_levels/update); every other topic gets a `webhook.process` job.
  if (typeof options === "function") await recordAndEnqueue(delivery, options(shop));
  else await options.record(delivery);
  return new Response(null, { status: 200 });
}

function isSchema(value: unknown): value is z.ZodType<object, unknown> {
  return typeof (value as { safeParse?: unknown }).safeParse === "function";
}
