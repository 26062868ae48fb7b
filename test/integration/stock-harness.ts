/**
 * Shared pieces of the stock integration tests: a migrated database of their own, a scripted
 * Shopify inventory reader for tests that do not need the Admin simulator, and a controllable clock.
 */
import type { PrismaClient } from "@prisma/client";
import type pg from "pg";
import { createTestDatabase } from "../setup/database";
import { ok, type Result } from "../../app/lib/result";
import type {
  Clock,
  InventoryItemLevels,
  InventoryReader,
  ShopifyReadError,
  ShopifyVariantRef,
} from "../../app/sync/inventory/ports";

export interface StockTestDb {
  url: string;
  db: PrismaClient;
  pool: pg.Pool;
  stop(): Promise<void>;
}

/** A fresh database copied from the run's migrated template (test/setup/database.ts). */
export async function startStockTestDb(): Promise<StockTestDb> {
  const t = await createTestDatabase();
  return { url: t.url, db: t.prisma, pool: t.pool, stop: () => t.drop() };
}

/** Shopify inventory as plain data: tests set levels; every read is recorded. */
export class ScriptedInventory implements InventoryReader {
  readonly items = new Map<string, InventoryItemLevels>();
  readonly variants: ShopifyVariantRef[] = [];
  readonly reads: string[][] = [];
  failNext: ShopifyReadError | null = null;

  constructor(private readonly clock: Clock) {}

  set(itemGid: string, levels: Record<string, number>, tracked = true): void {
    const at = this.clock.now().toISOString();
    this.items.set(itemGid, {
      inventoryItemGid: itemGid,
      tracked,
      levels: Object.entries(levels).map(([locationId, available]) => ({ locationId, available, updatedAt: at })),
    });
  }

  async readLevels(itemGids: readonly string[], _locationIds?: readonly string[]): Promise<Result<InventoryItemLevels[], ShopifyReadError>> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      return { ok: false, error };
    }
    this.reads.push([...itemGids]);
    return ok(itemGids.flatMap((g) => (this.items.has(g) ? [structuredClone(this.items.get(g)!)] : [])));
  }

  async *listVariants(): AsyncIterable<Result<ShopifyVariantRef[], ShopifyReadError>> {
    yield ok([...this.variants]);
  }

  /** The locations the scripted levels mention. */
  async listLocations(): Promise<Result<{ id: string; name: string }[], ShopifyReadError>> {
    const ids = new Set([...this.items.values()].flatMap((i) => i.levels.map((l) => l.locationId)));
    return ok([...ids].map((id) => ({ id, name: id })));
  }

  async *readAllLevels(locationIds: readonly string[]): AsyncIterable<Result<InventoryItemLevels[], ShopifyReadError>> {
    const chosen = new Set(locationIds);
    yield ok([...this.items.values()].map((i) => ({ ...structuredClone(i), levels: i.levels.filter((l) => chosen.has(l.locationId)) })));
  }
}

/** A clock tests move by hand (starting at a fixed instant). */
export class ManualClock implements Clock {
  private t: number;
  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
    this.t = start;
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A GraphQL transport straight to the Shopify simulator with the seeded shop's token. */
export function simulatorTransport(
  sim: { graphqlUrl(shop: string): string },
  shop: { domain: string; accessToken: string },
): (query: string, variables: Record<string, unknown>) => Promise<Result<unknown, ShopifyReadError>> {
  return async (query, variables) => {
    const res = await fetch(sim.graphqlUrl(shop.domain), {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": shop.accessToken },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status >= 500) return { ok: false, error: { kind: "unavailable", retryable: true, message: String(res.status) } };
    return ok(await res.json());
  };
}
