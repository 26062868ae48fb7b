import type { PrismaClient } from "@prisma/client";
import { linesOf } from "./dispatch-records.server";

/** What the order page's admin block shows: marketplace status, deadlines and exceptions. */
export interface OrderMarketplaceStatus {
  linked: boolean;
  reference: string | null;
  marketplaceStatus: string | null;
  importStep: string | null;
  deadlines: { label: string; at: string }[];
  dispatches: { status: string; carrier: string | null; trackingNumber: string | null; units: number; problem: string | null }[];
  exceptions: string[];
  tasks: { title: string; instructions: string }[];
}

/** Reads one Shopify order's marketplace side for the admin block (read-only). */
export async function getOrderMarketplaceStatus(db: PrismaClient, shop: string, shopifyOrderGid: string): Promise<OrderMarketplaceStatus> {
  const order = await db.orderRecord.findFirst({
    where: { shop, shopifyOrderGid },
    include: { exceptions: { where: { resolvedAt: null }, select: { message: true } } },
  });
  if (!order) return { linked: false, reference: null, marketplaceStatus: null, importStep: null, deadlines: [], dispatches: [], exceptions: [], tasks: [] };
  const [dispatches, tasks, cancellations] = await Promise.all([
    db.dispatch.findMany({ where: { shop, shopifyOrderGid }, orderBy: { createdAt: "asc" } }),
    db.merchantTask.findMany({ where: { shop, marketplaceOrderId: order.marketplaceOrderId, doneAt: null } }),
    db.cancellation.findMany({ where: { shop, marketplaceOrderId: order.marketplaceOrderId, status: "failed" } }),
  ]);
  const deadlines: { label: string; at: string }[] = [];
  if (!order.acknowledgedAt) deadlines.push({ label: "Acknowledge by", at: order.acknowledgeBy.toISOString() });
  if (order.promisedDispatchDate) deadlines.push({ label: "Dispatch by", at: order.promisedDispatchDate });
  if (order.promisedDeliveryDate) deadlines.push({ label: "Deliver by", at: order.promisedDeliveryDate });
  const problem = (status: string, lastError: string | null, carrier: string | null) =>
    status === "blocked-unmapped-carrier"
      ? `Carrier "${carrier ?? "none"}" is not mapped`
      : status === "blocked-missing-tracking"
        ? "No tracking number"
        : status === "rejected"
          ? (lastError ?? "Refused by the marketplace")
          : status === "pending" && lastError
            ? lastError
            : null;
  return {
    linked: true,
    reference: order.reference,
    marketplaceStatus: order.marketplaceStatus,
    importStep: order.step,
    deadlines,
    dispatches: dispatches.map((d) => ({
      status: d.status,
      carrier: d.carrierName,
      trackingNumber: d.trackingNumber,
      units: linesOf(d).reduce((s, l) => s + l.quantity, 0),
      problem: problem(d.status, d.lastError, d.carrierName),
    })),
    exceptions: [...order.exceptions.map((e) => e.message), ...cancellations.map((c) => `Cancellation failed: ${c.lastError ?? "see tasks"}`)],
    tasks: tasks.map((t) => ({ title: t.title, instructions: t.instructions })),
  };
}
