/**
 * Shopify Admin GraphQL simulator: plain node:http on 127.0.0.1 serving
 *   POST /shops/<shop>/admin/api/2026-04/graphql.json   (X-Shopify-Access-Token)
 * so a client targets it by swapping `https://<shop>` for `<url>/shops/<shop>`. Every request is
 * parsed, validated and variable-coerced against the real 2026-04 schema, costed and throttled like
 * Shopify, then executed by resolvers over in-memory state (state.ts). State changes send signed
 * webhooks (webhooks.ts). The test-control surface (control.ts) is also served under /__control/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
} from "graphql";
import { z } from "zod";
import type {
  FulfillmentSnapshot,
  LevelSnapshot,
  OrderSnapshot,
  RecordedAdminRequest,
  RefundSnapshot,
  SeededShop,
  SeedShopInput,
  ShopifyControl,
  ShopifySimulator,
  ShopifySimulatorOptions,
  WebhookTopic,
} from "./control";
import { fragmentsOf, MAX_SINGLE_QUERY_COST, operationCost } from "./cost";
import { prepareBulkQuery } from "./bulk";
import { createRootValue, fieldResolver, typeResolver, type ResolverContext } from "./resolvers";
import { ADMIN_API_VERSION, loadAdminSchema } from "./schema";
import {
  fromMinor,
  fulfillmentStatusOf,
  gid,
  idOf,
  iso,
  orderTotalMinor,
  Store,
  toMinor,
  type Fulfillment,
  type Order,
  type Refund,
  type ShopState,
} from "./state";
import { DEFAULT_THROTTLE, LeakyBucket, type ThrottleOptions } from "./throttle";
import { ALL_TOPICS, WebhookDispatcher } from "./webhooks";

export const THROTTLE_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";
const UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)";

const GraphQLBody = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

const SeedShopSchema = z.object({
  domain: z.string().optional(),
  name: z.string().optional(),
  currency: z.string().optional(),
  locations: z.array(z.string()).min(1).optional(),
  products: z
    .array(
      z.object({
        title: z.string(),
        tags: z.array(z.string()).optional(),
        variants: z.array(
          z.object({
            sku: z.string().nullable(),
            barcode: z.string().nullish(),
            title: z.string().optional(),
            price: z.string().optional(),
            tracked: z.boolean().optional(),
            stock: z.record(z.string(), z.number().int()).optional(),
            inventoryPolicy: z.enum(["DENY", "CONTINUE"]).optional(),
          }),
        ),
      }),
    )
    .optional(),
  generate: z
    .object({ variants: z.number().int().min(0), skuPrefix: z.string().optional(), stockPerLocation: z.number().int().optional(), price: z.string().optional() })
    .optional(),
});

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startShopifySimulator(options: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const now = options.now ?? Date.now;
  const schema = loadAdminSchema();
  const rootValue = createRootValue(schema);
  const apiSecret = options.apiSecret ?? "shpss_simulator_secret";
  const defaultThrottle: ThrottleOptions = { ...DEFAULT_THROTTLE, ...options.throttle };
  const dispatcher = new WebhookDispatcher({
    webhookUrl: options.webhookUrl?.replace(/\/$/, ""),
    apiSecret,
    path: options.webhookPath ?? ((topic) => `/webhooks/${topic}`),
    topics: options.webhookTopics ?? ALL_TOPICS,
    now,
  });
  const store = new Store(now, (shop, topic, payload) => dispatcher.emit(shop.domain, topic, payload));
  const tokens = new Map<string, { shop: string; appId: string }>();
  const buckets = new Map<string, LeakyBucket>();
  const shopThrottle = new Map<string, Partial<ThrottleOptions> & { currentlyAvailable?: number }>();
  let log: RecordedAdminRequest[] = [];
  let baseUrl = "";

  const bucketFor = (shop: string, appId: string): LeakyBucket => {
    const key = `${shop}|${appId}`;
    let b = buckets.get(key);
    if (!b) {
      const override = shopThrottle.get(shop);
      b = new LeakyBucket({ ...defaultThrottle, ...override }, now);
      if (override?.currentlyAvailable !== undefined) b.configure({ currentlyAvailable: override.currentlyAvailable });
      buckets.set(key, b);
    }
    return b;
  };

  // Stops bulk builds still running when the simulator closes.
  const bulkBuilds = new AbortController();

  const contextFor = (shop: ShopState): Omit<ResolverContext, "bulk"> & { bulk: false } => {
    const base = {
      store,
      shop,
      bulk: false as const,
      bulkUrl: (id: number) => `${baseUrl}/__bulk/${encodeURIComponent(shop.domain)}/${id}.jsonl`,
      bulkDurationMs: options.bulkOperationDurationMs ?? 0,
      prepareBulkQuery: (query: string) => prepareBulkQuery(schema, rootValue, base, query, bulkBuilds.signal),
    };
    return base;
  };

  // ------------------------------------------------------------------ GraphQL endpoint

  function graphql(shopDomain: string, req: IncomingMessage, rawBody: string): { status: number; body: unknown } {
    const token = req.headers["x-shopify-access-token"];
    const auth = typeof token === "string" ? tokens.get(token) : undefined;
    const record: RecordedAdminRequest = { at: now(), shop: shopDomain, operationName: null, query: "", variables: null, status: 200, requestedQueryCost: null, actualQueryCost: null, throttled: false, errors: [] };
    log.push(record);
    const done = (status: number, body: unknown) => {
      record.status = status;
      const errors = (body as { errors?: unknown }).errors;
      if (Array.isArray(errors)) record.errors = errors.map((e) => String((e as { message?: unknown }).message));
      else if (errors) record.errors = [String(errors)];
      return { status, body };
    };
    if (!auth || auth.shop !== shopDomain || !store.shops.has(shopDomain)) return done(401, { errors: UNAUTHORIZED });
    const shop = store.shop(shopDomain);
    let parsedBody: z.infer<typeof GraphQLBody>;
    try {
      parsedBody = GraphQLBody.parse(JSON.parse(rawBody));
    } catch {
      return done(400, { errors: { query: ["Required parameter missing or invalid"] } });
    }
    record.query = parsedBody.query;
    record.variables = parsedBody.variables ?? null;
    const bucket = bucketFor(shopDomain, auth.appId);
    const cost = (requested: number | null, actual: number | null) => ({
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
    });

    let document: DocumentNode;
    try {
      document = parse(parsedBody.query);
    } catch (e) {
      const err = e as GraphQLError;
      return done(200, { errors: [{ message: err.message, locations: err.locations }], extensions: cost(0, 0) });
    }
    const validationErrors = validate(schema, document);
    if (validationErrors.length) return done(200, { errors: validationErrors.map((e) => e.toJSON()), extensions: cost(0, 0) });
    const operation = getOperationAST(document, parsedBody.operationName ?? undefined);
    if (!operation) return done(200, { errors: [{ message: "An operation name is required when the document has several operations" }], extensions: cost(0, 0) });
    record.operationName = operation.name?.value ?? null;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], parsedBody.variables ?? {});
    if (coerced.errors) {
      return done(200, {
        errors: coerced.errors.map((e) => ({ ...e.toJSON(), extensions: { code: "INVALID_VARIABLE" } })),
        extensions: cost(0, 0),
      });
    }
    const fragments = fragmentsOf(document.definitions);
    const requested = operationCost(schema, operation, fragments, coerced.coerced);
    record.requestedQueryCost = requested;
    if (requested > MAX_SINGLE_QUERY_COST) {
      return done(200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST, documentation: THROTTLE_DOCUMENTATION },
          },
        ],
        extensions: cost(requested, null),
      });
    }
    if (!bucket.take(requested)) {
      record.throttled = true;
      return done(200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLE_DOCUMENTATION } }],
        extensions: cost(requested, null),
      });
    }
    const result = execute({
      schema,
      document,
      rootValue,
      contextValue: contextFor(shop),
      variableValues: parsedBody.variables ?? {},
      operationName: parsedBody.operationName ?? undefined,
      fieldResolver,
      typeResolver,
    }) as ExecutionResult;
    const actual = Math.min(requested, operationCost(schema, operation, fragments, coerced.coerced, result.data ?? null));
    bucket.refund(requested - actual);
    record.actualQueryCost = actual;
    const body: Record<string, unknown> = {};
    if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
    body.data = result.data ?? null;
    body.extensions = cost(requested, actual);
    return done(200, body);
  }

  // ------------------------------------------------------------------ snapshots

  const orderSnapshot = (shop: ShopState, o: Order): OrderSnapshot => ({
    id: gid("Order", o.id),
    name: o.name,
    sourceName: o.sourceName,
    sourceIdentifier: o.sourceIdentifier,
    tags: [...o.tags],
    financialStatus: o.financialStatus,
    fulfillmentStatus: fulfillmentStatusOf(o),
    cancelledAt: o.cancelledAt ? iso(o.cancelledAt) : null,
    totalPrice: fromMinor(orderTotalMinor(o)),
    currency: o.currency,
    lineItems: o.lines.map((l) => ({
      id: gid("LineItem", l.id),
      sku: l.sku,
      variantId: l.variantId === null ? null : gid("ProductVariant", l.variantId),
      quantity: l.quantity,
      currentQuantity: l.quantity - l.refunded,
      fulfilled: l.fulfilled,
      price: fromMinor(l.priceMinor),
    })),
    fulfillmentOrders: o.fulfillmentOrderIds
      .map((id) => shop.fulfillmentOrders.get(id))
      .filter((fo) => fo !== undefined)
      .map((fo) => ({
        id: gid("FulfillmentOrder", fo.id),
        locationId: gid("Location", fo.locationId),
        status: fo.status,
        lineItems: fo.lines.map((l) => ({ id: gid("FulfillmentOrderLineItem", l.id), lineItemId: gid("LineItem", l.lineItemId), remainingQuantity: l.remainingQuantity, totalQuantity: l.totalQuantity })),
      })),
    metafields: shop.metafields.filter((m) => m.ownerGid === gid("Order", o.id)).map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })),
  });

  const fulfillmentSnapshot = (f: Fulfillment): FulfillmentSnapshot => ({
    id: gid("Fulfillment", f.id),
    orderId: gid("Order", f.orderId),
    status: f.status,
    locationId: gid("Location", f.locationId),
    tracking: f.tracking.map((t) => ({ ...t })),
    lineItems: f.lines.map((l) => ({ lineItemId: gid("LineItem", l.lineItemId), quantity: l.quantity })),
  });

  const refundSnapshot = (r: Refund): RefundSnapshot => ({
    id: gid("Refund", r.id),
    orderId: gid("Order", r.orderId),
    note: r.note,
    totalRefunded: fromMinor(r.transactions.reduce((s, t) => s + t.amountMinor, 0)),
    lineItems: r.lines.map((l) => ({ lineItemId: gid("LineItem", l.lineItemId), quantity: l.quantity, restockType: l.restockType, locationId: l.locationId === null ? null : gid("Location", l.locationId) })),
  });

  const levelSnapshots = (shop: ShopState, sku?: string): LevelSnapshot[] => {
    const out: LevelSnapshot[] = [];
    for (const v of shop.variants.values()) {
      if (sku !== undefined && v.sku !== sku) continue;
      for (const l of shop.locations.values()) {
        const level = store.level(shop, v.inventoryItemId, l.id);
        if (level) out.push({ inventoryItemId: gid("InventoryItem", v.inventoryItemId), locationId: gid("Location", l.id), locationName: l.name, sku: v.sku, quantities: { ...level.q }, updatedAt: iso(level.updatedAt) });
      }
    }
    return out;
  };

  const orderOf = (shop: ShopState, orderId: string): Order => {
    const id = /^\d+$/.test(orderId) ? Number(orderId) : idOf(orderId, "Order");
    const order = id === null ? undefined : shop.orders.get(id);
    if (!order) throw new Error(`No order ${orderId} in ${shop.domain}`);
    return order;
  };

  const issueToken = (shop: string, appId = "app"): string => {
    store.shop(shop);
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    tokens.set(token, { shop, appId });
    return token;
  };

  // ------------------------------------------------------------------ control

  const control: ShopifyControl = {
    reset() {
      store.reset();
      tokens.clear();
      buckets.clear();
      shopThrottle.clear();
      dispatcher.reset();
      log = [];
    },
    seedShop(rawInput: SeedShopInput = {}): SeededShop {
      const input = SeedShopSchema.parse(rawInput);
      const domain = input.domain ?? "sim-shop.myshopify.com";
      for (const [token, t] of tokens) if (t.shop === domain) tokens.delete(token);
      const shop = store.createShop(domain, input.name ?? domain.replace(/\..*$/, ""), input.currency ?? "GBP");
      const locations = (input.locations ?? ["Warehouse", "Shop floor"]).map((name) => store.addLocation(shop, name));
      const byName = new Map(locations.map((l) => [l.name, l.id]));
      const variants: SeededShop["variants"] = [];
      const record = (vs: { id: number; sku: string | null; barcode: string | null; inventoryItemId: number; productId: number }[]) => {
        for (const v of vs) variants.push({ id: gid("ProductVariant", v.id), sku: v.sku, barcode: v.barcode, inventoryItemId: gid("InventoryItem", v.inventoryItemId), productId: gid("Product", v.productId) });
      };
      for (const p of input.products ?? []) {
        const { variants: created } = store.addProduct(
          shop,
          p.title,
          p.tags ?? [],
          p.variants.map((v, i) => {
            const stock = new Map<number, number>();
            for (const [name, qty] of Object.entries(v.stock ?? {})) {
              const id = byName.get(name);
              if (id === undefined) throw new Error(`Seed stock names unknown location "${name}"`);
              stock.set(id, qty);
            }
            return { sku: v.sku, barcode: v.barcode ?? null, title: v.title ?? (p.variants.length === 1 ? "Default Title" : `Variant ${i + 1}`), priceMinor: toMinor(v.price ?? "10.00"), tracked: v.tracked ?? true, inventoryPolicy: v.inventoryPolicy ?? "DENY", stock };
          }),
        );
        record(created);
      }
      if (input.generate) {
        const { variants: n, skuPrefix = "SKU-", stockPerLocation = 10, price = "10.00" } = input.generate;
        const width = String(n).length;
        for (let i = 1; i <= n; i++) {
          const num = String(i).padStart(width, "0");
          const stock = new Map(locations.map((l) => [l.id, stockPerLocation]));
          const { variants: created } = store.addProduct(shop, `Generated product ${num}`, [], [
            { sku: `${skuPrefix}${num}`, barcode: `50000000${num}`, title: "Default Title", priceMinor: toMinor(price), tracked: true, inventoryPolicy: "DENY", stock },
          ]);
          record(created);
        }
      }
      return {
        domain,
        accessToken: issueToken(domain),
        locations: locations.map((l) => ({ id: gid("Location", l.id), name: l.name })),
        variants,
      };
    },
    issueToken,
    uninstallApp(shopDomain) {
      const shop = store.shop(shopDomain);
      for (const [token, t] of tokens) if (t.shop === shopDomain) tokens.delete(token);
      dispatcher.emit(shop.domain, "app/uninstalled", {
        id: 1,
        name: shop.name,
        email: `owner@${shop.domain}`,
        domain: shop.domain,
        myshopify_domain: shop.domain,
        currency: shop.currency,
        plan_name: "partner_test",
      });
    },
    setAvailable(shopDomain, input) {
      const shop = store.shop(shopDomain);
      const variant = store.variantBySku(shop, input.sku);
      const location = store.locationByName(shop, input.location);
      const level = store.level(shop, variant.inventoryItemId, location.id);
      if (!level) throw new Error(`${input.sku} is not stocked at ${location.name}`);
      store.applyDeltas(shop, level, { available: input.available - level.q.available });
      return levelSnapshots(shop, input.sku).find((l) => l.locationId === gid("Location", location.id)) as LevelSnapshot;
    },
    sellOnShopify(shopDomain, input) {
      const shop = store.shop(shopDomain);
      const { order, userErrors } = store.createOrder(
        shop,
        {
          lineItems: input.lines.map((l) => ({ variantId: gid("ProductVariant", store.variantBySku(shop, l.sku).id), quantity: l.quantity })),
          sourceName: "web",
          financialStatus: "PAID",
          tags: input.tags ?? [],
        },
        "DECREMENT_IGNORING_POLICY",
      );
      if (!order) throw new Error(`sellOnShopify failed: ${userErrors.map((e) => e.message).join("; ")}`);
      return orderSnapshot(shop, order);
    },
    fulfill(shopDomain, orderId, input = {}) {
      const shop = store.shop(shopDomain);
      const order = orderOf(shop, orderId);
      const fos = order.fulfillmentOrderIds.map((id) => shop.fulfillmentOrders.get(id)).filter((fo) => fo !== undefined && fo.status !== "CLOSED" && fo.status !== "CANCELLED");
      // Picks per fulfillment order: all remaining units, or the requested ones first-come.
      const picks = new Map<number, { id: string; quantity: number }[]>();
      if (!input.lines) {
        for (const fo of fos) picks.set(fo!.id, fo!.lines.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: gid("FulfillmentOrderLineItem", l.id), quantity: l.remainingQuantity })));
      } else {
        for (const want of input.lines) {
          let left = want.quantity;
          const lineIds = order.lines.filter((l) => (want.lineItemId ? gid("LineItem", l.id) === want.lineItemId : l.sku === want.sku)).map((l) => l.id);
          for (const fo of fos) {
            for (const l of fo!.lines) {
              if (left === 0 || !lineIds.includes(l.lineItemId) || l.remainingQuantity === 0) continue;
              const q = Math.min(left, l.remainingQuantity);
              left -= q;
              picks.set(fo!.id, [...(picks.get(fo!.id) ?? []), { id: gid("FulfillmentOrderLineItem", l.id), quantity: q }]);
            }
          }
          if (left > 0) throw new Error(`Cannot fulfil ${want.quantity} of ${want.sku ?? want.lineItemId}: not enough unfulfilled units`);
        }
      }
      const out: FulfillmentSnapshot[] = [];
      for (const [foId, lines] of picks) {
        if (lines.length === 0) continue;
        const { fulfillment, userErrors } = store.createFulfillment(shop, {
          lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: gid("FulfillmentOrder", foId), fulfillmentOrderLineItems: lines }],
          trackingInfo: { company: input.company ?? null, number: input.number ?? null, url: input.url ?? null },
        });
        if (!fulfillment) throw new Error(`fulfill failed: ${userErrors.map((e) => e.message).join("; ")}`);
        out.push(fulfillmentSnapshot(fulfillment));
      }
      if (out.length === 0) throw new Error(`Order ${orderId} has nothing left to fulfil`);
      return out;
    },
    updateTracking(shopDomain, fulfillmentId, input) {
      const shop = store.shop(shopDomain);
      const id = /^\d+$/.test(fulfillmentId) ? gid("Fulfillment", fulfillmentId) : fulfillmentId;
      const { fulfillment, userErrors } = store.updateTracking(shop, id, { company: input.company ?? null, number: input.number ?? null, url: input.url ?? null });
      if (!fulfillment) throw new Error(`updateTracking failed: ${userErrors.map((e) => e.message).join("; ")}`);
      return fulfillmentSnapshot(fulfillment);
    },
    cancelOrder(shopDomain, orderId, input = {}) {
      const shop = store.shop(shopDomain);
      const order = orderOf(shop, orderId);
      const { userErrors } = store.cancelOrder(shop, gid("Order", order.id), { reason: input.reason ?? "CUSTOMER", restock: input.restock ?? true, refund: true });
      if (userErrors.length) throw new Error(`cancelOrder failed: ${userErrors.map((e) => e.message).join("; ")}`);
      return orderSnapshot(shop, order);
    },
    levels: (shopDomain, sku) => levelSnapshots(store.shop(shopDomain), sku),
    available(shopDomain, sku, location) {
      const shop = store.shop(shopDomain);
      const variant = store.variantBySku(shop, sku);
      const loc = store.locationByName(shop, location);
      return store.level(shop, variant.inventoryItemId, loc.id)?.q.available ?? 0;
    },
    orders: (shopDomain) => {
      const shop = store.shop(shopDomain);
      return [...shop.orders.values()].map((o) => orderSnapshot(shop, o));
    },
    order(shopDomain, orderId) {
      const shop = store.shop(shopDomain);
      try {
        return orderSnapshot(shop, orderOf(shop, orderId));
      } catch {
        return null;
      }
    },
    fulfillments(shopDomain, orderId) {
      const shop = store.shop(shopDomain);
      const only = orderId === undefined ? null : orderOf(shop, orderId).id;
      return [...shop.fulfillments.values()].filter((f) => only === null || f.orderId === only).map(fulfillmentSnapshot);
    },
    refunds(shopDomain, orderId) {
      const shop = store.shop(shopDomain);
      const only = orderId === undefined ? null : orderOf(shop, orderId).id;
      return [...shop.refunds.values()].filter((r) => only === null || r.orderId === only).map(refundSnapshot);
    },
    setThrottle(shopDomain, throttle) {
      shopThrottle.set(shopDomain, { ...shopThrottle.get(shopDomain), ...throttle });
      for (const [key, bucket] of buckets) if (key.startsWith(`${shopDomain}|`)) bucket.configure(throttle);
    },
    throttleStatus: (shopDomain, appId = "app") => bucketFor(shopDomain, appId).status(),
    injectWebhookFault: (fault) => dispatcher.injectFault(fault),
    clearWebhookFaults: () => dispatcher.clearFaults(),
    setWebhooksEnabled: (enabled) => dispatcher.setEnabled(enabled),
    webhookDeliveries: (topic?: WebhookTopic) => dispatcher.deliveries(topic),
    webhooksIdle: () => dispatcher.idle(),
    requests: () => [...log],
  };

  // ------------------------------------------------------------------ HTTP

  const GRAPHQL_PATH = /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/;
  const BULK_PATH = /^\/__bulk\/([^/]+)\/(\d+)\.jsonl$/;
  const CONTROL_PATH = /^\/__control\/([A-Za-z]+)$/;
  const ControlArgs = z.array(z.unknown());

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = await readBody(req);
      let m = GRAPHQL_PATH.exec(url.pathname);
      // Header style for clients that cannot change the path: /admin/api/<v>/graphql.json + X-Shopify-Shop-Domain.
      if (!m && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(url.pathname) && typeof req.headers["x-shopify-shop-domain"] === "string") {
        m = GRAPHQL_PATH.exec(`/shops/${req.headers["x-shopify-shop-domain"]}${url.pathname}`);
      }
      if (m) {
        if (req.method !== "POST") return json(res, 405, { errors: "Method not allowed" });
        if (m[2] !== ADMIN_API_VERSION) return json(res, 404, { errors: `The simulator serves API version ${ADMIN_API_VERSION} only` });
        const out = graphql(decodeURIComponent(m[1]), req, body);
        return json(res, out.status, out.body);
      }
      const bulk = BULK_PATH.exec(url.pathname);
      if (bulk && req.method === "GET") {
        const shop = store.shops.get(decodeURIComponent(bulk[1]));
        const op = shop?.bulkOperations.get(Number(bulk[2]));
        if (!op || op.status !== "COMPLETED" || now() < op.completeAt) return json(res, 404, { errors: "Not Found" });
        res.writeHead(200, { "Content-Type": "application/jsonl" });
        return res.end(op.jsonl);
      }
      const ctl = CONTROL_PATH.exec(url.pathname);
      if (ctl && req.method === "POST") {
        const method = ctl[1] as keyof ShopifyControl;
        if (!Object.hasOwn(control, method)) return json(res, 404, { error: `Unknown control method ${method}` });
        try {
          const args = ControlArgs.parse(body ? JSON.parse(body) : []);
          const fn = control[method] as (...a: unknown[]) => unknown;
          const result = await fn(...args);
          return json(res, 200, { result: result ?? null });
        } catch (e) {
          return json(res, 400, { error: (e as Error).message });
        }
      }
      return json(res, 404, { errors: "Not Found" });
    })().catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { errors: (e as Error).message });
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    graphqlUrl: (shop: string) => `${baseUrl}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`,
    control,
    async close() {
      bulkBuilds.abort();
      await dispatcher.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
