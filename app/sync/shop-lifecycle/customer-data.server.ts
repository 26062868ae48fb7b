import { z } from "zod";
import type { TaskContext, TaskOutcome } from "../../jobs/task";
import { err } from "../../lib/result";
import type { RecordedDelivery } from "../webhooks/webhook-handlers.server";
import { customerDataSources } from "./customer-data-sources.server";

/**
 * Shopify's mandatory customer privacy webhooks. The app stores no customer accounts, emails or
 * payment data; the only personal data it holds is what marketplace orders carry (names, delivery
 * addresses, phone numbers) in the order flow's tables. Each place that holds such data registers a
 * CustomerDataSource (customer-data-sources.server.ts).
 *
 * - customers/data_request: collects what every source holds for the listed orders and records it
 *   in the shop's AuditLog (action "compliance.customer-data-request"), for the merchant to send to
 *   the customer. Shopify gives 30 days.
 * - customers/redact: erases that data for the listed orders in every source and records the counts
 *   (no personal data) in AuditLog (action "compliance.customer-redact").
 */
export const CustomerDataRequestPayload = z.object({
  dataRequestId: z.string(),
  customerId: z.string(),
  ordersRequested: z.array(z.string()),
});
export const CustomerRedactPayload = z.object({
  customerId: z.string(),
  ordersToRedact: z.array(z.string()),
});

const toOrderGid = (id: string) => (id.startsWith("gid://") ? id : `gid://shopify/Order/${id}`);

export async function handleCustomersDataRequest(delivery: RecordedDelivery, { db }: TaskContext): Promise<TaskOutcome> {
  const parsed = CustomerDataRequestPayload.safeParse(delivery.payload);
  if (!parsed.success) return err({ kind: "invalid-payload", retryable: false, message: parsed.error.message });
  const orderGids = parsed.data.ordersRequested.map(toOrderGid);
  const found: Record<string, unknown[]> = {};
  for (const source of customerDataSources) {
    found[source.name] = await source.collect(db, delivery.shop, orderGids);
  }
  await db.auditLog.create({
    data: {
      shop: delivery.shop,
      actor: "shopify",
      action: "compliance.customer-data-request",
      entity: "Customer",
      entityId: parsed.data.customerId,
      after: { dataRequestId: parsed.data.dataRequestId, orders: orderGids, data: found } as object,
    },
  });
}

export async function handleCustomersRedact(delivery: RecordedDelivery, { db }: TaskContext): Promise<TaskOutcome> {
  const parsed = CustomerRedactPayload.safeParse(delivery.payload);
  if (!parsed.success) return err({ kind: "invalid-payload", retryable: false, message: parsed.error.message });
  const orderGids = parsed.data.ordersToRedact.map(toOrderGid);
  const erased: Record<string, number> = {};
  for (const source of customerDataSources) {
    erased[source.name] = await source.redact(db, delivery.shop, orderGids);
  }
  await db.auditLog.create({
    data: {
      shop: delivery.shop,
      actor: "shopify",
      action: "compliance.customer-redact",
      entity: "Customer",
      entityId: parsed.data.customerId,
      after: { orders: orderGids, erased },
    },
  });
}
