import { z } from "zod";
import type { MarketplaceOrderId, MarketplaceSku } from "../../lib/ids";
import { err, ok, type Result } from "../../lib/result";
import type {
  AcknowledgeInput,
  BackorderInput,
  CallOptions,
  CancelInput,
  CancelOutcome,
  ConnectionInfo,
  DispatchInput,
  ListOrdersQuery,
  MarketplaceCapabilities,
  MarketplaceCarrier,
  MarketplaceGateway,
  MarketplaceOrder,
  MarketplaceStockLevel,
  OrderLineRef,
  OrderLineStatus,
  Page,
  PageQuery,
  SettlementLine,
  SettlementQuery,
  StockPushItemResult,
  StockPushReport,
  StockUpdate,
} from "../marketplace-gateway";
import { rejected, unavailable, type MarketplaceError } from "../marketplace-errors";
import type { RequestPriority } from "../request-budget";
import {
  ACKNOWLEDGE_SUB_STATUS,
  BACKORDER_SUB_STATUS,
  CARRIER_PAGE_SIZE,
  DATE_ONLY_TIME,
  DEFAULT_PAGE_SIZE,
  FULFILLMENT_ROUTE,
  INVOICES_PATH,
  MANUAL_CANCEL_AFTER_DISPATCH,
  MANUAL_CANCEL_BEFORE_DISPATCH,
  PRODUCT_PAGE_SIZE,
  REQUESTS_PER_MINUTE,
  productStockPath,
} from "./platform-choices";
import { portDateToUkDate, portDateToUkDateTime } from "./uk-time";
import { VirtualstockClient, type VirtualstockClientOptions } from "./virtualstock-client.server";
import {
  MappingError,
  mapInvoice,
  mapOrder,
  mapStockLevel,
  platformStatusFor,
  restIdFromUrl,
} from "./virtualstock-mapper";
import {
  VsCarrierList,
  VsInvoicePage,
  VsOrder,
  VsOrderPage,
  VsProductPage,
  VsRetailerPage,
  type VsProduct,
} from "./virtualstock-schemas";

export interface VirtualstockGatewayOptions extends VirtualstockClientOptions {
  /**
   * How many part number -> product id lookups to keep. The default (100,000, about 10 MB) holds a
   * large supplier's whole catalogue, so after one full listing (a reconciliation or a warm-up)
   * no stock push pays a look-up request; a smaller cache made a 50,000-product reconciliation
   * look up again most of the ids it had just listed.
   */
  productIdCacheSize?: number;
}

/** What John Lewis on Virtualstock can do through the API. See docs/decisions/001 and 003. */
export const virtualstockCapabilities: MarketplaceCapabilities = {
  stockItemsPerRequest: 1,
  requestsPerMinute: REQUESTS_PER_MINUTE,
  refuseAtAcknowledgement: false,
  backorder: true,
  merchantCancelBeforeDispatch: "portal",
  merchantCancelAfterDispatch: "portal",
  // A retailer setting that JL has not published; we assume the stricter case.
  partialCancellation: false,
  partialDispatch: true,
  listingsApi: false,
};

const Anything = z.unknown();
/** The stock PATCH's success body is undocumented; when it names the product we read its part number. */
const StockPatchResponse = z
  .object({ part_number: z.union([z.string(), z.number()]).nullish() })
  .nullish()
  .catch(null);
/** A status the adapter refuses before sending anything: the request never reached Virtualstock. */
const NOT_SENT = 0;

/** Creates the John Lewis / Virtualstock implementation of the marketplace port. */
export function createVirtualstockGateway(options: VirtualstockGatewayOptions): MarketplaceGateway {
  return new VirtualstockGateway(options);
}

const DEFAULT_PRODUCT_ID_CACHE_SIZE = 100_000;

class VirtualstockGateway implements MarketplaceGateway {
  readonly platform = "virtualstock" as const;
  readonly capabilities = virtualstockCapabilities;
  private readonly client: VirtualstockClient;
  private readonly productIds: LruMap<string, string>;

  constructor(private readonly options: VirtualstockGatewayOptions) {
    this.client = new VirtualstockClient(options);
    this.productIds = new LruMap(options.productIdCacheSize ?? DEFAULT_PRODUCT_ID_CACHE_SIZE);
  }

