/**
 * Dates of the orders flow, pure: when an acknowledgement is due, which dates we promise, and the
 * queue priority that makes orders nearest their deadline go first.
 */
import { addUkWorkingDays, ukDateOf, type IsoDate } from "../../lib/uk-working-days";
import type { MarketplaceOrder } from "../../marketplace/marketplace-gateway";

/**
 * John Lewis publishes no acknowledgement window (reference §3: "No acknowledgement SLA is
 * published"). We aim for 24 hours from the order, which the poll and import meet in minutes; a
 * platform that states its own deadline (Mirakl) overrides it through `acknowledgeBy`.
 */
export const DEFAULT_ACK_WINDOW_HOURS = 24;

/** Working days between dispatch and delivery we promise (JL: delivery ≈ order date + 5–7 days). */
export const DEFAULT_TRANSIT_WORKING_DAYS = 2;

/** Extra working days a backordered line is promised beyond the normal dispatch date. */
export const BACKORDER_EXTRA_WORKING_DAYS = 10;

export function acknowledgeDeadline(order: Pick<MarketplaceOrder, "createdAt" | "acknowledgeBy">): Date {
  if (order.acknowledgeBy) return new Date(order.acknowledgeBy);
  return new Date(new Date(order.createdAt).getTime() + DEFAULT_ACK_WINDOW_HOURS * 3_600_000);
}

export interface PromisedDates {
  dispatchDate: IsoDate;
  deliveryDate: IsoDate;
}

/**
 * Dispatch = the order's UK date + the merchant's lead time in UK working days; delivery = dispatch
 * + transit working days. A backorder moves both by `BACKORDER_EXTRA_WORKING_DAYS`.
 */
export function promisedDates(
  orderedAt: Date | string,
  leadTimeDays: number,
  options: { transitDays?: number; backorder?: boolean } = {},
): PromisedDates {
  const lead = leadTimeDays + (options.backorder ? BACKORDER_EXTRA_WORKING_DAYS : 0);
  const dispatchDate = addUkWorkingDays(ukDateOf(orderedAt), lead);
  const deliveryDate = addUkWorkingDays(dispatchDate, options.transitDays ?? DEFAULT_TRANSIT_WORKING_DAYS);
  return { dispatchDate, deliveryDate };
}

/**
 * graphile-worker runs lower priorities first (a smallint). Minutes left until the deadline, so the
 * most urgent order is the smallest number; overdue orders go negative and first of all.
 */
export function importPriority(deadline: Date, now: Date): number {
  const minutes = Math.floor((deadline.getTime() - now.getTime()) / 60_000);
  return Math.max(-32_768, Math.min(32_767, minutes));
}

/** Nearest deadline first; ties by order date, then id, so the order is stable. */
export function byDeadline<T extends { acknowledgeBy: Date; orderedAt: Date; id: string }>(a: T, b: T): number {
  return (
    a.acknowledgeBy.getTime() - b.acknowledgeBy.getTime() ||
    a.orderedAt.getTime() - b.orderedAt.getTime() ||
    a.id.localeCompare(b.id)
  );
}
