import { Prisma } from "@prisma/client";
import { ok, type Result } from "../../lib/result";
import { normalizeCarrierName } from "./carrier-names";
import { mapFulfillmentLines, planTrackingChange, readiness, shippedPerLine, type DispatchStatus } from "./fulfillment-mapper";
import { addMerchantTask, jsonLines, linesOf, LIVE_STATUSES } from "./dispatch-records.server";
import type { FlowDeps, PortError } from "./ports";

/** A fulfillment as the webhook route stored it (app/sync/webhooks/webhook-payloads.ts FulfillmentEvent). */
export interface FulfillmentInput {
  fulfillmentGid: string;
  orderGid: string;
  /** REST status: success, cancelled, error, failure, open, pending. */
  status: string;
  trackingCompany: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
  lines: { lineItemGid: string; quantity: number }[];
  /** When Shopify created the fulfillment (dispatch date); defaults to now. */
  createdAt?: string | null;
}

export type RecordOutcome =
  | { outcome: "not-marketplace-order" }
  | { outcome: "no-marketplace-lines" }
  | { outcome: "recorded"; dispatchId: string; status: DispatchStatus }
  | { outcome: "unchanged"; dispatchId: string }
  | { outcome: "tracking-replaced"; dispatchId: string; status: DispatchStatus }
  | { outcome: "merchant-task"; dispatchId: string }
  | { outcome: "cancelled"; dispatchId: string };

const CANCELLED_STATUSES = new Set(["cancelled", "canceled", "error", "failure"]);

/**
 * fulfillments/create and fulfillments/update (and the reconciliation, for fulfillments whose
 * webhook was lost): records the parcel for the linked marketplace order and queues its
 * confirmation. A parcel whose carrier is not mapped is recorded as blocked at once, so it shows
 * on the dispatches, orders and home pages; mapping the carrier releases it.
 */
