import { marketplaceOrderId } from "../../lib/ids";
import { err, ok, type Result } from "../../lib/result";
import { describeMarketplaceError, type MarketplaceError } from "../../marketplace/marketplace-errors";
import type { OrderLineRef } from "../../marketplace/marketplace-gateway";
import { readiness, toLineRefs } from "./fulfillment-mapper";
import { linesOf } from "./dispatch-records.server";
import type { FlowDeps, PortError } from "./ports";

export type SendOutcome =
  | { outcome: "sent" }
  | { outcome: "skipped"; status: string }
  | { outcome: "blocked"; status: string }
  | { outcome: "rejected"; reason: string }
  | { outcome: "waiting-for-rest-of-order" };

export type SendError = PortError | MarketplaceError;

/**
 * The `fulfillment.dispatch` job: confirms one parcel to the marketplace with the merchant's
 * carrier mapping and the tracking Shopify gave. Runs at high priority with the urgent request
 * budget. A refusal (`rejected`) is recorded on the parcel with its reason and shown on the
 * dispatches page with a retry button; outages and rate limits return a retryable error so the
 * worker retries with backoff, and the stuck-dispatch check catches what runs out of attempts.
 */
export async function sendDispatch(deps: FlowDeps, shop: string, dispatchId: string): Promise<Result<SendOutcome, SendError>> {
  const row = await deps.db.dispatch.findFirst({ where: { id: dispatchId, shop } });
  if (!row) return ok({ outcome: "skipped", status: "missing" });
  if (row.status !== "pending") return ok({ outcome: "skipped", status: row.status });

  const mapping = row.carrierKey
    ? await deps.db.carrierMapping.findUnique({ where: { shop_shopifyCarrier: { shop, shopifyCarrier: row.carrierKey } } })
    : null;
  const ready = readiness({ carrierKey: row.carrierKey, trackingNumber: row.trackingNumber, mappedCode: mapping?.carrierCode ?? null });
  if (ready !== "pending" || !mapping || !row.trackingNumber) {
    await deps.db.dispatch.update({ where: { id: row.id }, data: { status: ready } });
    return ok({ outcome: "blocked", status: ready });
  }

  const gateway = await deps.marketplace(shop);
  if (!gateway.ok) {
    await deps.db.dispatch.update({ where: { id: row.id }, data: { lastError: gateway.error.message } });
    return gateway;
  }

  // Claim the attempt (compare-and-set on attempts): two jobs for one parcel never both send it.
  const claimed = await deps.db.dispatch.updateMany({
    where: { id: row.id, status: "pending", attempts: row.attempts },
    data: { attempts: { increment: 1 } },
  });
  if (claimed.count === 0) return ok({ outcome: "skipped", status: "claimed-elsewhere" });

  // Marketplaces that ship whole orders only (Mirakl OR24 without multi-shipment) get one
  // confirmation once every open line has shipped: this parcel waits for the others.
  let lines: OrderLineRef[] = toLineRefs(linesOf(row));
  let sameCall: string[] = [row.id];
  if (gateway.value.capabilities.partialDispatch === false) {
    const link = await deps.links.byMarketplaceOrder(shop, row.marketplaceOrderId);
    const parcels = await deps.db.dispatch.findMany({ where: { shop, marketplaceOrderId: row.marketplaceOrderId, status: "pending" } });
    const totals = new Map<string, number>();
    for (const p of parcels) for (const l of linesOf(p)) totals.set(l.lineId, (totals.get(l.lineId) ?? 0) + l.quantity);
    const complete = link !== null && link.lines.every((l) => (totals.get(l.lineId) ?? 0) >= l.quantity);
    if (!complete) {
      await deps.db.dispatch.update({
        where: { id: row.id },
        data: { lastError: "Waiting for the rest of the order: this marketplace confirms whole orders only." },
      });
      return ok({ outcome: "waiting-for-rest-of-order" });
    }
    lines = link.lines.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: totals.get(l.lineId) ?? l.quantity }));
    sameCall = parcels.map((p) => p.id);
  }

  const result = await gateway.value.dispatchLines({
    orderId: marketplaceOrderId(row.marketplaceOrderId),
    lines,
    shipment: {
      carrierCode: mapping.carrierCode,
      carrierName: mapping.carrierName ?? row.carrierName ?? undefined,
      trackingNumber: row.trackingNumber,
      trackingUrl: row.trackingUrl ?? undefined,
      dispatchedAt: row.fulfilledAt.toISOString(),
    },
  });
  const now = deps.now();
  if (result.ok) {
    await deps.db.dispatch.updateMany({
      where: { id: { in: sameCall } },
      data: {
        status: "sent",
        sentAt: now,
        sentCarrierCode: mapping.carrierCode,
        sentTrackingNumber: row.trackingNumber,
        lastError: null,
        stuckSince: null,
      },
    });
    await recordOnOrder(deps, shop, row.marketplaceOrderId, `Dispatch confirmed: ${lines.map((l) => `${l.quantity} × ${l.sku}`).join(", ")} with ${mapping.carrierCode} ${row.trackingNumber}.`);
    return ok({ outcome: "sent" });
  }
  const reason = describeMarketplaceError(result.error);
  if (result.error.kind === "rejected") {
    await deps.db.dispatch.update({ where: { id: row.id }, data: { status: "rejected", lastError: reason } });
    await recordOnOrder(deps, shop, row.marketplaceOrderId, `Dispatch refused: ${reason}`, "failed");
    return ok({ outcome: "rejected", reason });
  }
  await deps.db.dispatch.update({ where: { id: row.id }, data: { lastError: reason } });
  return err(result.error);
}

/**
 * Keeps the orders page in step with dispatches: an entry on the order's activity timeline for
 * each confirmation or refusal, and the order's marketplace status moves to "dispatched" once every
 * line it placed in Shopify has been confirmed in full.
 */
async function recordOnOrder(
  deps: FlowDeps,
  shop: string,
  orderId: string,
  detail: string,
  outcome: "ok" | "failed" = "ok",
): Promise<void> {
  const order = await deps.db.orderRecord.findFirst({ where: { shop, marketplaceOrderId: orderId }, select: { id: true } });
  if (!order) return;
  const [link, sent] = await Promise.all([
    deps.links.byMarketplaceOrder(shop, orderId),
    deps.db.dispatch.findMany({ where: { shop, marketplaceOrderId: orderId, status: "sent" } }),
  ]);
  const confirmed = new Map<string, number>();
  for (const parcel of sent) for (const l of linesOf(parcel)) confirmed.set(l.lineId, (confirmed.get(l.lineId) ?? 0) + l.quantity);
  const complete = link !== null && link.lines.length > 0 && link.lines.every((l) => (confirmed.get(l.lineId) ?? 0) >= l.quantity);
  await deps.db.$transaction([
    deps.db.orderActivity.create({ data: { shop, orderId: order.id, target: "marketplace", action: "dispatch", outcome, detail: detail.slice(0, 2000) } }),
    ...(complete && outcome === "ok"
      ? [deps.db.orderRecord.updateMany({ where: { id: order.id, shop }, data: { marketplaceStatus: "dispatched" } })]
      : []),
  ]);
}
