import { err, ok, type Result } from "../../lib/result";
import { describeMarketplaceError } from "../../marketplace/marketplace-errors";
import type { MarketplaceCarrier } from "../../marketplace/marketplace-gateway";
import { normalizeCarrierName, suggestCarriers, type CarrierSuggestion } from "./carrier-names";
import { readiness } from "./fulfillment-mapper";
import type { FlowDeps } from "./ports";

/** One Shopify carrier name the shop uses (seen on a fulfilment or already mapped). */
export interface CarrierRow {
  shopifyCarrier: string;
  displayName: string;
  mapping: { carrierCode: string; carrierName: string | null; updatedAt: string } | null;
  /** Parcels waiting for this mapping. */
  blockedDispatches: number;
  suggestions: CarrierSuggestion[];
}

export interface CarrierMappingsView {
  rows: CarrierRow[];
  carriers: MarketplaceCarrier[];
  /** Set when the marketplace's carrier list could not be read (the page still shows mappings). */
  carriersError: string | null;
}

/** The carrier mapping page: every carrier name in use, its mapping, what waits on it, suggestions. */
export async function getCarrierMappings(deps: Pick<FlowDeps, "db" | "marketplace">, shop: string): Promise<CarrierMappingsView> {
  const [mappings, seen, blocked] = await Promise.all([
    deps.db.carrierMapping.findMany({ where: { shop }, orderBy: { displayName: "asc" } }),
    deps.db.dispatch.findMany({
      where: { shop, carrierKey: { not: null } },
      distinct: ["carrierKey"],
      orderBy: [{ carrierKey: "asc" }, { createdAt: "desc" }],
      select: { carrierKey: true, carrierName: true },
    }),
    deps.db.dispatch.groupBy({ by: ["carrierKey"], where: { shop, status: "blocked-unmapped-carrier" }, _count: { _all: true } }),
  ]);
  let carriers: MarketplaceCarrier[] = [];
  let carriersError: string | null = null;
  const gateway = await deps.marketplace(shop);
  if (!gateway.ok) carriersError = gateway.error.message;
  else {
    const list = await gateway.value.listCarriers();
    if (list.ok) carriers = [...list.value].sort((a, b) => a.name.localeCompare(b.name));
    else carriersError = describeMarketplaceError(list.error);
  }
  const byKey = new Map<string, CarrierRow>();
  const blockedBy = new Map(blocked.map((b) => [b.carrierKey ?? "", b._count._all]));
  for (const m of mappings) {
    byKey.set(m.shopifyCarrier, {
      shopifyCarrier: m.shopifyCarrier,
      displayName: m.displayName,
      mapping: { carrierCode: m.carrierCode, carrierName: m.carrierName, updatedAt: m.updatedAt.toISOString() },
      blockedDispatches: blockedBy.get(m.shopifyCarrier) ?? 0,
      suggestions: [],
    });
  }
  for (const s of seen) {
    if (!s.carrierKey || byKey.has(s.carrierKey)) continue;
    const displayName = s.carrierName ?? s.carrierKey;
    byKey.set(s.carrierKey, {
      shopifyCarrier: s.carrierKey,
      displayName,
      mapping: null,
      blockedDispatches: blockedBy.get(s.carrierKey) ?? 0,
      suggestions: suggestCarriers(displayName, carriers),
    });
  }
  // Unmapped first (they block parcels), then by name.
  const rows = [...byKey.values()].sort(
    (a, b) => Number(a.mapping !== null) - Number(b.mapping !== null) || b.blockedDispatches - a.blockedDispatches || a.displayName.localeCompare(b.displayName),
  );
  return { rows, carriers, carriersError };
}

export type SaveMappingError =
  | { kind: "invalid"; message: string }
  | { kind: "unknown-carrier"; message: string }
  | { kind: "marketplace"; message: string };

