/**
 * The stock pusher: sends each SKU's latest desired quantity to the marketplace, riskiest first,
 * one request per SKU (Virtualstock has no batch call), drawing on the shared request budget inside
 * the adapter. Pushes coalesce by construction: a claim reads the newest desired value at the
 * moment a request slot is free, so five quick changes to a SKU cost one request.
 */
import { describeMarketplaceError, type MarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import { marketplaceSku } from "../../lib/ids";
import { budgetPriority, failureScope, outageProbeDelayMs, retryDelayMs, UNAUTHORIZED_PROBE_MS } from "./push-planner";
import type { Clock } from "./ports";
import { claimPending, completePush, countDue, failPush, nextRetryAt, type ClaimedPush, type Db } from "./stock-store.server";

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
  /** The job's signal (shutdown or time limit): stop claiming more; the caller re-enqueues. */
  signal?: AbortSignal;
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

/**
 * What this process knows about the marketplace being down, per gateway: the runtime keeps one
 * gateway per connection per process (stock-runtime.server.ts), so the state lives exactly as long
 * as the connection it is about, and a changed connection (new credentials or URL) starts afresh.
 * Kept in memory rather than in the database because only the worker pushes; with several worker
 * processes each probes on its own, one request per interval each.
 */
interface OutageState {
  /** No request before then; the run due at that time sends the probe. */
  until: Date;
  consecutiveFailures: number;
  lastFailedProbeSku: string;
  message: string;
}
const outages = new WeakMap<MarketplaceGateway, OutageState>();

/**
 * Until when pushes through this gateway are held because the marketplace is down (null when they
 * are not): the job can skip other calls it would make first (e.g. warming the id cache).
 */
export function marketplaceHeldUntil(marketplace: MarketplaceGateway, now: Date): Date | null {
  const held = outages.get(marketplace);
  return held && held.until > now ? held.until : null;
}

/**
 * Claims the next SKU. A probe does not reuse the SKU whose probe just failed when another is due,
 * so one product that always fails cannot pass for an outage for ever (the next probe, on another
 * SKU, succeeds and lifts the hold): that SKU steps aside, due again a millisecond later.
 */
async function claimNext(
  deps: PushDeps,
  shop: string,
  now: Date,
  leaseMs: number,
  onlySkus: readonly string[] | null,
  probeAfter: OutageState | null,
): Promise<{ claim: ClaimedPush | undefined; steppedAsideUntil: Date | null }> {
  const [first] = await claimPending(deps.db, shop, now, 1, leaseMs, onlySkus);
  if (!first || !probeAfter || first.marketplaceSku !== probeAfter.lastFailedProbeSku) return { claim: first, steppedAsideUntil: null };
  const later = new Date(now.getTime() + 1);
  await failPush(deps.db, shop, first, { retryAt: later, message: probeAfter.message, countAttempt: false });
  const [other] = await claimPending(deps.db, shop, now, 1, leaseMs, onlySkus);
  if (other) return { claim: other, steppedAsideUntil: later };
  return { claim: (await claimPending(deps.db, shop, later, 1, leaseMs, onlySkus))[0], steppedAsideUntil: null };
}

export async function pushStockLevels(deps: PushDeps, shop: string, options: PushOptions = {}): Promise<PushRunOutcome> {
  const maxDurationMs = options.maxDurationMs ?? 120_000;
  const leaseMs = options.leaseMs ?? 120_000;
  const started = deps.clock.now().getTime();
  const out: PushRunOutcome = { pushed: 0, failed: 0, remaining: 0, retryAt: null, outageUntil: null };
  // The first push after a hold ends is the probe; until then, no request at all (however many
  // triggers arrive), so a minute's outage costs a handful of requests, not one per SKU per run.
  let probeAfter = outages.get(deps.marketplace) ?? null;
  let previousPushSucceeded = false;
  // Claims look at least this far ahead, so a SKU that stepped aside for the probe is due again
  // in the same run once the probe goes through.
  let claimFrom: Date | null = null;

  while (deps.clock.now().getTime() - started < maxDurationMs && !options.signal?.aborted) {
    const heldUntil = marketplaceHeldUntil(deps.marketplace, deps.clock.now());
    if (heldUntil) {
      out.outageUntil = heldUntil;
      // The schedule is the hold's end; counting what waits would cost two shop-wide queries.
      return out;
    }
    // One at a time: the budget, not concurrency, sets the pace, and claiming just before sending
    // lets a newer value or a riskier SKU that arrived meanwhile go first.
    const now0 = deps.clock.now();
    const { claim, steppedAsideUntil } = await claimNext(
      deps,
      shop,
      claimFrom && claimFrom > now0 ? claimFrom : now0,
      leaseMs,
      options.onlySkus ?? null,
      probeAfter,
    );
    probeAfter = null;
    claimFrom = steppedAsideUntil ?? claimFrom;
    if (!claim) break;
    const priority = budgetPriority(claim);
    const result = await deps.marketplace.pushStock([{ sku: marketplaceSku(claim.marketplaceSku), quantity: claim.desired }], {
      priority,
    });
    const item = result.ok ? result.value.items[0] : { ok: false as const, error: result.error };
    const now = deps.clock.now();
    if (item?.ok) {
      // The marketplace answers again: everything held is due now (it was never pushed back).
      outages.delete(deps.marketplace);
      await completePush(deps.db, shop, claim, now);
      out.pushed++;
      previousPushSucceeded = true;
      continue;
    }
    const error: MarketplaceError = item ? item.error : { kind: "unavailable", retryable: true, reason: "malformed-response", message: "No result for the item." };
    out.failed++;
    if (failureScope(error, previousPushSucceeded) === "outage") {
      // Not the SKU's fault: hold every push through this gateway until the next probe. The other
      // SKUs keep their place; this one is due at the probe too.
      const consecutiveFailures = (outages.get(deps.marketplace)?.consecutiveFailures ?? 0) + 1;
      const wait =
        error.kind === "unauthorized"
          ? UNAUTHORIZED_PROBE_MS
          : outageProbeDelayMs(consecutiveFailures, error.kind === "rate-limited" || error.kind === "unavailable" ? error.retryAfterMs : undefined);
      const until = new Date(now.getTime() + wait);
      const message = describeMarketplaceError(error);
      outages.set(deps.marketplace, { until, consecutiveFailures, lastFailedProbeSku: claim.marketplaceSku, message });
      // A 5xx counts against the SKU (if only this product fails, it later backs off alone).
      await failPush(deps.db, shop, claim, { retryAt: until, message, countAttempt: error.kind === "unavailable" });
      out.outageUntil = until;
      return out;
    }
    previousPushSucceeded = false;
    // A product that is publishing (409) stays locked for minutes: wait a minute unless told.
    const hint = error.kind === "unavailable" ? error.retryAfterMs ?? (error.reason === "locked" ? 60_000 : undefined) : undefined;
    const retryAt = error.retryable ? new Date(now.getTime() + retryDelayMs(claim.attempts + 1, hint)) : null;
    await failPush(deps.db, shop, claim, { retryAt, message: describeMarketplaceError(error), countAttempt: true });
  }
  // A restricted run (a reconciliation page) leaves scheduling to the shop's pusher: skip the two
  // shop-wide queries, which would cost a scan per page.
  if (options.onlySkus) return out;
  out.remaining = await countDue(deps.db, shop, deps.clock.now());
  out.retryAt = await nextRetryAt(deps.db, shop, deps.clock.now());
  return out;
}