export async function recordFulfillment(deps: FlowDeps, shop: string, f: FulfillmentInput): Promise<Result<RecordOutcome, PortError>> {
  const link = await deps.links.byShopifyOrder(shop, f.orderGid);
  if (!link) return ok({ outcome: "not-marketplace-order" });

  const carrierKey = f.trackingCompany ? normalizeCarrierName(f.trackingCompany) || null : null;
  const trackingNumber = f.trackingNumbers.find((n) => n.trim() !== "")?.trim() ?? null;
  const trackingUrl = f.trackingUrls.find((u) => u.trim() !== "")?.trim() ?? null;
  const mapping = carrierKey ? await deps.db.carrierMapping.findUnique({ where: { shop_shopifyCarrier: { shop, shopifyCarrier: carrierKey } } }) : null;
  const mappedCode = mapping?.carrierCode ?? null;
  const existing = await deps.db.dispatch.findUnique({ where: { shop_fulfillmentGid: { shop, fulfillmentGid: f.fulfillmentGid } } });
  const now = deps.now();

  if (CANCELLED_STATUSES.has(f.status.toLowerCase())) {
    if (!existing) return ok({ outcome: "no-marketplace-lines" });
    if (existing.status === "sent") {
      await addMerchantTask(deps.db, {
        shop,
        sourceKey: `fulfillment-cancelled:${f.fulfillmentGid}`,
        kind: "portal-dispatch-correction",
        marketplaceOrderId: existing.marketplaceOrderId,
        marketplaceOrderRef: existing.marketplaceOrderRef,
        title: `Fulfillment cancelled after it was confirmed (order ${existing.marketplaceOrderRef ?? existing.marketplaceOrderId})`,
        instructions:
          "The marketplace was already told these units shipped. If they did not leave, correct the dispatch in the marketplace portal (Orders > the order > the dispatched lines) or contact marketplace support.",
      });
      return ok({ outcome: "merchant-task", dispatchId: existing.id });
    }
    await deps.db.dispatch.update({ where: { id: existing.id }, data: { status: "cancelled", stuckSince: null } });
    return ok({ outcome: "cancelled", dispatchId: existing.id });
  }

  if (existing) {
    const change = planTrackingChange(
      { ...existing, status: existing.status as DispatchStatus },
      { carrierKey, trackingNumber, trackingUrl },
      mappedCode,
    );
    if (change.action === "none") return ok({ outcome: "unchanged", dispatchId: existing.id });
    if (change.action === "merchant-task") {
      await deps.db.$transaction(async (tx) => {
        await tx.dispatch.update({ where: { id: existing.id }, data: { carrierName: f.trackingCompany, carrierKey, trackingNumber, trackingUrl } });
        await addMerchantTask(tx, {
          shop,
          sourceKey: `tracking:${f.fulfillmentGid}:${carrierKey ?? ""}:${trackingNumber ?? ""}`,
          kind: "portal-tracking-update",
          marketplaceOrderId: existing.marketplaceOrderId,
          marketplaceOrderRef: existing.marketplaceOrderRef,
          title: `Tracking changed after dispatch (order ${existing.marketplaceOrderRef ?? existing.marketplaceOrderId})`,
          instructions: `The marketplace has ${existing.sentCarrierCode ?? "?"} ${existing.sentTrackingNumber ?? "?"}; Shopify now says ${f.trackingCompany ?? "no carrier"} ${trackingNumber ?? "no tracking number"}. The marketplace API takes tracking only once per dispatched unit, so update the tracking on the dispatched lines in the marketplace portal.`,
        });
      });
      return ok({ outcome: "merchant-task", dispatchId: existing.id });
    }
    const status = readiness({ carrierKey, trackingNumber, mappedCode });
    await deps.db.$transaction(async (tx) => {
      await tx.dispatch.update({
        where: { id: existing.id },
        data: { carrierName: f.trackingCompany, carrierKey, trackingNumber, trackingUrl, status, lastError: null },
      });
      if (status === "pending") await deps.enqueue(tx, { task: "fulfillment.dispatch", payload: { shop, dispatchId: existing.id } });
    });
    return ok({ outcome: "tracking-replaced", dispatchId: existing.id, status });
  }

  const earlier = await deps.db.dispatch.findMany({
    where: { shop, marketplaceOrderId: link.marketplaceOrderId, status: { in: LIVE_STATUSES } },
    select: { lines: true },
  });
  const mapped = mapFulfillmentLines(f.lines, link.lines, shippedPerLine(earlier.map((d) => ({ lines: linesOf(d) }))));
  if (mapped.lines.length === 0) return ok({ outcome: "no-marketplace-lines" });
  const status = readiness({ carrierKey, trackingNumber, mappedCode });
  const notes = [
    mapped.unlinked.length ? `${mapped.unlinked.length} Shopify line(s) not on the marketplace order were left out.` : null,
    mapped.excess.length ? `${mapped.excess.reduce((s, e) => s + e.quantity, 0)} unit(s) beyond the marketplace quantities were left out.` : null,
  ].filter((n): n is string => n !== null);

  try {
    const id = await deps.db.$transaction(async (tx) => {
      const row = await tx.dispatch.create({
        data: {
          shop,
          fulfillmentGid: f.fulfillmentGid,
          shopifyOrderGid: f.orderGid,
          marketplaceOrderId: link.marketplaceOrderId,
          marketplaceOrderRef: link.marketplaceOrderRef,
          lines: jsonLines(mapped.lines),
          carrierName: f.trackingCompany,
          carrierKey,
          trackingNumber,
          trackingUrl,
          fulfilledAt: f.createdAt ? new Date(f.createdAt) : now,
          createdAt: now,
          status,
          lastError: notes.length ? notes.join(" ") : null,
        },
      });
      if (status === "pending") await deps.enqueue(tx, { task: "fulfillment.dispatch", payload: { shop, dispatchId: row.id } });
      return row.id;
    });
    return ok({ outcome: "recorded", dispatchId: id, status });
  } catch (error) {
    // Another run recorded the same fulfillment first: treat this one as a repeat.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const row = await deps.db.dispatch.findUniqueOrThrow({ where: { shop_fulfillmentGid: { shop, fulfillmentGid: f.fulfillmentGid } } });
      return ok({ outcome: "unchanged", dispatchId: row.id });
    }
    throw error;
  }
}