/**
 * Maps a Shopify carrier name to a marketplace carrier code (audited), then releases every parcel
 * that waited for it: blocked ones, and ones the marketplace refused for this carrier, go out again.
 */
export async function saveCarrierMapping(
  deps: Pick<FlowDeps, "db" | "marketplace" | "enqueue" | "now">,
  input: { shop: string; shopifyCarrierName: string; carrierCode: string; actor: string },
): Promise<Result<{ released: number }, SaveMappingError>> {
  const key = normalizeCarrierName(input.shopifyCarrierName);
  if (!key) return err({ kind: "invalid", message: "Enter the carrier name as your fulfilments show it." });
  const gateway = await deps.marketplace(input.shop);
  if (!gateway.ok) return err({ kind: "marketplace", message: gateway.error.message });
  const list = await gateway.value.listCarriers();
  if (!list.ok) return err({ kind: "marketplace", message: describeMarketplaceError(list.error) });
  const carrier = list.value.find((c) => c.code === input.carrierCode);
  if (!carrier) return err({ kind: "unknown-carrier", message: `The marketplace does not list the carrier code "${input.carrierCode}".` });

  const released = await deps.db.$transaction(async (tx) => {
    const before = await tx.carrierMapping.findUnique({ where: { shop_shopifyCarrier: { shop: input.shop, shopifyCarrier: key } } });
    const displayName = before?.displayName ?? input.shopifyCarrierName.trim();
    const after = await tx.carrierMapping.upsert({
      where: { shop_shopifyCarrier: { shop: input.shop, shopifyCarrier: key } },
      create: { shop: input.shop, shopifyCarrier: key, displayName, carrierCode: carrier.code, carrierName: carrier.name },
      update: { carrierCode: carrier.code, carrierName: carrier.name },
    });
    await tx.auditLog.create({
      data: {
        shop: input.shop,
        actor: input.actor,
        action: before ? "update" : "create",
        entity: "CarrierMapping",
        entityId: after.id,
        before: before ? { shopifyCarrier: key, carrierCode: before.carrierCode } : undefined,
        after: { shopifyCarrier: key, carrierCode: carrier.code },
      },
    });
    const waiting = await tx.dispatch.findMany({
      where: { shop: input.shop, carrierKey: key, status: { in: ["blocked-unmapped-carrier", "rejected"] } },
    });
    let count = 0;
    for (const d of waiting) {
      // A refusal for another reason (quantity, state) is not the mapping's to retry.
      if (d.status === "rejected" && !/carrier/i.test(d.lastError ?? "")) continue;
      const status = readiness({ carrierKey: key, trackingNumber: d.trackingNumber, mappedCode: carrier.code });
      await tx.dispatch.update({ where: { id: d.id }, data: { status, lastError: null, stuckSince: null } });
      if (status === "pending") {
        await deps.enqueue(tx, { task: "fulfillment.dispatch", payload: { shop: input.shop, dispatchId: d.id } });
        count++;
      }
    }
    return count;
  });
  return ok({ released });
}

/** Removes a mapping (audited). Parcels already confirmed are not affected. */
export async function deleteCarrierMapping(
  deps: Pick<FlowDeps, "db">,
  input: { shop: string; shopifyCarrier: string; actor: string },
): Promise<Result<void, { kind: "not-found" }>> {
  return deps.db.$transaction(async (tx) => {
    const before = await tx.carrierMapping.findUnique({ where: { shop_shopifyCarrier: { shop: input.shop, shopifyCarrier: input.shopifyCarrier } } });
    if (!before) return err({ kind: "not-found" as const });
    await tx.carrierMapping.delete({ where: { id: before.id } });
    await tx.auditLog.create({
      data: { shop: input.shop, actor: input.actor, action: "delete", entity: "CarrierMapping", entityId: before.id, before: { shopifyCarrier: before.shopifyCarrier, carrierCode: before.carrierCode } },
    });
    return ok(undefined);
  });
}
