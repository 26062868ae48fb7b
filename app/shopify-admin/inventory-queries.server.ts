/**
 * Shopify reads of the stock flow: inventory levels of many items per call, every variant page by
 * page (for matching), and every item's levels through a bulk operation (for reconciliation).
 * Calls are sized by Shopify's calculated cost and paced by the throttle status each response
 * reports, so the flow waits for the bucket instead of being throttled
 * (https://shopify.dev/docs/api/usage/limits#rate-limits).
 */
import { z } from "zod";
import { err, ok, type Result } from "../lib/result";
import type { InventoryItemLevels, InventoryReader, ShopifyReadError, ShopifyVariantRef } from "../sync/inventory/ports";

/** Sends one GraphQL request and returns the parsed JSON body (data, errors, extensions). */
export type GraphqlTransport = (query: string, variables: Record<string, unknown>) => Promise<Result<unknown, ShopifyReadError>>;

export const INVENTORY_LEVELS_QUERY = /* GraphQL */ `#graphql
  query StockInventoryLevels($ids: [ID!]!, $levels: Int!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        tracked
        inventoryLevels(first: $levels) {
          nodes {
            location { id }
            quantities(names: ["available"]) { name quantity updatedAt }
          }
        }
      }
    }
  }
`;

/**
 * The cheap form when the published locations are known (up to three): one level object per
 * location instead of a connection over every location, about 3 points per item instead of 33.
 */
export const INVENTORY_LEVELS_AT_QUERY = /* GraphQL */ `#graphql
  query StockInventoryLevelsAt($ids: [ID!]!, $l0: ID!, $l1: ID!, $l2: ID!, $has1: Boolean!, $has2: Boolean!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        tracked
        l0: inventoryLevel(locationId: $l0) { quantities(names: ["available"]) { name quantity updatedAt } }
        l1: inventoryLevel(locationId: $l1) @include(if: $has1) { quantities(names: ["available"]) { name quantity updatedAt } }
        l2: inventoryLevel(locationId: $l2) @include(if: $has2) { quantities(names: ["available"]) { name quantity updatedAt } }
      }
    }
  }
`;
/** Locations the aliased query covers; more fall back to the connection form. */
export const MAX_ALIASED_LOCATIONS = 3;

export const VARIANTS_PAGE_QUERY = /* GraphQL */ `#graphql
  query StockVariantsPage($first: Int!, $after: String) {
    productVariants(first: $first, after: $after) {
      nodes { id sku barcode displayName inventoryItem { id tracked } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const VARIANTS_BY_SKU_QUERY = /* GraphQL */ `#graphql
  query StockVariantsBySku($query: String!) {
    productVariants(first: 10, query: $query) {
      nodes { id sku barcode displayName inventoryItem { id tracked } }
    }
  }
`;

export const LOCATIONS_QUERY = /* GraphQL */ `#graphql
  query StockLocations {
    locations(first: 50) { nodes { id name isActive } }
  }
`;

export const BULK_LEVELS_START_MUTATION = /* GraphQL */ `#graphql
  mutation StockBulkLevels($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { id status }
      userErrors { field message }
    }
  }
`;

export const BULK_OPERATION_QUERY = /* GraphQL */ `#graphql
  query StockBulkOperation($id: ID!) {
    bulkOperation(id: $id) { id status errorCode objectCount url }
  }
