/**
 * The stock pusher: sends each SKU's latest desired quantity to the marketplace, riskiest first,
 * one request per SKU (Virtualstock has no batch call), drawing on the shared request budget inside
 * the adapter. Pushes coalesce by construction: a claim reads the newest desired value at the
 * moment a request slot is free, so five quick changes to a SKU cost one request.
 */
import { describeMarketplaceError, type MarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import { marketplaceSku } from "../../lib/ids";
import { budgetPriority, retryDelayMs } from "./push-planner";
import type { Clock } from "./ports";
import { claimPending, completePush, countDue, failPush, nextRetryAt, type Db } from "./stock-store.server";

export interface PushDeps {
  db: Db;
  marketplace: MarketplaceGateway;
  clock: Clock;
}

export interface PushOptions {
  /** Stop after this long so one job never holds the queue for ever; the caller re-enqueues. */
  maxDurationMs?: number;
  /** Claim lease: longer than a push with its retries inside the adapter can take. */
  leaseMs?: number;
  /** Push only these SKUs (those on a reconciliation page just listed), else every pending one. */
  onlySkus?: readonly string[];
}

export interface PushRunOutcome {
  pushed: number;
  failed: number;
  /** SKUs still waiting to be pushed now (the caller runs again at once). */
  remaining: number;
  /** When a retry becomes due, if anything waits for one (the caller schedules a run then). */
  retryAt: Date | null;
  /** The marketplace is down for everyone: the caller backs off the whole run until then. */
  outageUntil: Date | null;
}

/** Platform-wide trouble: spending more requests on other SKUs now would only fail the same way. */
function isOutage(error: MarketplaceError): boolean {
  return (
    error.kind === "rate-limited" ||
    error.kind === "unauthorized" ||
    (error.kind === "unavailable" && error.reason !== "locked")
  );
}

export async function pushStockLevels(deps: PushDeps, shop: string, options: PushOptions = {}): Promise<PushRunOutcome> {
  const maxDurationMs = options.maxDurationMs ?? 120_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const started = deps.clock.now().getTime();
  const out: PushRunOutcome = { pushed: 0, failed: 0, remaining: 0, retryAt: null, outageUntil: null };

  while (deps.clock.now().getTime() - started < maxDurationMs) {
    // One at a time: the budget, not concurrency, sets the pace, and claiming just before sending
    // lets a newer value or a riskier SKU that arrived meanwhile go first.
    const [claim] = await claimPending(deps.db, shop, deps.clock.now(), 1, leaseMs, options.onlySkus ?? null);
    if (!claim) break;
    const priority = budgetPriority(claim);
    const result = await deps.marketplace.pushStock([{ sku: marketplaceSku(claim.marketplaceSku), quantity: claim.desired }], {
      priority,
    });
    const item = result.ok ? result.value.items[0] : { ok: false as const, error: result.error };
    const now = deps.clock.now();
    if (item?.ok) {
      await completePush(deps.db, shop, claim, now);
      out.pushed++;
      continue;
    }
    const error: MarketplaceError = item ? item.error : { kind: "unavailable", retryable: true, reason: "malformed-response", message: "No result for the item." };
    out.failed++;
    if (isOutage(error)) {
      // Not the SKU's fault: release it untouched and stop the run.
      const wait = error.kind === "rate-limited" ? error.retryAfterMs : retryDelayMs(claim.attempts + 1, "retryAfterMs" in error ? error.retryAfterMs : undefined);
      await failPush(deps.db, shop, claim, {
        retryAt: error.kind === "unauthorized" ? null : new Date(now.getTime() + wait),
        message: describeMarketplaceError(error),
        countAttempt: true,
      });
      out.outageUntil = new Date(now.getTime() + wait);
      break;
    }
    const retryAt = error.retryable
      ? new Date(now.getTime() + retryDelayMs(claim.attempts + 1, error.kind === "unavailable" ? error.retryAfterMs ?? 60_000 : undefined))
      : null;
    await failPush(deps.db, shop, claim, { retryAt, message: describeMarketplaceError(error), countAttempt: true });
  }
  // A restricted run (a reconciliation page) leaves scheduling to the shop's pusher: skip the two
  // shop-wide queries, which would cost a scan per page.
  if (options.onlySkus) return out;
  out.remaining = await countDue(deps.db, shop, deps.clock.now());
  out.retryAt = await nextRetryAt(deps.db, shop, deps.clock.now());
  return out;
}
