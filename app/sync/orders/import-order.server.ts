/**
 * Imports one marketplace order, exactly once, as resumable steps recorded on its OrderRecord:
 *
 *   1. the row exists under its unique key (the poll upserted it);
 *   2. its lines map through the SKU mapping, or the order waits in the exception queue;
 *   3. it exists in Shopify: look up by source identifier and app metafield, and only if absent
 *      send orderCreate (through a transport that never retries), then record the gid;
 *   4. it is acknowledged (or backordered) with the dates we promise, and that is recorded.
 *
 * Before each orderCreate and each acknowledgement an attempt marker is written with a
 * compare-and-set, so two workers never send the same call at once, and a run that finds a marker
 * from a crashed process waits `settleMs` for that process's last call to land, then reads the
 * other side before sending anything again (docs/decisions/008-orders-exactly-once.md).
 */
import type { OrderRecord, Prisma } from "@prisma/client";
import { err, ok, type Result } from "../../lib/result";
import { describeMarketplaceError, type MarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceGateway, MarketplaceOrder, MarketplaceOrderLine } from "../../marketplace/marketplace-gateway";
import {
  buildOrderCreateRequest,
  checkAddress,
  checkVariants,
  classifyCreateErrors,
  importableLines,
  orderMetafieldValue,
  planOrderLines,
  type OrderProblem,
} from "./order-mapper";
import { promisedDates } from "./order-schedule";
import {
  loadSkuMappings,
  marketplaceStatusOf,
  openExceptions,
  recordActivity,
  resolveExceptions,
  type ActivityInput,
  type Db,
} from "./orders-store.server";
import type { Clock, ShopifyOrderError, ShopifyOrderRef, ShopifyOrdersPort } from "./ports";

