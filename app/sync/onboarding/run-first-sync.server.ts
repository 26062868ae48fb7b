/**
 * First sync after a shop connects its marketplace (docs/decisions/011-onboarding.md): choose the
 * published locations if the merchant has not, load the marketplace's product list, link what
 * matches exactly, reconcile stock again so the differences are pushed, and release orders that
 * were waiting on mappings.
 *
 * Each finished step is recorded as an AuditLog row (entity "Onboarding"), so a retried job
 * resumes after the last finished step and the home page can show how far it got. The steps
 * themselves are idempotent too (upserts, version-guarded stock records, auto-match skipping
 * linked rows), so a crash between a step and its record only repeats that step.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { err, ok, type Result } from "../../lib/result";
import type { AutoMatchSummary } from "../inventory/manage-sku-mappings.server";
import type { ShopifyReadError } from "../inventory/ports";

export const ONBOARDING_ACTOR = "onboarding";
export const ONBOARDING_ENTITY = "Onboarding";
export const ONBOARDING_ENTITY_ID = "first-sync";

/** The steps in order; each is recorded once done. */
export const FIRST_SYNC_STEPS = ["locations", "catalogue", "match", "stock", "release"] as const;
export type FirstSyncStep = (typeof FIRST_SYNC_STEPS)[number];

export interface ShopLocation {
  id: string;
  name: string;
}

/** A failure of a step's port, in the worker's TaskError shape. */
export interface StepError {
  kind: string;
  retryable: boolean;
  message: string;
}

/** Ports of the first sync, wired per shop in onboarding-runtime.server.ts. */
export interface FirstSyncDeps {
  db: PrismaClient;
  now(): Date;
  /** The shop's active locations. */
  listLocations(): Promise<Result<ShopLocation[], ShopifyReadError>>;
  /** Saves the published locations (audited by the stock flow with the given actor). */
  saveLocations(locationIds: string[], actor: string): Promise<void>;
  /**
   * A stock reconciliation: records the marketplace's products (unmapped rows for new ones) and
   * what it shows for each mapped one, and pushes the differences (it queues the pusher too).
   */
  reconcile(): Promise<Result<unknown, StepError>>;
  /** Links every unlinked marketplace product that matches exactly one variant. */
  autoMatch(actor: string): Promise<Result<AutoMatchSummary, ShopifyReadError>>;
  /** Queues an order poll, which re-releases orders that were waiting on SKU mappings. */
  releaseOrders(): Promise<void>;
}

export interface FirstSyncSummary {
  /** Marketplace products the app knows of (still listed by the marketplace). */
  total: number;
  /** Of those, linked to a Shopify variant. */
  matched: number;
  /** Listed but not linked: the merchant maps these on the SKU mappings page. */
  unmatched: number;
  /** True when this run did nothing because an earlier run finished. */
  alreadyDone: boolean;
}

export type FirstSyncError = StepError & { step: FirstSyncStep };

export async function runFirstSync(deps: FirstSyncDeps, shop: string): Promise<Result<FirstSyncSummary, FirstSyncError>> {
  const done = await finishedSteps(deps.db, shop);
  if (done.has("release")) return ok({ ...(await countProducts(deps.db, shop)), alreadyDone: true });
  if (done.size === 0) await record(deps, shop, "onboarding.started", {});

  const fail = async (step: FirstSyncStep, error: StepError): Promise<Result<never, FirstSyncError>> => {
    // Retryable failures are retried by the worker; only a final one is shown as a failure.
    if (!error.retryable) await record(deps, shop, "onboarding.failed", { step, message: error.message });
    return err({ ...error, step });
  };

  if (!done.has("locations")) {
    const existing = await deps.db.stockSettings.findUnique({ where: { shop }, select: { publishedLocationIds: true } });
    if (existing) {
      // The merchant chose already (or chose none on purpose): never override a choice.
      await recordStep(deps, shop, "locations", { defaulted: false, locationIds: existing.publishedLocationIds });
    } else {
      const locations = await deps.listLocations();
      if (!locations.ok) return fail("locations", shopifyStepError(locations.error));
      if (locations.value.length === 0) {
        return fail("locations", {
          kind: "no-locations",
          retryable: false,
          message: "Your shop has no active location to publish stock from. Add one in Shopify, then choose it on the Inventory page.",
        });
      }
      const ids = locations.value.map((l) => l.id);
      await deps.saveLocations(ids, ONBOARDING_ACTOR);
      await recordStep(deps, shop, "locations", { defaulted: true, locationIds: ids, names: locations.value.map((l) => l.name) });
    }
  }

  if (!done.has("catalogue")) {
    const reconciled = await deps.reconcile();
    if (!reconciled.ok) return fail("catalogue", reconciled.error);
    await recordStep(deps, shop, "catalogue", await countProducts(deps.db, shop));
  }

  if (!done.has("match")) {
    const matched = await deps.autoMatch(ONBOARDING_ACTOR);
    if (!matched.ok) return fail("match", shopifyStepError(matched.error));
    await recordStep(deps, shop, "match", { linked: matched.value.linked, issues: matched.value.issues.length });
  }

  if (!done.has("stock")) {
    // A second reconciliation now that products are linked: it records what the marketplace shows
    // for each of them, so only real differences are pushed (a push per linked SKU otherwise, at
    // 250 requests a minute, would hold back the merchant's first real changes behind a backlog).
    const reconciled = await deps.reconcile();
    if (!reconciled.ok) return fail("stock", reconciled.error);
    await recordStep(deps, shop, "stock", {});
  }

  await deps.releaseOrders();
  const summary = await countProducts(deps.db, shop);
  await recordStep(deps, shop, "release", summary);
  return ok({ ...summary, alreadyDone: false });
}

function shopifyStepError(error: ShopifyReadError): StepError {
  return {
    kind: `shopify-${error.kind}`,
    retryable: error.retryable,
    message: error.kind === "throttled" ? "Shopify throttled the read." : `Shopify could not be read: ${error.message}`,
  };
}

async function countProducts(db: PrismaClient, shop: string): Promise<Omit<FirstSyncSummary, "alreadyDone">> {
  const [total, matched] = await Promise.all([
    db.skuMapping.count({ where: { shop, marketplaceKnown: true } }),
    db.skuMapping.count({ where: { shop, marketplaceKnown: true, variantGid: { not: null } } }),
  ]);
  return { total, matched, unmatched: total - matched };
}

async function finishedSteps(db: PrismaClient, shop: string): Promise<Set<FirstSyncStep>> {
  const rows = await db.auditLog.findMany({
    where: { shop, entity: ONBOARDING_ENTITY, entityId: ONBOARDING_ENTITY_ID, action: "onboarding.step" },
    select: { after: true },
  });
  const steps = new Set<FirstSyncStep>();
  for (const row of rows) {
    const step = (row.after as { step?: unknown } | null)?.step;
    const known = FIRST_SYNC_STEPS.find((s) => s === step);
    if (known) steps.add(known);
  }
  return steps;
}

function recordStep(deps: FirstSyncDeps, shop: string, step: FirstSyncStep, details: Record<string, unknown>): Promise<void> {
  return record(deps, shop, "onboarding.step", { step, ...details });
}

async function record(deps: FirstSyncDeps, shop: string, action: string, after: Record<string, unknown>): Promise<void> {
  await deps.db.auditLog.create({
    data: {
      shop,
      actor: ONBOARDING_ACTOR,
      action,
      entity: ONBOARDING_ENTITY,
      entityId: ONBOARDING_ENTITY_ID,
      after: after as Prisma.InputJsonValue,
      at: deps.now(),
    },
  });
}