  async testConnection(): Promise<Result<ConnectionInfo, MarketplaceError>> {
    const auth = await this.client.authenticate("routine");
    if (!auth.ok) return auth;
    const retailers = await this.client.request({
      method: "GET",
      path: "/restapi/v4/customers/",
      priority: "routine",
      schema: VsRetailerPage,
    });
    if (!retailers.ok) return retailers;
    const names = retailers.value.results.map((r) => r.name);
    return ok({
      // Virtualstock has no "who am I" call; the login name is what the merchant recognises.
      accountName: this.options.username,
      details: [{ label: "Retailers", value: names.length > 0 ? names.join(", ") : "none yet" }],
    });
  }

  async listOrders(query: ListOrdersQuery): Promise<Result<Page<MarketplaceOrder>, MarketplaceError>> {
    const status = platformStatusFor(query.lineStatus);
    if (status === null) return ok({ items: [] });
    const position = decodeCursor(query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
    if (!position.ok) return position;
    const page = await this.client.request({
      method: "GET",
      path: "/restapi/v4/orders/",
      query: {
        status,
        order_reference: query.reference,
        limit: position.value.limit,
        offset: position.value.offset,
      },
      priority: "routine",
      schema: VsOrderPage,
    });
    if (!page.ok) return page;
    const orders = mapAll(() => page.value.results.map(mapOrder));
    if (!orders.ok) return orders;
    return ok({
      // The status filter is on the order's aggregate status; the port promises a line in it.
      items: orders.value.filter((o) => o.lines.some((l) => l.status === query.lineStatus)),
      nextCursor: nextCursor(page.value.next, position.value),
      total: page.value.count ?? undefined,
    });
  }

  async getOrder(id: MarketplaceOrderId): Promise<Result<MarketplaceOrder, MarketplaceError>> {
    return this.fetchOrder(id, "routine");
  }

  async acknowledgeOrder(input: AcknowledgeInput): Promise<Result<void, MarketplaceError>> {
    if (input.lines.some((l) => !l.accept)) {
      return err(
        rejected(
          "unsupported",
          "REFUSE_NOT_SUPPORTED",
          "Virtualstock cannot refuse lines at acknowledgement; ask John Lewis to cancel them.",
          NOT_SENT,
        ),
      );
    }
    const dispatch = portDateToUkDateTime(input.promisedDispatchDate, DATE_ONLY_TIME);
    const delivery = portDateToUkDateTime(input.promisedDeliveryDate, DATE_ONLY_TIME);
    if (dispatch === null || delivery === null) return err(invalidDate());
    const items = input.lines.map((line) => ({
      ...lineFields(line),
      sub_status: ACKNOWLEDGE_SUB_STATUS,
      supplier_dispatch_date: dispatch,
      supplier_delivery_date: delivery,
      fulfillment_route: FULFILLMENT_ROUTE,
      ...(input.comment ? { comment: input.comment.slice(0, 255) } : {}),
    }));
    return this.lineAction(input.orderId, "acknowledge", items, input.lines, [
      "acknowledged",
      "backordered",
      "dispatched",
    ]);
  }

  async backorderLines(input: BackorderInput): Promise<Result<void, MarketplaceError>> {
    const dispatch = portDateToUkDateTime(input.expectedDispatchDate, DATE_ONLY_TIME);
    const delivery = portDateToUkDateTime(input.expectedDeliveryDate, DATE_ONLY_TIME);
    if (dispatch === null || delivery === null) return err(invalidDate());
    const items = input.lines.map((line) => ({
      ...lineFields(line),
      sub_status: BACKORDER_SUB_STATUS,
      supplier_dispatch_date: dispatch,
      supplier_delivery_date: delivery,
      fulfillment_route: FULFILLMENT_ROUTE,
      comment: input.reason.slice(0, 255),
    }));
    return this.lineAction(input.orderId, "backorder", items, input.lines, ["backordered"]);
  }

  async dispatchLines(input: DispatchInput): Promise<Result<void, MarketplaceError>> {
    const { shipment } = input;
    const dispatched = portDateToUkDate(shipment.dispatchedAt);
    const delivery = shipment.expectedDeliveryDate ? portDateToUkDate(shipment.expectedDeliveryDate) : undefined;
    if (dispatched === null || delivery === null) return err(invalidDate());
    const items = input.lines.map((line) => ({
      ...lineFields(line),
      carrier: shipment.carrierCode,
      tracking_number: shipment.trackingNumber,
      ...(shipment.trackingUrl ? { tracking_url: shipment.trackingUrl } : {}),
      supplier_dispatch_date: dispatched,
      ...(delivery ? { supplier_delivery_date: delivery } : {}),
    }));
    return this.lineAction(input.orderId, "dispatch", items, input.lines, ["dispatched"]);
  }

  async cancelLines(input: CancelInput): Promise<Result<CancelOutcome, MarketplaceError>> {
    // Virtualstock's API can only acknowledge a cancellation the retailer asked for, before
    // dispatch. Everything else is done in the portal. [reference §5]
    if (input.stage === "after-dispatch") {
      return ok({ outcome: "manual-action-required", instructions: MANUAL_CANCEL_AFTER_DISPATCH });
    }
    if (input.initiatedBy === "merchant") {
      return ok({ outcome: "manual-action-required", instructions: MANUAL_CANCEL_BEFORE_DISPATCH });
    }
    const items = input.lines.map((line) => ({ ...lineFields(line), comment: input.reason.slice(0, 255) }));
    const done = await this.lineAction(input.orderId, "cancel_acknowledge", items, input.lines, ["cancelled"]);
    return done.ok ? ok({ outcome: "cancelled" }) : done;
  }

  async listCarriers(): Promise<Result<MarketplaceCarrier[], MarketplaceError>> {
    const carriers = await this.client.request({
      method: "GET",
      path: "/restapi/v4/order-tracking-carriers/",
      query: { limit: CARRIER_PAGE_SIZE },
      priority: "routine",
      schema: VsCarrierList,
    });
    if (!carriers.ok) return carriers;
    return ok(carriers.value.map((c) => ({ code: c.slug, name: c.name ?? c.slug })));
  }

  async pushStock(
    updates: StockUpdate[],
    options?: CallOptions,
  ): Promise<Result<StockPushReport, MarketplaceError>> {
    const priority = options?.priority ?? "routine";
    const items: StockPushItemResult[] = [];
    for (let i = 0; i < updates.length; i++) {
      const update = updates[i];
      const result = await this.pushOne(update, priority);
      if (result.ok) {
        items.push({ sku: update.sku, ok: true });
        continue;
      }
      if (!isAccountWide(result.error)) {
        items.push({ sku: update.sku, ok: false, error: result.error });
        continue;
      }
      // Credentials, throttling or an outage affect every item alike: stop spending requests.
      if (items.length === 0) return err(result.error);
      for (const rest of updates.slice(i)) items.push({ sku: rest.sku, ok: false, error: result.error });
      break;
    }
    return ok({ items });
  }

  async listStock(query: PageQuery): Promise<Result<Page<MarketplaceStockLevel>, MarketplaceError>> {
    const position = decodeCursor(query.cursor, Math.min(query.limit ?? PRODUCT_PAGE_SIZE, PRODUCT_PAGE_SIZE));
    if (!position.ok) return position;
    const page = await this.client.request({
      method: "GET",
      path: "/api/v4/products/",
      query: { limit: position.value.limit, offset: position.value.offset },
      priority: "routine",
      schema: VsProductPage,
    });
    if (!page.ok) return page;
    // Listing stock teaches us product ids for free; the next push skips the lookup.
    for (const product of page.value.results) {
      const id = productRestId(product);
      if (id) this.productIds.set(product.part_number, id);
    }
    const levels = mapAll(() => page.value.results.map(mapStockLevel));
    if (!levels.ok) return levels;
    return ok({
      items: levels.value,
      nextCursor: nextCursor(page.value.next, position.value),
      total: page.value.count ?? undefined,
    });
  }

  async listSettlementLines(query: SettlementQuery): Promise<Result<Page<SettlementLine>, MarketplaceError>> {
    const position = decodeCursor(query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
    if (!position.ok) return position;
    const page = await this.client.request({
      method: "GET",
      path: INVOICES_PATH,
      query: { limit: position.value.limit, offset: position.value.offset },
      priority: "routine",
      schema: VsInvoicePage,
    });
    if (!page.ok) return page;
    const lines = mapAll(() => page.value.results.flatMap(mapInvoice));
    if (!lines.ok) return lines;
    // No date filter is documented for invoices, so the bounds are applied here.
    const from = query.from ? Date.parse(query.from) : Number.NEGATIVE_INFINITY;
    const to = query.to ? Date.parse(query.to) : Number.POSITIVE_INFINITY;
    return ok({
      items: lines.value.filter((l) => {
        const at = Date.parse(l.documentDate);
        return at >= from && at <= to;
      }),
      nextCursor: nextCursor(page.value.next, position.value),
    });
  }

  private async fetchOrder(
    id: MarketplaceOrderId,
    priority: RequestPriority,
  ): Promise<Result<MarketplaceOrder, MarketplaceError>> {
    if (!/^\d+$/.test(id)) {
      return err(rejected("not-found", "ORDER_NOT_FOUND", `"${id}" is not a Virtualstock order id.`, NOT_SENT));
    }
    const order = await this.client.request({
      method: "GET",
      path: `/restapi/v4/orders/${id}/`,
      priority,
      schema: VsOrder,
    });
    if (!order.ok) return order;
    return mapAll(() => mapOrder(order.value));
  }

  /**
   * Posts a line action. Calls are retried by the worker after timeouts, so a refusal because the
   * lines are already where we wanted them (a repeated acknowledgement) is confirmed against the
   * order and reported as success.
   */
  private async lineAction(
    orderId: MarketplaceOrderId,
    action: "acknowledge" | "backorder" | "dispatch" | "cancel_acknowledge",
    items: Record<string, unknown>[],
    lines: OrderLineRef[],
    doneStatuses: OrderLineStatus[],
  ): Promise<Result<void, MarketplaceError>> {
    if (!/^\d+$/.test(orderId)) {
      return err(rejected("not-found", "ORDER_NOT_FOUND", `"${orderId}" is not a Virtualstock order id.`, NOT_SENT));
    }
    if (lines.length === 0) return err(rejected("validation", "NO_LINES", "No lines given.", NOT_SENT));
    const res = await this.client.request({
      method: "POST",
      path: `/restapi/v4/orders/${orderId}/${action}/`,
      body: { items },
      priority: "urgent",
      schema: Anything,
    });
    if (res.ok) return ok(undefined);
    if (res.error.kind !== "rejected" || res.error.reason !== "invalid-state") return res;
    const order = await this.fetchOrder(orderId, "urgent");
    if (!order.ok) return res;
    const alreadyDone = lines.every((ref) => {
      const line = order.value.lines.find((l) => l.lineId === ref.lineId);
      return line !== undefined && doneStatuses.includes(line.status);
    });
    return alreadyDone ? ok(undefined) : res;
  }

  private async pushOne(update: StockUpdate, priority: RequestPriority): Promise<Result<void, MarketplaceError>> {
    if (!Number.isInteger(update.quantity) || update.quantity < 0) {
      return err(rejected("validation", "INVALID_QUANTITY", `Stock must be a whole number ≥ 0, got ${update.quantity}.`, NOT_SENT));
    }
    const cached = this.productIds.get(update.sku);
    const id = cached ?? (await this.lookupProductId(update.sku, priority));
    if (typeof id !== "string") return id;
    const patched = await this.patchStock(update.sku, id, update.quantity, priority);
    if (patched.ok || cached === undefined || !isNotFound(patched.error)) return patched;
    // JL part numbers can change: the cached id may point at a product that no longer has this
    // part number. Look it up once more before reporting it missing.
    this.productIds.delete(update.sku);
    const fresh = await this.lookupProductId(update.sku, priority);
    if (typeof fresh !== "string") return fresh;
    return this.patchStock(update.sku, fresh, update.quantity, priority);
  }

  private async patchStock(
    sku: MarketplaceSku,
    id: string,
    quantity: number,
    priority: RequestPriority,
  ): Promise<Result<void, MarketplaceError>> {
    const res = await this.client.request({
      method: "PATCH",
      path: productStockPath(id),
      body: { supplier_free_stock: quantity },
      priority,
      schema: StockPatchResponse,
    });
    if (!res.ok) return res;
    // The product id is stable when JL renumbers a product: the stock landed on the right product,
    // but the part number we hold is stale. Forget the id so the next push looks the number up and
    // reports it missing, prompting the merchant to fix the SKU mapping.
    const now = res.value?.part_number;
    if (now !== undefined && now !== null && String(now) !== sku) this.productIds.delete(sku);
    return ok(undefined);
  }

  /** The product REST id for a part number, or the error to report for it. */
  private async lookupProductId(
    sku: MarketplaceSku,
    priority: RequestPriority,
  ): Promise<string | Result<never, MarketplaceError>> {
    const page = await this.client.request({
      method: "GET",
      path: "/api/v4/products/",
      query: { part_number: sku },
      priority,
      schema: VsProductPage,
    });
    if (!page.ok) return page;
    // Part numbers are unique per supplier only; our credentials see our own products.
    const match = page.value.results.find((p) => p.part_number === sku);
    const id = match ? productRestId(match) : null;
    if (!id) {
      return err(
        rejected(
          "not-found",
          "PRODUCT_NOT_FOUND",
          `No product with part number ${sku}: John Lewis stock numbers can change; check the SKU mapping.`,
          404,
        ),
      );
    }
    this.productIds.set(sku, id);
    return id;
  }
}

function lineFields(line: OrderLineRef) {
  return { part_number: line.sku, line_ref: line.lineId, quantity: line.quantity };
}

function invalidDate(): MarketplaceError {
  return rejected("validation", "INVALID_DATE", "A date is not an ISO-8601 date or date-time.", NOT_SENT);
}

function productRestId(product: VsProduct): string | null {
  return restIdFromUrl(product.url, "products") ?? (product.id != null ? String(product.id) : null);
}

function isNotFound(error: MarketplaceError): boolean {
  return error.kind === "rejected" && error.reason === "not-found";
}

/** Errors that will hit every further request of this account too. */
function isAccountWide(error: MarketplaceError): boolean {
  if (error.kind === "unavailable") return error.reason !== "locked";
  return error.kind === "unauthorized" || error.kind === "rate-limited";
}

function mapAll<T>(fn: () => T): Result<T, MarketplaceError> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof MappingError) return err(unavailable("malformed-response", e.message));
    throw e;
  }
}

