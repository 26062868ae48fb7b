import type { MarketplaceError } from "../../marketplace/marketplace-errors";

/**
 * The pure rules of the stock pusher: which of two readings of Shopify wins, which pending SKU goes
 * first, and which budget priority a push uses. The store applies them (conditional writes, ordered
 * claims); keeping them here makes them testable with small tables.
 */

/**
 * The version of one reading of Shopify's levels: the newest `updatedAt` among the levels that
 * feed the marketplace, then the time we read them. Comparing by Shopify's own timestamp first
 * means a late or reordered webhook that triggers a read of old data cannot win; the read time
 * breaks ties between readings of the same state (the second one is at least as fresh).
 */
export interface SourceVersion {
  sourceAt: Date;
  readAt: Date;
}

/** True when `incoming` may replace `current` (a missing current always loses). */
export function isNewerVersion(incoming: SourceVersion, current: SourceVersion | null): boolean {
  if (current == null) return true;
  const a = incoming.sourceAt.getTime();
  const b = current.sourceAt.getTime();
  if (a !== b) return a > b;
  return incoming.readAt.getTime() >= current.readAt.getTime();
}

/** A SKU whose desired quantity differs from what the marketplace is believed to show. */
export interface PendingPush {
  marketplaceSku: string;
  desired: number;
  /** What we last saw or set on the marketplace; null when unknown (never pushed, never listed). */
  shown: number | null;
  /** When we learned the current desired value (the start of its latency clock). */
  changedAt: Date;
}

/** Units at or below which a SKU counts as "near zero" for ordering. */
export const NEAR_ZERO = 2;

/**
 * Oversell risk class, lower first: 0 sell-out (the marketplace shows stock we no longer have,
 * going to zero), 1 other decrease to near zero, 2 other decrease, 3 unknown shown value, 4
 * increase. A decrease is urgent because every second it waits is a second the marketplace can
 * sell a unit we do not have; an increase only delays a sale.
 */
export function riskClass(p: PendingPush): number {
  if (p.shown == null) return p.desired === 0 ? 0 : 3;
  if (p.desired >= p.shown) return 4;
  if (p.desired === 0) return 0;
  if (p.desired <= NEAR_ZERO) return 1;
  return 2;
}

/** How long work may wait before it is served regardless of its class, so increases are not starved. */
export const MAX_WAIT_MS = 60_000;

/**
 * Orders pending pushes: sell-outs first (they alone can oversell a unit that is gone), then
 * overdue ones (oldest first), then by risk class, then oldest change first. Within a class the SKU whose value has been stable longest goes first: one that is still
 * changing (a sale rush on it) would likely need pushing again, so it waits for its value to settle
 * and more of the budget goes to SKUs whose push will stick.
 */
export function comparePending(now: Date) {
  const overdue = (p: PendingPush) => now.getTime() - p.changedAt.getTime() >= MAX_WAIT_MS;
  return (a: PendingPush, b: PendingPush): number => {
    const sa = riskClass(a) === 0;
    const sb = riskClass(b) === 0;
    if (sa !== sb) return sa ? -1 : 1;
    const oa = overdue(a);
    const ob = overdue(b);
    if (oa !== ob) return oa ? -1 : 1;
    if (oa && ob) return a.changedAt.getTime() - b.changedAt.getTime();
    const ra = riskClass(a);
    const rb = riskClass(b);
    if (ra !== rb) return ra - rb;
    return a.changedAt.getTime() - b.changedAt.getTime();
  };
}

export function orderPending<T extends PendingPush>(items: readonly T[], now: Date): T[] {
  return [...items].sort(comparePending(now));
}

/** Sell-outs draw on the urgent part of the shared budget; everything else leaves it free. */
export function budgetPriority(p: PendingPush): "urgent" | "routine" {
  return riskClass(p) === 0 ? "urgent" : "routine";
}

/**
 * Delay before retrying a failed push: the platform's hint when it gives one, else exponential
 * from 2 s, capped at 5 minutes (Virtualstock's 409 "publishing" lasts minutes).
 */
export function retryDelayMs(attempt: number, hintMs?: number): number {
  if (hintMs != null && hintMs > 0) return Math.min(hintMs, 300_000);
  return Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

/**
 * While the marketplace is down the pusher sends ONE request (a probe) per interval, whatever the
 * number of pending SKUs or triggers: this is the longest interval, so a recovered marketplace
 * gets the backlog within about this long. 10 s costs 6 requests a minute of the 250 budget.
 */
export const OUTAGE_PROBE_MAX_MS = 10_000;

/**
 * How long to wait before the next probe after the `consecutiveFailures`-th failure in a row:
 * the platform's hint when it gives one (a 429's Retry-After, capped at 5 minutes), else 2 s, 4 s,
 * 8 s, then every `OUTAGE_PROBE_MAX_MS`. Unlike a per-SKU retry this does not keep growing: the
 * delay after an outage ends must not depend on how long it lasted.
 */
export function outageProbeDelayMs(consecutiveFailures: number, hintMs?: number): number {
  if (hintMs != null && hintMs > 0) return Math.min(hintMs, 300_000);
  return Math.min(2_000 * 2 ** Math.max(0, consecutiveFailures - 1), OUTAGE_PROBE_MAX_MS);
}

/** Bad credentials do not heal by themselves: probe rarely (a changed connection starts afresh). */
export const UNAUTHORIZED_PROBE_MS = 300_000;

/**
 * Whether a failed push means the whole marketplace is out ("outage": stop and probe) or only this
 * SKU has a problem ("item": it retries alone, the run goes on). Throttling and refused credentials
 * are account-wide by nature. A 5xx, timeout or bad answer usually is too, but not when the push
 * just before it in the same run went through: the platform was up a moment ago, so one product
 * that always fails must not hold every other SKU back.
 */
export function failureScope(error: MarketplaceError, previousPushSucceeded: boolean): "outage" | "item" {
  if (error.kind === "rate-limited" || error.kind === "unauthorized") return "outage";
  if (error.kind === "unavailable" && error.reason !== "locked") return previousPushSucceeded ? "item" : "outage";
  return "item";
}
