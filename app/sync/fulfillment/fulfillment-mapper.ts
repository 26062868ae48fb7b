import { marketplaceLineId, marketplaceSku } from "../../lib/ids";
import type { OrderLineRef } from "../../marketplace/marketplace-gateway";
import type { LinkedLine, RecordedLine } from "./order-link";

/** A Shopify fulfillment line as the webhook payload gives it (already parsed). */
export interface FulfilledLine {
  lineItemGid: string;
  quantity: number;
}

export interface LineMapping {
  /** The marketplace lines and quantities this fulfillment ships. */
  lines: RecordedLine[];
  /** Shopify line items with no marketplace line (added by the merchant): not confirmed. */
  unlinked: FulfilledLine[];
  /** Units fulfilled beyond what the marketplace lines still expect (over-fulfilment). */
  excess: { lineItemGid: string; quantity: number }[];
}

/**
 * Maps a fulfillment's lines onto the marketplace lines of the linked order. Partial fulfilments
 * carry only their own lines and quantities. When several marketplace lines share one Shopify line
 * item, units fill them in order, skipping what earlier parcels (`alreadyShipped`, per marketplace
 * line) already carried, so split parcels never confirm a unit twice.
 */
export function mapFulfillmentLines(
  fulfilled: FulfilledLine[],
  linked: LinkedLine[],
  alreadyShipped: ReadonlyMap<string, number> = new Map(),
): LineMapping {
  const shipped = new Map(alreadyShipped);
  const result: LineMapping = { lines: [], unlinked: [], excess: [] };
  for (const f of fulfilled) {
    if (f.quantity <= 0) continue;
    const candidates = linked.filter((l) => l.lineItemGid === f.lineItemGid);
    if (candidates.length === 0) {
      result.unlinked.push(f);
      continue;
    }
    let left = f.quantity;
    for (const line of candidates) {
      const room = line.quantity - (shipped.get(line.lineId) ?? 0);
      const take = Math.min(room, left);
      if (take <= 0) continue;
      shipped.set(line.lineId, (shipped.get(line.lineId) ?? 0) + take);
      const existing = result.lines.find((l) => l.lineId === line.lineId);
      if (existing) existing.quantity += take;
      else result.lines.push({ lineId: line.lineId, sku: line.sku, quantity: take, lineItemGid: line.lineItemGid });
      left -= take;
    }
    if (left > 0) result.excess.push({ lineItemGid: f.lineItemGid, quantity: left });
  }
  return result;
}

/** Units per marketplace line across recorded parcels. */
export function shippedPerLine(parcels: { lines: RecordedLine[] }[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const p of parcels) for (const l of p.lines) totals.set(l.lineId, (totals.get(l.lineId) ?? 0) + l.quantity);
  return totals;
}

export function toLineRefs(lines: RecordedLine[]): OrderLineRef[] {
  return lines.map((l) => ({ lineId: marketplaceLineId(l.lineId), sku: marketplaceSku(l.sku), quantity: l.quantity }));
}

export type DispatchStatus =
  | "pending"
  | "sent"
  | "rejected"
  | "blocked-unmapped-carrier"
  | "blocked-missing-tracking"
  | "cancelled";

/**
 * What a parcel needs before it can be confirmed: a carrier the merchant mapped and a tracking
 * number (Virtualstock requires both; a dispatch without them would be refused anyway).
 */
export function readiness(input: { carrierKey: string | null; trackingNumber: string | null; mappedCode: string | null }): "pending" | "blocked-unmapped-carrier" | "blocked-missing-tracking" {
  if (!input.carrierKey || !input.mappedCode) return "blocked-unmapped-carrier";
  if (!input.trackingNumber) return "blocked-missing-tracking";
  return "pending";
}

export interface TrackingState {
  status: DispatchStatus;
  carrierKey: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  sentCarrierCode: string | null;
  sentTrackingNumber: string | null;
}

export type TrackingChange =
  /** Nothing the marketplace needs to know changed. */
  | { action: "none" }
  /** Not confirmed yet: the new tracking replaces the old one and goes out with the dispatch. */
  | { action: "replace" }
  /**
   * Already confirmed with other tracking. The port has no tracking-update call and Virtualstock
   * refuses a second dispatch of already-dispatched units, so the merchant corrects it in the portal.
   */
  | { action: "merchant-task" };

/** Decides what a fulfillments/update means for a parcel we already recorded. */
export function planTrackingChange(
  current: TrackingState,
  incoming: { carrierKey: string | null; trackingNumber: string | null; trackingUrl: string | null },
  mappedCode: string | null,
): TrackingChange {
  const same =
    current.carrierKey === incoming.carrierKey &&
    current.trackingNumber === incoming.trackingNumber &&
    current.trackingUrl === incoming.trackingUrl;
  if (current.status === "cancelled") return { action: "none" };
  if (current.status !== "sent") return same ? { action: "none" } : { action: "replace" };
  const sentSame = current.sentTrackingNumber === incoming.trackingNumber && (mappedCode === null || current.sentCarrierCode === mappedCode);
  return sentSame ? { action: "none" } : { action: "merchant-task" };
}