interface Position {
  offset: number;
  limit: number;
}
const Cursor = z.object({ o: z.number().int().nonnegative(), l: z.number().int().positive() });

/** Cursors are opaque to callers: base64url JSON of DRF's offset and limit. */
function decodeCursor(cursor: string | undefined, limit: number): Result<Position, MarketplaceError> {
  const size = Math.max(1, Math.trunc(limit));
  if (cursor === undefined) return ok({ offset: 0, limit: size });
  try {
    const parsed = Cursor.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return ok({ offset: parsed.data.o, limit: parsed.data.l });
  } catch {
    // fall through: not our cursor
  }
  return err(rejected("validation", "INVALID_CURSOR", "The page cursor is not one this adapter issued.", NOT_SENT));
}

/**
 * Follows DRF's `next` link by its offset and limit only: the link's host can differ from the host
 * we call (Virtualstock answers with www.the-edge.io URLs), so we never call it as-is.
 */
function nextCursor(next: string | null | undefined, current: Position): string | undefined {
  if (!next) return undefined;
  let offset = current.offset + current.limit;
  let limit = current.limit;
  try {
    const params = new URL(next, "http://placeholder.invalid").searchParams;
    const o = Number(params.get("offset"));
    const l = Number(params.get("limit"));
    if (params.has("offset") && Number.isInteger(o) && o > current.offset) offset = o;
    if (params.has("limit") && Number.isInteger(l) && l > 0) limit = l;
  } catch {
    // An unparseable link still means "there is more": continue from the arithmetic position.
  }
  return Buffer.from(JSON.stringify({ o: offset, l: limit }), "utf8").toString("base64url");
}

/** A small least-recently-used map: part numbers to product ids. */
class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
  delete(key: K): void {
    this.map.delete(key);
  }
}

