import { err, ok, type Result } from "../../lib/result";
import { readiness } from "./fulfillment-mapper";
import { linesOf } from "./dispatch-records.server";
import type { FlowDeps } from "./ports";

/** A parcel that needs the merchant's eye, as the dispatches page and the order block show it. */
export interface DispatchIssue {
  id: string;
  marketplaceOrderId: string;
  marketplaceOrderRef: string | null;
  shopifyOrderGid: string;
  status: string;
  /** "unmapped-carrier" | "missing-tracking" | "rejected" | "stuck" */
  problem: "unmapped-carrier" | "missing-tracking" | "rejected" | "stuck";
  reason: string;
  carrierName: string | null;
  trackingNumber: string | null;
  units: number;
  fulfilledAt: string;
  attempts: number;
  /** Whether "Retry" can do anything (a blocked carrier needs a mapping instead). */
  retryable: boolean;
}

export interface MerchantTaskView {
  id: string;
  kind: string;
  marketplaceOrderId: string;
  marketplaceOrderRef: string | null;
  title: string;
  instructions: string;
  createdAt: string;
}

export interface DispatchOverview {
  issues: DispatchIssue[];
  tasks: MerchantTaskView[];
  counts: { unmappedCarrier: number; rejected: number; stuck: number; missingTracking: number; sentLast24h: number; openTasks: number };
}

function problemOf(d: { status: string; stuckSince: Date | null }): DispatchIssue["problem"] | null {
  if (d.status === "blocked-unmapped-carrier") return "unmapped-carrier";
  if (d.status === "blocked-missing-tracking") return "missing-tracking";
  if (d.status === "rejected") return "rejected";
  if (d.status === "pending" && d.stuckSince) return "stuck";
  return null;
}

function reasonOf(d: { status: string; lastError: string | null; carrierName: string | null }, problem: DispatchIssue["problem"]): string {
  switch (problem) {
    case "unmapped-carrier":
      return d.carrierName
        ? `The carrier "${d.carrierName}" is not mapped to a marketplace carrier. Map it and this parcel is confirmed.`
        : "The fulfilment has no carrier. Add the carrier and tracking in Shopify.";
    case "missing-tracking":
      return "The fulfilment has no tracking number; the marketplace requires one. Add it in Shopify.";
    case "rejected":
      return d.lastError ?? "The marketplace refused the dispatch.";
    case "stuck":
      return d.lastError ? `Not confirmed yet: ${d.lastError}` : "Not confirmed yet: the confirmation is still queued.";
  }
}

/** Parcels needing attention and open merchant tasks, optionally for one order. */
export async function getDispatchOverview(
  deps: Pick<FlowDeps, "db" | "now">,
  shop: string,
  filter: { shopifyOrderGid?: string; marketplaceOrderId?: string } = {},
): Promise<DispatchOverview> {
  const where = { shop, ...(filter.shopifyOrderGid ? { shopifyOrderGid: filter.shopifyOrderGid } : {}), ...(filter.marketplaceOrderId ? { marketplaceOrderId: filter.marketplaceOrderId } : {}) };
  const since = new Date(deps.now().getTime() - 24 * 3600_000);
  const [rows, tasks, sentLast24h] = await Promise.all([
    deps.db.dispatch.findMany({
      where: { ...where, OR: [{ status: { in: ["blocked-unmapped-carrier", "blocked-missing-tracking", "rejected"] } }, { status: "pending", stuckSince: { not: null } }] },
      orderBy: { fulfilledAt: "asc" },
      take: 200,
    }),
    deps.db.merchantTask.findMany({ where: { ...(filter.marketplaceOrderId ? { marketplaceOrderId: filter.marketplaceOrderId } : {}), shop, doneAt: null }, orderBy: { createdAt: "asc" }, take: 200 }),
    deps.db.dispatch.count({ where: { ...where, status: "sent", sentAt: { gte: since } } }),
  ]);
  const issues: DispatchIssue[] = [];
  for (const d of rows) {
    const problem = problemOf(d);
    if (!problem) continue;
    issues.push({
      id: d.id,
      marketplaceOrderId: d.marketplaceOrderId,
      marketplaceOrderRef: d.marketplaceOrderRef,
      shopifyOrderGid: d.shopifyOrderGid,
      status: d.status,
      problem,
      reason: reasonOf(d, problem),
      carrierName: d.carrierName,
      trackingNumber: d.trackingNumber,
      units: linesOf(d).reduce((s, l) => s + l.quantity, 0),
      fulfilledAt: d.fulfilledAt.toISOString(),
      attempts: d.attempts,
      retryable: problem === "rejected" || problem === "stuck",
    });
  }
  const count = (p: DispatchIssue["problem"]) => issues.filter((i) => i.problem === p).length;
  return {
    issues,
    tasks: tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      marketplaceOrderId: t.marketplaceOrderId,
      marketplaceOrderRef: t.marketplaceOrderRef,
      title: t.title,
      instructions: t.instructions,
      createdAt: t.createdAt.toISOString(),
    })),
    counts: {
      unmappedCarrier: count("unmapped-carrier"),
      rejected: count("rejected"),
      stuck: count("stuck"),
      missingTracking: count("missing-tracking"),
      sentLast24h,
      openTasks: tasks.length,
    },
  };
}

export type RetryError = { kind: "not-found" } | { kind: "not-retryable"; message: string };

/**
 * "Retry" on the dispatches page: a refused or stuck parcel is queued again as it stands now
 * (current mapping and tracking). Blocked parcels stay blocked until their cause is fixed.
 */
export async function retryDispatch(deps: Pick<FlowDeps, "db" | "enqueue">, shop: string, dispatchId: string): Promise<Result<{ status: string }, RetryError>> {
  return deps.db.$transaction(async (tx) => {
    const d = await tx.dispatch.findFirst({ where: { id: dispatchId, shop } });
    if (!d) return err({ kind: "not-found" as const });
    if (d.status === "sent" || d.status === "cancelled") return err({ kind: "not-retryable" as const, message: `This parcel is ${d.status}.` });
    const mapping = d.carrierKey ? await tx.carrierMapping.findUnique({ where: { shop_shopifyCarrier: { shop, shopifyCarrier: d.carrierKey } } }) : null;
    const status = readiness({ carrierKey: d.carrierKey, trackingNumber: d.trackingNumber, mappedCode: mapping?.carrierCode ?? null });
    await tx.dispatch.update({ where: { id: d.id }, data: { status, stuckSince: null, lastError: status === "pending" ? null : d.lastError } });
    if (status === "pending") await deps.enqueue(tx, { task: "fulfillment.dispatch", payload: { shop, dispatchId: d.id } });
    return ok({ status });
  });
}

/** The merchant did the portal task. */
export async function completeMerchantTask(deps: Pick<FlowDeps, "db" | "now">, shop: string, taskId: string): Promise<Result<void, { kind: "not-found" }>> {
  const { count } = await deps.db.merchantTask.updateMany({ where: { id: taskId, shop, doneAt: null }, data: { doneAt: deps.now() } });
  return count === 0 ? err({ kind: "not-found" }) : ok(undefined);
}