export interface ImportOrderDeps {
  db: Db;
  marketplace: MarketplaceGateway;
  /** Catalogue id and display name of the connected marketplace. */
  marketplaceId: string;
  marketplaceName: string;
  shopify: ShopifyOrdersPort;
  clock: Clock;
  /** The merchant's lead time in UK working days (Shop.leadTimeDays). */
  leadTimeDays: number;
  /**
   * How long a call sent by a process that then died may still be landing (its request timeout
   * plus a margin). A run that finds a newer attempt marker waits this long before reading.
   */
  settleMs: number;
  /** Throttles and outages are retried inside the job this many times before the queue retries. */
  maxInJobRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type ImportOutcome = "acknowledged" | "backordered" | "needs-attention" | "already-done" | "not-found";

export type ImportError =
  | { kind: "shopify"; retryable: boolean; message: string }
  | { kind: "marketplace"; retryable: boolean; message: string }
  | { kind: "busy"; retryable: true; message: string };

const DONE_LINE_STATES = new Set(["acknowledged", "backordered", "dispatched"]);
/** Longest wait for a throttle inside a job; longer ones go back to the queue. */
const MAX_IN_JOB_WAIT_MS = 5_000;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function importOrder(deps: ImportOrderDeps, shop: string, recordId: string): Promise<Result<ImportOutcome, ImportError>> {
  const record = await deps.db.orderRecord.findFirst({ where: { id: recordId, shop } });
  if (!record) return ok("not-found");
  if (record.step === "acknowledged") return ok("already-done");
  if (record.needsAttention) return ok("needs-attention");

  let current = record;
  if (!current.shopifyOrderGid) {
    const created = await ensureShopifyOrder(deps, current);
    if (!created.ok) return created;
    if (created.value === "needs-attention") return ok("needs-attention");
    current = created.value;
    if (current.step === "acknowledged") return ok("already-done");
  }
  return acknowledge(deps, current);
}

type Step<T> = Promise<Result<T | "needs-attention", ImportError>>;

function activity(deps: ImportOrderDeps, record: OrderRecord, a: ActivityInput) {
  return recordActivity(deps.db, record.shop, record.id, a);
}

async function timed<T>(call: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await call();
  return [value, Date.now() - started];
}

function backoffMs(attempt: number): number {
  return Math.min(2_000, 100 * 2 ** attempt) + Math.floor(Math.random() * 100);
}

async function settle(deps: ImportOrderDeps, markedAt: Date | null): Promise<void> {
  if (!markedAt) return;
  const wait = markedAt.getTime() + deps.settleMs - deps.clock.now().getTime();
  if (wait > 0) await (deps.sleep ?? defaultSleep)(wait);
}

async function toException(deps: ImportOrderDeps, record: OrderRecord, problems: OrderProblem[]): Promise<"needs-attention"> {
  await openExceptions(deps.db, record, problems);
  await activity(deps, record, { target: "app", action: "exception", outcome: "failed", detail: problems.map((p) => `${p.reason}: ${p.message}`).join(" | ") });
  return "needs-attention";
}

function shopifyFailure(e: ShopifyOrderError): ImportError {
  const message = e.kind === "user-errors" ? e.userErrors.map((u) => u.message).join("; ") : e.kind === "throttled" ? "Shopify throttled the request." : e.message;
  return { kind: "shopify", retryable: e.retryable, message };
}

function describeShopifyError(e: ShopifyOrderError): string {
  return e.kind === "throttled" ? `throttled, retry in ${e.retryAfterMs} ms` : shopifyFailure(e).message;
}

async function ensureShopifyOrder(deps: ImportOrderDeps, record: OrderRecord): Step<OrderRecord> {
  const sleep = deps.sleep ?? defaultSleep;
  const order = record.snapshot as unknown as MarketplaceOrder;
  const force = record.forceCreate;
  const lines = importableLines(order);
  const mappings = await loadSkuMappings(deps.db, record.shop, lines.map((l) => l.sku));
  const plan = planOrderLines(order, mappings, { force });
  const addressProblem = force ? null : checkAddress(order.shippingAddress);
  const problems = [...plan.problems, ...(addressProblem ? [addressProblem] : [])];
  if (problems.length > 0) return ok(await toException(deps, record, problems));

  const metafieldValue = orderMetafieldValue(record.marketplaceId, record.marketplaceOrderId);
  const variantGids = [...new Set(plan.planned.flatMap((p) => (p.variantGid ? [p.variantGid] : [])))];
  // A backorder plan survives a crash in shopifyOutcome, written with the attempt marker.
  let backorder = record.shopifyOutcome === "backorder";
  let omitAddress = false;
  let markedAt = record.createAttemptedAt;
  let ownMarker = false;
  await settle(deps, markedAt);

  const maxRetries = deps.maxInJobRetries ?? 4;
  for (let attempt = 0; ; attempt++) {
    const retryOrGiveUp = async (e: ShopifyOrderError): Promise<Result<never, ImportError> | null> => {
      if (!e.retryable || attempt >= maxRetries) return err(shopifyFailure(e));
      const wait = e.kind === "throttled" ? e.retryAfterMs : backoffMs(attempt);
      if (wait > MAX_IN_JOB_WAIT_MS) return err(shopifyFailure(e));
      await sleep(wait);
      return null;
    };

    // The look-up runs before every create attempt: it is what makes a lost answer harmless.
    const [pre, lookupMs] = await timed(() => deps.shopify.precheck({ sourceIdentifier: order.reference, metafieldValue, variantGids }));
    if (!pre.ok) {
      await activity(deps, record, { target: "shopify", action: "lookup", outcome: "failed", detail: describeShopifyError(pre.error), durationMs: lookupMs });
      const stop = await retryOrGiveUp(pre.error);
      if (stop) return stop;
      continue;
    }
    if (pre.value.existing) {
      await activity(deps, record, {
        target: "shopify",
        action: "lookup",
        outcome: "ok",
        detail: `Already in Shopify as ${pre.value.existing.name}; recording it instead of creating another.`,
        durationMs: lookupMs,
      });
      return ok(await recordCreated(deps, record, plan.planned.map((p) => p.line), pre.value.existing, record.createAttempts > 0 ? (record.shopifyOutcome ?? "created") : "found"));
    }
    await activity(deps, record, { target: "shopify", action: "lookup", outcome: "ok", detail: "Not in Shopify yet.", durationMs: lookupMs });

    const checked = checkVariants(plan.planned, pre.value.variants, { force });
    if (checked.problems.length > 0) return ok(await toException(deps, record, checked.problems));

    const request = buildOrderCreateRequest({
      order,
      marketplaceId: record.marketplaceId,
      marketplaceName: deps.marketplaceName,
      planned: checked.planned,
      inventory: force || backorder ? "ignore-policy" : "obey-policy",
      omitAddress,
    });

    // Claim the create: only the run that moves the marker from the value it read may send.
    const now = deps.clock.now();
    // A marker another run wrote less than `settleMs` ago belongs to a run that may be creating
    // right now (we waited once already; it is still young only if that run is alive and busy).
    if (!ownMarker && markedAt && now.getTime() - markedAt.getTime() < deps.settleMs) {
      return err({ kind: "busy", retryable: true, message: "Another worker is creating this order in Shopify." });
    }
    const claimed = await deps.db.orderRecord.updateMany({
      where: { id: record.id, shopifyOrderGid: null, createAttemptedAt: markedAt },
      data: { createAttemptedAt: now, createAttempts: { increment: 1 }, shopifyOutcome: force ? "forced" : backorder ? "backorder" : "created" },
    });
    if (claimed.count === 0) return err({ kind: "busy", retryable: true, message: "Another worker is creating this order in Shopify." });
    markedAt = now;
    ownMarker = true;

    const [created, createMs] = await timed(() => deps.shopify.createOrder(request));
    if (created.ok) {
      await activity(deps, record, {
        target: "shopify",
        action: "orderCreate",
        outcome: "ok",
        detail: `Created ${created.value.name}${backorder ? " (stock short: backorder)" : ""}${force ? " (created anyway)" : ""}.`,
        durationMs: createMs,
      });
      return ok(await recordCreated(deps, { ...record, createAttemptedAt: markedAt }, checked.planned.map((p) => p.line), created.value, force ? "forced" : backorder ? "backorder" : "created"));
    }
    await activity(deps, record, { target: "shopify", action: "orderCreate", outcome: "failed", detail: describeShopifyError(created.error), durationMs: createMs });
    if (created.error.kind === "user-errors") {
      const rejection = classifyCreateErrors(created.error.userErrors);
      if (rejection.kind === "insufficient-stock" && !backorder && !force && deps.marketplace.capabilities.backorder) {
        // Not enough stock: the order still goes to Shopify (stock goes negative, the merchant
        // sees it) and the marketplace gets a backorder with a later dispatch date.
        backorder = true;
        continue;
      }
      if (rejection.kind === "address-rejected" && force && !omitAddress) {
        omitAddress = true;
        continue;
      }
      const problem: OrderProblem =
        rejection.kind === "insufficient-stock"
          ? { reason: "insufficient-stock", lineId: null, sku: null, message: `Not enough stock: ${rejection.message}`, fixActions: ["retry", "create-anyway"] }
          : rejection.kind === "address-rejected"
            ? { reason: "address-rejected", lineId: null, sku: null, message: `Shopify refused the delivery address: ${rejection.message}`, fixActions: ["retry", "create-anyway"] }
            : { reason: "shopify-rejected", lineId: null, sku: null, message: `Shopify refused the order: ${rejection.message}`, fixActions: ["retry"] };
      return ok(await toException(deps, record, [problem]));
    }
    const stop = await retryOrGiveUp(created.error);
    if (stop) return stop;
  }
}

async function recordCreated(
  deps: ImportOrderDeps,
  record: OrderRecord,
  lines: MarketplaceOrderLine[],
  shopifyOrder: ShopifyOrderRef,
  outcome: string,
): Promise<OrderRecord> {
  const lineMap = lines.map((l, i) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, lineItemGid: shopifyOrder.lineItemGids[i] ?? null }));
  // Only the first run to record the order writes it: a slower run must not move the steps back.
  await deps.db.orderRecord.updateMany({
    where: { id: record.id, shopifyOrderGid: null },
    data: {
      shopifyOrderGid: shopifyOrder.gid,
      shopifyOrderName: shopifyOrder.name,
      createdInShopifyAt: deps.clock.now(),
      shopifyOutcome: outcome,
      lineMap: lineMap as unknown as Prisma.InputJsonValue,
      step: "created",
      lastError: null,
    },
  });
  return deps.db.orderRecord.findUniqueOrThrow({ where: { id: record.id } });
}

