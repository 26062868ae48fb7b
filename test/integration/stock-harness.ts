/**
 * Shared pieces of the stock integration tests: a migrated database of their own, a scripted
 * Shopify inventory reader for tests that do not need the Admin simulator, and a controllable clock.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { migrateDatabase } from "../../app/db/local-database.server";
import { startThrowawayServer, type ThrowawayServer } from "../../app/db/throwaway-server.server";
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
  stop(): Promise<void>;
}

let counter = 0;
let shared: Promise<ThrowawayServer> | null = null;

/** A fresh, migrated database on a throwaway server shared by the tests of one file. */
export async function startStockTestDb(): Promise<StockTestDb> {
  shared ??= startThrowawayServer();
  const server = await shared;
  const url = await server.createDatabase(`stock_${process.pid}_${counter++}`);
  await migrateDatabase(url);
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    url,
    db,
    stop: async () => {
      await db.$disconnect();
    },
  };
}

export async function stopSharedServer(): Promise<void> {
  if (shared) await (await shared).stop();
  shared = null;
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

  async readLevels(itemGids: readonly string[]): Promise<Result<InventoryItemLevels[], ShopifyReadError>> {
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
