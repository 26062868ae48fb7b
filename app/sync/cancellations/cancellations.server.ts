import { Prisma } from "@prisma/client";
import { marketplaceOrderId } from "../../lib/ids";
import { err, ok, type Result } from "../../lib/result";
import { describeMarketplaceError, type MarketplaceError } from "../../marketplace/marketplace-errors";
import { addMerchantTask, jsonLines, linesOf, LIVE_STATUSES } from "../fulfillment/dispatch-records.server";
import { shippedPerLine, toLineRefs } from "../fulfillment/fulfillment-mapper";
import type { RecordedLine } from "../fulfillment/order-link";
import type { FlowDeps, PortError } from "../fulfillment/ports";
import { OWN_REFUND_NOTE_PREFIX, type ShopifyOrdersError } from "../fulfillment/shopify-orders";
import { merchantCancelStage, ownRefundNote, planMarketplaceCancellation } from "./cancellation-planner";

export type CancellationError = PortError | MarketplaceError | ShopifyOrdersError;

const marketplaceKey = (orderId: string, lineId: string) => `marketplace:${orderId}:${lineId}`;
const merchantKey = (orderId: string, lineId: string) => `merchant:${orderId}:${lineId}`;

/** Creates a cancellation row once per natural key and queues its processing in the shop's order queue. */
async function openCancellation(
  deps: FlowDeps,
  row: Omit<Prisma.CancellationUncheckedCreateInput, "status" | "lines"> & { lines: RecordedLine[] },
): Promise<boolean> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.cancellation.createMany({ data: [{ ...row, lines: jsonLines(row.lines), status: "requested" }], skipDuplicates: true });
    if (count === 0) return false;
    const created = await tx.cancellation.findUniqueOrThrow({ where: { shop_sourceKey: { shop: row.shop, sourceKey: row.sourceKey } } });
    await deps.enqueue(tx, { task: "cancellations.process", payload: { shop: row.shop, cancellationId: created.id } });
    return true;
  });
}

/**
 * The marketplace side of "cancellations both ways": finds lines the marketplace asked to cancel
 * (Virtualstock `CANCEL`) on orders we imported, and opens one cancellation per line.
 */
export async function pollMarketplaceCancellations(deps: FlowDeps, shop: string): Promise<Result<{ found: number; opened: number }, CancellationError>> {
  const gateway = await deps.marketplace(shop);
  if (!gateway.ok) return gateway;
  let cursor: string | undefined;
  let found = 0;
  let opened = 0;
  do {
    const page = await gateway.value.listOrders({ lineStatus: "cancellation-requested", cursor, limit: 100 });
    if (!page.ok) return page;
    for (const order of page.value.items) {
      const link = await deps.links.byMarketplaceOrder(shop, order.id);
      if (!link) continue; // not imported by us (or before the app was installed): nothing to restock.
      for (const line of order.lines) {
        if (line.status !== "cancellation-requested") continue;
        found++;
        const linked = link.lines.find((l) => l.lineId === line.lineId);
        const isNew = await openCancellation(deps, {
          shop,
          sourceKey: marketplaceKey(order.id, line.lineId),
          initiatedBy: "marketplace",
          stage: "before-dispatch",
          marketplaceOrderId: order.id,
          shopifyOrderGid: link.shopifyOrderGid,
          lines: [{ lineId: line.lineId, sku: line.sku, quantity: line.cancelRequestedQuantity ?? line.quantity, lineItemGid: linked?.lineItemGid ?? "" }],
        });
        if (isNew) opened++;
      }
    }
    cursor = page.value.nextCursor;
  } while (cursor);
  return ok({ found, opened });
}

/** A Shopify cancellation as the webhook handlers hand it over. */
export interface MerchantCancelInput {
  shopifyOrderGid: string;
  /** Every linked line (orders/cancelled) or the refunded line items with restock "cancel" (refunds/create). */
  lines: "all" | { lineItemGid: string; quantity: number }[];
  reason: string;
}

/**
 * The Shopify side: the merchant cancelled an order or cancelled (refunded with restock) lines.
 * Opens one cancellation per marketplace line, except for lines the marketplace itself asked to
 * cancel (our own restock comes back as a webhook too).
 */