async function acknowledge(deps: ImportOrderDeps, record: OrderRecord): Promise<Result<ImportOutcome, ImportError>> {
  const sleep = deps.sleep ?? defaultSleep;
  const snapshot = record.snapshot as unknown as MarketplaceOrder;
  const backorder = record.shopifyOutcome === "backorder";
  const dates = promisedDates(record.orderedAt, deps.leadTimeDays, { backorder });
  let markedAt = record.ackAttemptedAt;
  // A marker means an earlier acknowledgement may have landed: read before sending again.
  let mustRead = markedAt !== null;
  await settle(deps, markedAt);
  let view = snapshot;

  const maxRetries = deps.maxInJobRetries ?? 4;
  for (let attempt = 0; ; attempt++) {
    const retryOrGiveUp = async (e: MarketplaceError): Promise<Result<never, ImportError> | null> => {
      const failure: ImportError = { kind: "marketplace", retryable: e.retryable, message: describeMarketplaceError(e) };
      if (!e.retryable || attempt >= maxRetries) return err(failure);
      const wait = e.kind === "rate-limited" ? e.retryAfterMs : backoffMs(attempt);
      if (wait > MAX_IN_JOB_WAIT_MS) return err(failure);
      await sleep(wait);
      return null;
    };

    if (mustRead) {
      const [read, readMs] = await timed(() => deps.marketplace.getOrder(snapshot.id as MarketplaceOrder["id"]));
      if (!read.ok) {
        await activity(deps, record, { target: "marketplace", action: "read-order", outcome: "failed", detail: describeMarketplaceError(read.error), durationMs: readMs });
        const stop = await retryOrGiveUp(read.error);
        if (stop) return stop;
        continue;
      }
      view = read.value;
      mustRead = false;
      await activity(deps, record, { target: "marketplace", action: "read-order", outcome: "ok", detail: `Lines: ${view.lines.map((l) => `${l.lineId}=${l.status}`).join(", ")}`, durationMs: readMs });
    }

    const ours = new Set(importableLines(snapshot).map((l) => l.lineId));
    const open = view.lines.filter((l) => ours.has(l.lineId));
    const awaiting = open.filter((l) => l.status === "awaiting-acknowledgement");
    if (awaiting.length === 0) {
      // Already done (an earlier attempt landed, or the lines moved on in the portal).
      const kind = open.some((l) => l.status === "backordered") ? "backordered" : open.every((l) => DONE_LINE_STATES.has(l.status)) ? "acknowledged" : "closed";
      await markAcknowledged(deps, record, view, kind === "backordered" ? "backordered" : "acknowledged", dates, kind === "closed" ? "No line awaits acknowledgement any more." : "Already acknowledged on the marketplace; recorded.");
      return ok(kind === "backordered" ? "backordered" : "acknowledged");
    }

    const now = deps.clock.now();
    const claimed = await deps.db.orderRecord.updateMany({
      where: { id: record.id, step: "created", ackAttemptedAt: markedAt },
      data: { ackAttemptedAt: now, ackAttempts: { increment: 1 } },
    });
    if (claimed.count === 0) return err({ kind: "busy", retryable: true, message: "Another worker is acknowledging this order." });
    markedAt = now;

    const refs = awaiting.map((l) => ({ lineId: l.lineId, sku: l.sku, quantity: l.quantity }));
    const [sent, sentMs] = await timed(() =>
      backorder && deps.marketplace.capabilities.backorder
        ? deps.marketplace.backorderLines({
            orderId: snapshot.id,
            lines: refs,
            expectedDispatchDate: dates.dispatchDate,
            expectedDeliveryDate: dates.deliveryDate,
            reason: `Not enough stock; Shopify order ${record.shopifyOrderName ?? ""}`.trim(),
          })
        : deps.marketplace.acknowledgeOrder({
            orderId: snapshot.id,
            lines: refs.map((r) => ({ ...r, accept: true })),
            promisedDispatchDate: dates.dispatchDate,
            promisedDeliveryDate: dates.deliveryDate,
            comment: record.shopifyOrderName ? `Shopify order ${record.shopifyOrderName}` : undefined,
          }),
    );
    const action = backorder ? "backorder" : "acknowledge";
    if (sent.ok) {
      await activity(deps, record, {
        target: "marketplace",
        action,
        outcome: "ok",
        detail: `${refs.length} line(s); dispatch ${dates.dispatchDate}, delivery ${dates.deliveryDate}.`,
        durationMs: sentMs,
      });
      const acknowledged: MarketplaceOrder = {
        ...view,
        lines: view.lines.map((l) => (ours.has(l.lineId) && l.status === "awaiting-acknowledgement" ? { ...l, status: backorder ? "backordered" : "acknowledged" } : l)),
      };
      await markAcknowledged(deps, record, acknowledged, backorder ? "backordered" : "acknowledged", dates, null);
      return ok(backorder ? "backordered" : "acknowledged");
    }
    await activity(deps, record, { target: "marketplace", action, outcome: "failed", detail: describeMarketplaceError(sent.error), durationMs: sentMs });
    if (sent.error.kind === "rejected") {
      return ok(
        await toException(deps, record, [
          { reason: "marketplace-rejected", lineId: null, sku: null, message: `The marketplace refused the ${action}: ${sent.error.message}`, fixActions: ["retry"] },
        ]),
      );
    }
    // Anything but a 429 may have been processed: read the order before sending again.
    mustRead = sent.error.kind !== "rate-limited";
    const stop = await retryOrGiveUp(sent.error);
    if (stop) return stop;
  }
}

async function markAcknowledged(
  deps: ImportOrderDeps,
  record: OrderRecord,
  view: MarketplaceOrder,
  acknowledgement: "acknowledged" | "backordered",
  dates: { dispatchDate: string; deliveryDate: string },
  note: string | null,
): Promise<void> {
  await deps.db.orderRecord.update({
    where: { id: record.id },
    data: {
      step: "acknowledged",
      acknowledgement,
      acknowledgedAt: deps.clock.now(),
      promisedDispatchDate: dates.dispatchDate,
      promisedDeliveryDate: dates.deliveryDate,
      marketplaceStatus: marketplaceStatusOf(view),
      lastError: null,
    },
  });
  await resolveExceptions(deps.db, record.shop, record.id, "imported");
  if (note) await activity(deps, record, { target: "app", action: "acknowledge", outcome: "skipped", detail: note });
}
