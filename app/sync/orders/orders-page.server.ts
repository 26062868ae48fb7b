/**
 * The orders page's queries and merchant actions: the list with both sides' status and deadlines,
 * one order's timeline and exceptions, "sync now", "retry" and "create anyway".
 */
import { err, ok, type Result } from "../../lib/result";
import { gidNumber } from "../../lib/ids";
import { importPriority } from "./order-schedule";
import { recordActivity, resolveExceptions, type Db } from "./orders-store.server";
import type { EnqueueOrderImport } from "./ports";

export type OrdersFilter = "all" | "needs-attention" | "awaiting-acknowledgement" | "awaiting-dispatch";

export interface OrdersPageDeps {
  db: Db;
  enqueueImport: EnqueueOrderImport;
  enqueuePoll(shop: string): Promise<void>;
  now(): Date;
}

/** One row of the list, browser-safe (dates as ISO strings). */
export interface OrderListRow {
  id: string;
  reference: string;
  orderedAt: string;
  acknowledgeBy: string;
  /** "imported" | "created" | "acknowledged" */
  step: string;
  needsAttention: boolean;
  marketplaceStatus: string;
  acknowledgement: string | null;
  acknowledgedAt: string | null;
  promisedDispatchDate: string | null;
  shopifyOrderName: string | null;
  /** Opens the order in the Shopify admin (App Bridge resolves `shopify://admin`). */
  shopifyOrderUrl: string | null;
  totalMinor: number | null;
  currency: string;
  openReasons: string[];
  lastError: string | null;
}

export interface OrdersOverview {
  rows: OrderListRow[];
  counts: Record<OrdersFilter, number>;
  poll: { lastPollAt: string | null; lastOutcome: string | null; lastError: string | null; lastFound: number; lastNew: number; everySeconds: number };
}

/** The poll runs twice a minute (cron each minute plus one half a minute later: orders-handlers). */
export const POLL_EVERY_SECONDS = 30;

const DISPATCH_PENDING = ["acknowledged", "backordered"];

function filterWhere(shop: string, filter: OrdersFilter) {
  switch (filter) {
    case "needs-attention":
      return { shop, needsAttention: true };
    case "awaiting-acknowledgement":
      return { shop, needsAttention: false, step: { not: "acknowledged" } };
    case "awaiting-dispatch":
      return { shop, step: "acknowledged", marketplaceStatus: { in: DISPATCH_PENDING } };
    case "all":
      return { shop };
  }
}

type OrderRow = Awaited<ReturnType<Db["orderRecord"]["findFirstOrThrow"]>>;

/** The browser-safe row both the list and the detail page show; `open` are the open exceptions. */
function toListRow(r: OrderRow, open: { reason: string }[]): OrderListRow {
  return {
    id: r.id,
    reference: r.reference,
    orderedAt: r.orderedAt.toISOString(),
    acknowledgeBy: r.acknowledgeBy.toISOString(),
    step: r.step,
    needsAttention: r.needsAttention,
    marketplaceStatus: r.marketplaceStatus,
    acknowledgement: r.acknowledgement,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    promisedDispatchDate: r.promisedDispatchDate,
    shopifyOrderName: r.shopifyOrderName,
    shopifyOrderUrl: shopifyOrderUrl(r.shopifyOrderGid),
    totalMinor: r.totalMinor,
    currency: r.currency,
    openReasons: [...new Set(open.map((e) => e.reason))],
    lastError: r.lastError,
  };
}

export function shopifyOrderUrl(gid: string | null): string | null {
  const id = gid ? gidNumber(gid) : null;
  return id ? `shopify://admin/orders/${id}` : null;
}