export async function recordMerchantCancellation(deps: FlowDeps, shop: string, input: MerchantCancelInput): Promise<{ opened: number }> {
  const link = await deps.links.byShopifyOrder(shop, input.shopifyOrderGid);
  if (!link) return { opened: 0 };
  const parcels = await deps.db.dispatch.findMany({ where: { shop, marketplaceOrderId: link.marketplaceOrderId, status: { in: LIVE_STATUSES } }, select: { lines: true } });
  const shipped = shippedPerLine(parcels.map((p) => ({ lines: linesOf(p) })));
  let opened = 0;
  for (const line of link.lines) {
    const quantity = input.lines === "all" ? line.quantity : input.lines.filter((l) => l.lineItemGid === line.lineItemGid).reduce((s, l) => s + l.quantity, 0);
    if (quantity <= 0) continue;
    const fromMarketplace = await deps.db.cancellation.findUnique({ where: { shop_sourceKey: { shop, sourceKey: marketplaceKey(link.marketplaceOrderId, line.lineId) } } });
    if (fromMarketplace) continue;
    const isNew = await openCancellation(deps, {
      shop,
      sourceKey: merchantKey(link.marketplaceOrderId, line.lineId),
      initiatedBy: "merchant",
      stage: merchantCancelStage(shipped.get(line.lineId) ?? 0),
      marketplaceOrderId: link.marketplaceOrderId,
      shopifyOrderGid: link.shopifyOrderGid,
      lines: [{ lineId: line.lineId, sku: line.sku, quantity: Math.min(quantity, line.quantity), lineItemGid: line.lineItemGid }],
    });
    if (isNew) opened++;
  }
  return { opened };
}

/** True for refunds the app made itself (marketplace-requested cancellations). */
export const isOwnRefund = (note: string | null) => note?.startsWith(OWN_REFUND_NOTE_PREFIX) ?? false;

export type ProcessOutcome = { status: string };

/**
 * The `cancellations.process` job: moves one cancellation through its steps, recording each, so
 * a retry resumes where the last run stopped.
 * - Marketplace-initiated: requested -> (Shopify refund with restock CANCEL) restocked -> (cancel
 *   acknowledgement) acknowledged; or dispatched-instead when the goods already left.
 * - Merchant-initiated: requested -> cancelled on the marketplace, or manual-action-required with
 *   a merchant task carrying the portal instructions where the platform has no call for it.
 */
export async function processCancellation(deps: FlowDeps, shop: string, cancellationId: string): Promise<Result<ProcessOutcome, CancellationError>> {
  const c = await deps.db.cancellation.findFirst({ where: { id: cancellationId, shop } });
  if (!c) return ok({ status: "missing" });
  await deps.db.cancellation.update({ where: { id: c.id }, data: { attempts: { increment: 1 } } });
  const result = c.initiatedBy === "marketplace" ? await processMarketplaceSide(deps, c) : await processMerchantSide(deps, c);
  if (!result.ok) {
    const message = errorMessage(result.error);
    await deps.db.cancellation.update({
      where: { id: c.id },
      data: { lastError: message, ...(result.error.retryable ? {} : { status: "failed" }) },
    });
    if (!result.error.retryable) {
      await addMerchantTask(deps.db, {
        shop,
        sourceKey: `cancel-failed:${c.id}`,
        kind: "cancellation-failed",
        marketplaceOrderId: c.marketplaceOrderId,
        marketplaceOrderRef: await refOf(deps, shop, c.marketplaceOrderId),
        title: `Cancellation could not be completed (order ${c.marketplaceOrderId})`,
        instructions: `${message} Check the order in Shopify and in the marketplace portal and finish the cancellation there.`,
      });
      return ok({ status: "failed" });
    }
  }
  return result;
}

function errorMessage(e: CancellationError): string {
  if (e.kind === "rate-limited" || e.kind === "rejected" || e.kind === "unauthorized") return describeMarketplaceError(e);
  return e.message;
}

type CancellationRow = NonNullable<Awaited<ReturnType<FlowDeps["db"]["cancellation"]["findFirst"]>>>;

async function refOf(deps: FlowDeps, shop: string, orderId: string): Promise<string | null> {
  return (await deps.links.byMarketplaceOrder(shop, orderId))?.marketplaceOrderRef ?? null;
}

