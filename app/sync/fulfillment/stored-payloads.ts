import { z } from "zod";

/**
 * Webhook payloads as the routes stored them (the output of the transforms in
 * app/sync/webhooks/webhook-payloads.ts), parsed again when the job runs: the stored JSON is an
 * external boundary too (older rows, manual edits), and a drift must fail loudly.
 */
export const StoredFulfillment = z.object({
  fulfillmentGid: z.string(),
  orderGid: z.string(),
  status: z.string(),
  trackingCompany: z.string().nullable(),
  trackingNumbers: z.array(z.string()),
  trackingUrls: z.array(z.string()),
  lines: z.array(z.object({ lineItemGid: z.string(), quantity: z.number().int() })),
  updatedAt: z.string().nullable(),
});

export const StoredOrderCancelled = z.object({
  orderGid: z.string(),
  cancelReason: z.string().nullable(),
});

export const StoredRefundCreated = z.object({
  orderGid: z.string(),
  note: z.string().nullable(),
  lines: z.array(z.object({ lineItemGid: z.string(), quantity: z.number().int(), restockType: z.string().nullable() })),
});