`;

/**
 * The bulk query itself (run by Shopify, not one of our validated documents). It asks for the
 * chosen locations' levels by alias (`inventoryLevel(locationId:)` is an object, not a
 * connection), which keeps the query one connection deep and the file one line per item.
 */
export function bulkLevelsInnerQuery(locationIds: readonly string[]): string {
  const levels = locationIds
    .map((id, i) => `l${i}: inventoryLevel(locationId: ${JSON.stringify(id)}) { quantities(names: ["available"]) { name quantity updatedAt } }`)
    .join(" ");
  return `{ inventoryItems { edges { node { id tracked ${levels} } } } }`;
}

/** Locations read per item: shops with more would need paging (none of our merchants do). */
export const LEVELS_PER_ITEM = 10;
/** Shopify refuses single queries over 1,000 points. */
const MAX_QUERY_COST = 1000;
/** Requested cost of one item in INVENTORY_LEVELS_QUERY: the item, the connection, each level with its location and quantity. */
const ITEM_COST = 1 + 2 + LEVELS_PER_ITEM * 3;
export const ITEMS_PER_CALL = Math.floor((MAX_QUERY_COST - 1) / ITEM_COST);
const VARIANTS_PER_PAGE = 100;

const Cost = z
  .object({
    requestedQueryCost: z.number().nullable().optional(),
    actualQueryCost: z.number().nullable().optional(),
    throttleStatus: z.object({
      maximumAvailable: z.number(),
      currentlyAvailable: z.number(),
      restoreRate: z.number(),
    }),
  })
  .optional();

const Envelope = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).passthrough().optional() })).optional(),
  extensions: z.object({ cost: Cost }).passthrough().optional(),
});

const LevelsData = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string(),
        tracked: z.boolean(),
        inventoryLevels: z.object({
          nodes: z.array(
            z.object({
              location: z.object({ id: z.string() }).nullable(),
              quantities: z.array(z.object({ name: z.string(), quantity: z.number().int(), updatedAt: z.string().nullable() })),
            }),
          ),
        }),
      })
      .or(z.object({}).strict())
      .nullable(),
  ),
});

const LevelAt = z.object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int(), updatedAt: z.string().nullable() })) }).nullable().optional();
const LevelsAtData = z.object({
  nodes: z.array(
    z.object({ id: z.string(), tracked: z.boolean(), l0: LevelAt, l1: LevelAt, l2: LevelAt }).or(z.object({}).strict()).nullable(),
  ),
});

const VariantNode = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  displayName: z.string(),
  inventoryItem: z.object({ id: z.string(), tracked: z.boolean() }),
});
const VariantsData = z.object({
  productVariants: z.object({
    nodes: z.array(VariantNode),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});
const LocationsData = z.object({ locations: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string(), isActive: z.boolean() })) }) });
const VariantsBySkuData = z.object({ productVariants: z.object({ nodes: z.array(VariantNode) }) });
const BulkStart = z.object({
  bulkOperationRunQuery: z.object({
    bulkOperation: z.object({ id: z.string(), status: z.string() }).nullable(),
    userErrors: z.array(z.object({ message: z.string() })),
  }),
});
const BulkStatus = z.object({
  bulkOperation: z
    .object({ id: z.string(), status: z.string(), errorCode: z.string().nullable(), objectCount: z.union([z.string(), z.number()]).nullable(), url: z.string().nullable() })
    .nullable(),
});

export interface InventoryQueriesOptions {
  transport: GraphqlTransport;
  sleep?: (ms: number) => Promise<void>;
  /** Fetch for the bulk result file (a signed URL on Shopify's storage). */
  fetchFile?: (url: string) => Promise<Response>;
  /** How often to poll a running bulk operation. */
  bulkPollMs?: number;
  /** Give up on a throttled call after this many waits. */
  maxThrottleWaits?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Builds the stock flow's Shopify reader over a GraphQL transport. */
export function createInventoryReader(options: InventoryQueriesOptions): InventoryReader & {
  variantsBySku(sku: string): Promise<Result<ShopifyVariantRef[], ShopifyReadError>>;
} {
  const sleep = options.sleep ?? defaultSleep;
  const maxWaits = options.maxThrottleWaits ?? 20;
  /** Points we believe are in the bucket now, from the last response. */
  let bucket: { available: number; restoreRate: number; at: number } | null = null;

  async function call<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>, requested: number): Promise<Result<T, ShopifyReadError>> {
    for (let waits = 0; ; waits++) {
      if (bucket) {
        const refilled = bucket.available + ((Date.now() - bucket.at) / 1000) * bucket.restoreRate;
        if (refilled < requested) await sleep(Math.ceil(((requested - refilled) / bucket.restoreRate) * 1000));
      }
      const raw = await options.transport(query, variables);
      if (!raw.ok) return raw;
      const body = Envelope.safeParse(raw.value);
      if (!body.success) return err({ kind: "unavailable", retryable: true, message: "Shopify answered with an unexpected body." });
      const status = body.data.extensions?.cost?.throttleStatus;
      if (status) bucket = { available: status.currentlyAvailable, restoreRate: status.restoreRate, at: Date.now() };
      const throttled = body.data.errors?.some((e) => e.extensions?.code === "THROTTLED");
      if (throttled) {
        const wait = status ? Math.ceil((Math.max(0, requested - status.currentlyAvailable) / status.restoreRate) * 1000) : 1000;
        if (waits >= maxWaits) return err({ kind: "throttled", retryable: true, retryAfterMs: wait });
        await sleep(Math.max(wait, 50));
        continue;
      }
      if (body.data.errors?.length) {
        return err({ kind: "failed", retryable: false, message: body.data.errors.map((e) => e.message).join("; ") });
      }
      const data = schema.safeParse(body.data.data);
      if (!data.success) return err({ kind: "unavailable", retryable: true, message: `Shopify data did not match: ${data.error.message}` });
      return ok(data.data);
    }
  }

  /** Per item: the item, and per location its level and the quantities list. */
  async function readLevelsAt(itemGids: readonly string[], locationIds: readonly string[]): Promise<Result<InventoryItemLevels[], ShopifyReadError>> {
    const perItem = 1 + locationIds.length * 2;
    const batch = Math.min(250, Math.floor((MAX_QUERY_COST - 1) / perItem));
    const [l0, l1 = l0, l2 = l0] = locationIds;
    const out: InventoryItemLevels[] = [];
    for (let i = 0; i < itemGids.length; i += batch) {
      const ids = itemGids.slice(i, i + batch);
      const res = await call(
        INVENTORY_LEVELS_AT_QUERY,
        { ids, l0, l1, l2, has1: locationIds.length > 1, has2: locationIds.length > 2 },
        LevelsAtData,
        1 + ids.length * perItem,
      );
      if (!res.ok) return res;
      for (const node of res.value.nodes) {
        if (!node || !("id" in node)) continue;
        const levels: InventoryItemLevels["levels"] = [];
        [node.l0, node.l1, node.l2].slice(0, locationIds.length).forEach((level, k) => {
          if (!level) return; // the item is not stocked there
          const q = level.quantities.find((x) => x.name === "available");
          levels.push({ locationId: locationIds[k], available: q?.quantity ?? null, updatedAt: q?.updatedAt ?? null });
        });
        out.push({ inventoryItemGid: node.id, tracked: node.tracked, levels });
      }
    }
    return ok(out);
  }

  const toVariant = (v: z.infer<typeof VariantNode>): ShopifyVariantRef => ({
    variantGid: v.id,
    inventoryItemGid: v.inventoryItem.id,
    sku: v.sku,
    barcode: v.barcode,
    title: v.displayName,
    tracked: v.inventoryItem.tracked,
  });

  return {
    async readLevels(itemGids, locationIds) {
      if (locationIds && locationIds.length > 0 && locationIds.length <= MAX_ALIASED_LOCATIONS) {
        return readLevelsAt(itemGids, locationIds);
      }
      const out: InventoryItemLevels[] = [];
      for (let i = 0; i < itemGids.length; i += ITEMS_PER_CALL) {
        const ids = itemGids.slice(i, i + ITEMS_PER_CALL);
        const res = await call(INVENTORY_LEVELS_QUERY, { ids, levels: LEVELS_PER_ITEM }, LevelsData, 1 + ids.length * ITEM_COST);
        if (!res.ok) return res;
        for (const node of res.value.nodes) {
          if (!node || !("id" in node)) continue;
          out.push({
            inventoryItemGid: node.id,
            tracked: node.tracked,
            levels: node.inventoryLevels.nodes.flatMap((lv) => {
              if (!lv.location) return [];
              const q = lv.quantities.find((x) => x.name === "available");
              return [{ locationId: lv.location.id, available: q?.quantity ?? null, updatedAt: q?.updatedAt ?? null }];
            }),
          });
        }
      }
      return ok(out);
    },

    async *listVariants() {
      let after: string | null = null;
      for (;;) {
        const res: Result<z.infer<typeof VariantsData>, ShopifyReadError> = await call(
          VARIANTS_PAGE_QUERY,
          { first: VARIANTS_PER_PAGE, after },
          VariantsData,
          2 + VARIANTS_PER_PAGE * 2,
        );
        if (!res.ok) {
          yield res;
          return;
        }
        yield ok(res.value.productVariants.nodes.map(toVariant));
        if (!res.value.productVariants.pageInfo.hasNextPage) return;
        after = res.value.productVariants.pageInfo.endCursor;
      }
    },

    async listLocations() {
      const res = await call(LOCATIONS_QUERY, {}, LocationsData, 52);
      return res.ok ? ok(res.value.locations.nodes.filter((l) => l.isActive).map(({ id, name }) => ({ id, name }))) : res;
    },

    async variantsBySku(sku) {
      const res = await call(VARIANTS_BY_SKU_QUERY, { query: `sku:${JSON.stringify(sku)}` }, VariantsBySkuData, 22);
      return res.ok ? ok(res.value.productVariants.nodes.map(toVariant)) : res;
    },

    async *readAllLevels(locationIds) {
      const started = await call(BULK_LEVELS_START_MUTATION, { query: bulkLevelsInnerQuery(locationIds) }, BulkStart, 10);
      if (!started.ok) return yield started;
      const op = started.value.bulkOperationRunQuery.bulkOperation;
      if (!op) {
        const message = started.value.bulkOperationRunQuery.userErrors.map((e) => e.message).join("; ");
        return yield err({ kind: "failed", retryable: false, message: `Shopify refused the bulk query: ${message}` });
      }
      let url: string | null = null;
      for (;;) {
        const status = await call(BULK_OPERATION_QUERY, { id: op.id }, BulkStatus, 1);
        if (!status.ok) return yield status;
        const s = status.value.bulkOperation;
        if (!s) return yield err({ kind: "failed", retryable: false, message: "The bulk operation disappeared." });
        if (s.status === "COMPLETED") {
          url = s.url;
          break;
        }
        if (s.status !== "CREATED" && s.status !== "RUNNING") {
          const message = `Bulk operation ${s.status}: ${s.errorCode ?? "no code"}`;
          return yield s.status === "CANCELED"
            ? err({ kind: "failed", retryable: false, message })
            : err({ kind: "unavailable", retryable: true, message });
        }
        await sleep(options.bulkPollMs ?? 1000);
      }
      if (url == null) return; // no objects at all
      yield* streamBulkLevels(url, locationIds, options.fetchFile ?? ((u) => fetch(u)));
    },
  };
}

const BulkQuantities = z.object({
  quantities: z.array(z.object({ name: z.string(), quantity: z.number().int(), updatedAt: z.string().nullable() })),
});
const BulkItemLine = z.object({ id: z.string(), tracked: z.boolean() }).catchall(z.unknown());

/** Bulk results can be large: read the JSONL as a stream and hand out items in chunks. */
async function* streamBulkLevels(
  url: string,
  locationIds: readonly string[],
  fetchFile: (url: string) => Promise<Response>,
): AsyncGenerator<Result<InventoryItemLevels[], ShopifyReadError>> {
  const res = await fetchFile(url);
  if (!res.ok || !res.body) return yield err({ kind: "unavailable", retryable: true, message: `Bulk result download failed (${res.status}).` });
  const CHUNK = 1000;
  let chunk: InventoryItemLevels[] = [];
  const decoder = new TextDecoder();
  let rest = "";
  const handle = (line: string): Result<void, ShopifyReadError> => {
    if (line.trim() === "") return ok(undefined);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return err({ kind: "unavailable", retryable: true, message: "A bulk result line is not JSON." });
    }
    const item = BulkItemLine.safeParse(json);
    if (!item.success) return err({ kind: "unavailable", retryable: true, message: "A bulk result line has an unexpected shape." });
    const levels: InventoryItemLevels["levels"] = [];
    for (const [i, locationId] of locationIds.entries()) {
      const raw = item.data[`l${i}`];
      if (raw == null) continue; // not stocked at that location
      const level = BulkQuantities.safeParse(raw);
      if (!level.success) return err({ kind: "unavailable", retryable: true, message: "A bulk level has an unexpected shape." });
      const q = level.data.quantities.find((x) => x.name === "available");
      levels.push({ locationId, available: q?.quantity ?? null, updatedAt: q?.updatedAt ?? null });
    }
    chunk.push({ inventoryItemGid: item.data.id, tracked: item.data.tracked, levels });
    return ok(undefined);
  };
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    rest += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const h = handle(line);
      if (!h.ok) return yield h;
    }
    if (chunk.length >= CHUNK) {
      yield ok(chunk);
      chunk = [];
    }
    if (done) break;
  }
  if (rest.trim() !== "") {
    const h = handle(rest);
    if (!h.ok) return yield h;
  }
  if (chunk.length > 0) yield ok(chunk);
}