export async function getOrdersOverview(deps: OrdersPageDeps, shop: string, filter: OrdersFilter): Promise<OrdersOverview> {
  const { db } = deps;
  const [rows, all, attention, awaitingAck, awaitingDispatch, poll] = await Promise.all([
    db.orderRecord.findMany({
      where: filterWhere(shop, filter),
      // Open work nearest its deadline first, then the newest finished orders.
      orderBy: [{ step: "desc" }, { acknowledgeBy: "asc" }],
      take: 200,
      include: { exceptions: { where: { resolvedAt: null }, select: { reason: true } } },
    }),
    db.orderRecord.count({ where: filterWhere(shop, "all") }),
    db.orderRecord.count({ where: filterWhere(shop, "needs-attention") }),
    db.orderRecord.count({ where: filterWhere(shop, "awaiting-acknowledgement") }),
    db.orderRecord.count({ where: filterWhere(shop, "awaiting-dispatch") }),
    db.orderPollState.findUnique({ where: { shop } }),
  ]);
  // "imported" > "created" > "acknowledged" alphabetically backwards: open steps sort first.
  const open = rows.filter((r) => r.step !== "acknowledged");
  const done = rows.filter((r) => r.step === "acknowledged").sort((a, b) => b.orderedAt.getTime() - a.orderedAt.getTime());
  return {
    rows: [...open, ...done].map((r) => toListRow(r, r.exceptions)),
    counts: { all, "needs-attention": attention, "awaiting-acknowledgement": awaitingAck, "awaiting-dispatch": awaitingDispatch },
    poll: {
      lastPollAt: poll?.lastPollAt?.toISOString() ?? null,
      lastOutcome: poll?.lastOutcome ?? null,
      lastError: poll?.lastError ?? null,
      lastFound: poll?.lastFound ?? 0,
      lastNew: poll?.lastNew ?? 0,
      everySeconds: POLL_EVERY_SECONDS,
    },
  };
}

export interface OrderDetail {
  order: OrderListRow & { marketplaceOrderId: string; marketplaceId: string; promisedDeliveryDate: string | null; shopifyOutcome: string | null; forceCreate: boolean };
  exceptions: { id: string; reason: string; lineId: string | null; sku: string | null; message: string; fixActions: string[]; openedAt: string; resolvedAt: string | null; resolution: string | null }[];
  timeline: { id: string; at: string; target: string; action: string; outcome: string; detail: string | null; durationMs: number | null }[];
}

export async function getOrderDetail(deps: OrdersPageDeps, shop: string, id: string): Promise<OrderDetail | null> {
  const r = await deps.db.orderRecord.findFirst({
    where: { id, shop },
    include: { exceptions: { orderBy: { openedAt: "desc" } }, activities: { orderBy: { at: "asc" }, take: 500 } },
  });
  if (!r) return null;
  return {
    order: {
      ...toListRow(r, r.exceptions.filter((e) => !e.resolvedAt)),
      promisedDeliveryDate: r.promisedDeliveryDate,
      marketplaceOrderId: r.marketplaceOrderId,
      marketplaceId: r.marketplaceId,
      shopifyOutcome: r.shopifyOutcome,
      forceCreate: r.forceCreate,
    },
    exceptions: r.exceptions.map((e) => ({
      id: e.id,
      reason: e.reason,
      lineId: e.lineId,
      sku: e.sku,
      message: e.message,
      fixActions: e.fixActions,
      openedAt: e.openedAt.toISOString(),
      resolvedAt: e.resolvedAt?.toISOString() ?? null,
      resolution: e.resolution,
    })),
    timeline: r.activities.map((a) => ({ id: a.id, at: a.at.toISOString(), target: a.target, action: a.action, outcome: a.outcome, detail: a.detail, durationMs: a.durationMs })),
  };
}

export type OrderActionError = { kind: "not-found" } | { kind: "already-done" };

/**
 * The merchant's fix: "retry" (after mapping the SKU or correcting the order) or "create anyway"
 * (unmapped lines as custom items, stock policy ignored, a refused address moved to the note).
 */
export async function retryOrder(
  deps: OrdersPageDeps,
  shop: string,
  id: string,
  options: { force: boolean },
): Promise<Result<void, OrderActionError>> {
  const record = await deps.db.orderRecord.findFirst({ where: { id, shop } });
  if (!record) return err({ kind: "not-found" });
  if (record.step === "acknowledged") return err({ kind: "already-done" });
  await resolveExceptions(deps.db, shop, id, options.force ? "create-anyway" : "retry");
  await deps.db.orderRecord.update({ where: { id }, data: { needsAttention: false, forceCreate: record.forceCreate || options.force } });
  await recordActivity(deps.db, shop, id, { target: "app", action: options.force ? "create-anyway" : "retry", outcome: "ok", detail: "Requested by the merchant." });
  await deps.enqueueImport(shop, id, { priority: importPriority(record.acknowledgeBy, deps.now()) });
  return ok(undefined);
}

export async function syncOrdersNow(deps: OrdersPageDeps, shop: string): Promise<void> {
  await deps.enqueuePoll(shop);
}