async function processMarketplaceSide(deps: FlowDeps, c: CancellationRow): Promise<Result<ProcessOutcome, CancellationError>> {
  const lines = linesOf(c);
  let status = c.status;
  if (status === "requested") {
    const shopify = await deps.shopify(c.shop);
    if (!shopify.ok) return shopify;
    if (!c.shopifyOrderGid) return err({ kind: "not-found", retryable: false, message: "The order has no Shopify order." });
    const state = await shopify.value.orderState(c.shopifyOrderGid);
    if (!state.ok) return state;
    const parcels = await deps.db.dispatch.findMany({ where: { shop: c.shop, marketplaceOrderId: c.marketplaceOrderId, status: { in: LIVE_STATUSES } } });
    const shipped = shippedPerLine(parcels.map((p) => ({ lines: linesOf(p) })));
    const toCancel: { lineItemGid: string; quantity: number; unitPriceMinor: number }[] = [];
    for (const line of lines) {
      const item = state.value.lines.find((l) => l.lineItemGid === line.lineItemGid) ?? null;
      const plan = planMarketplaceCancellation({ requested: line.quantity, shopify: item, recordedShipped: shipped.get(line.lineId) ?? 0 });
      if (plan.action === "dispatch-instead") {
        // The goods left: make sure their parcels go out (CANCEL -> DISPATCH is allowed) rather than acknowledging.
        for (const p of parcels) {
          if (p.status === "pending" || p.status === "rejected") {
            await deps.db.$transaction(async (tx) => {
              if (p.status === "rejected") await tx.dispatch.update({ where: { id: p.id }, data: { status: "pending", lastError: null } });
              await deps.enqueue(tx, { task: "fulfillment.dispatch", payload: { shop: c.shop, dispatchId: p.id } });
            });
          }
        }
        if (plan.unshippedQuantity > 0) {
          await addMerchantTask(deps.db, {
            shop: c.shop,
            sourceKey: `cancel-leftover:${c.id}`,
            kind: "partial-cancel-leftover",
            marketplaceOrderId: c.marketplaceOrderId,
            marketplaceOrderRef: await refOf(deps, c.shop, c.marketplaceOrderId),
            title: `Cancellation requested after part of line ${line.lineId} shipped`,
            instructions: `The marketplace asked to cancel line ${line.lineId} (${line.sku}), but some units already shipped and their dispatch is being confirmed. ${plan.unshippedQuantity} unit(s) are still unfulfilled in Shopify: either ship them, or cancel them in Shopify and agree the rest in the marketplace portal.`,
          });
        }
        await deps.db.cancellation.update({ where: { id: c.id }, data: { status: "dispatched-instead", stage: "after-dispatch", lastError: null } });
        return ok({ status: "dispatched-instead" });
      }
      if (plan.action === "cancel") toCancel.push({ lineItemGid: line.lineItemGid, quantity: plan.shopifyQuantity, unitPriceMinor: item?.unitPriceMinor ?? 0 });
    }
    let refundGid: string | null = null;
    if (toCancel.length > 0) {
      const sale = state.value.sale;
      const amountMinor = toCancel.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
      const cancelled = await shopify.value.cancelLines({
        orderGid: c.shopifyOrderGid,
        lines: toCancel.map(({ lineItemGid, quantity }) => ({ lineItemGid, quantity })),
        refund: sale && amountMinor > 0 ? { amountMinor, currency: state.value.currency, parentTransactionGid: sale.transactionGid, gateway: sale.gateway } : null,
        note: ownRefundNote(c.id),
        idempotencyKey: `cancellation:${c.id}`,
      });
      if (!cancelled.ok) return cancelled;
      refundGid = cancelled.value.refundGid;
    }
    await deps.db.cancellation.update({ where: { id: c.id }, data: { status: "restocked", shopifyRefundGid: refundGid, lastError: null } });
    status = "restocked";
  }
  if (status !== "restocked") return ok({ status });
  return acknowledgeOnMarketplace(deps, c, "marketplace", "before-dispatch", "acknowledged", "Cancelled at the retailer's request; restocked in Shopify.");
}

async function processMerchantSide(deps: FlowDeps, c: CancellationRow): Promise<Result<ProcessOutcome, CancellationError>> {
  if (c.status !== "requested") return ok({ status: c.status });
  return acknowledgeOnMarketplace(deps, c, "merchant", c.stage as "before-dispatch" | "after-dispatch", "cancelled", "Cancelled by the merchant in Shopify.");
}

async function acknowledgeOnMarketplace(
  deps: FlowDeps,
  c: CancellationRow,
  initiatedBy: "marketplace" | "merchant",
  stage: "before-dispatch" | "after-dispatch",
  doneStatus: string,
  reason: string,
): Promise<Result<ProcessOutcome, CancellationError>> {
  const gateway = await deps.marketplace(c.shop);
  if (!gateway.ok) return gateway;
  const result = await gateway.value.cancelLines({ orderId: marketplaceOrderId(c.marketplaceOrderId), lines: toLineRefs(linesOf(c)), stage, initiatedBy, reason });
  if (!result.ok) return result;
  if (result.value.outcome === "manual-action-required") {
    const lines = linesOf(c).map((l) => `line ${l.lineId} (${l.sku}) × ${l.quantity}`).join(", ");
    const ref = await refOf(deps, c.shop, c.marketplaceOrderId);
    await deps.db.$transaction(async (tx) => {
      await addMerchantTask(tx, {
        shop: c.shop,
        sourceKey: `portal-cancel:${c.id}`,
        kind: stage === "after-dispatch" ? "portal-cancel-after-dispatch" : "portal-cancel",
        marketplaceOrderId: c.marketplaceOrderId,
        marketplaceOrderRef: ref,
        title: `Cancel in the marketplace portal: order ${ref ?? c.marketplaceOrderId}`,
        instructions: `${result.value.outcome === "manual-action-required" ? result.value.instructions : ""} Lines: ${lines}. The marketplace API has no call for this, so the marketplace still expects these units until you do.`,
      });
      await tx.cancellation.update({ where: { id: c.id }, data: { status: "manual-action-required", lastError: null } });
    });
    return ok({ status: "manual-action-required" });
  }
  await deps.db.cancellation.update({ where: { id: c.id }, data: { status: doneStatus, lastError: null } });
  return ok({ status: doneStatus });
}
