import {
  marketplaceLineId,
  marketplaceOrderId,
  marketplaceOrderRef,
  marketplaceSku,
  type MarketplaceOrderId,
} from "../../app/lib/ids";
import { parseDecimalToMinor, type Money } from "../../app/lib/money";
import { err, ok, type Result } from "../../app/lib/result";
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
  MarketplaceOrderLine,
  MarketplacePlatform,
  MarketplaceStockLevel,
  OrderLineRef,
  OrderLineStatus,
  Page,
  PageQuery,
  PostalAddress,
  SettlementLine,
  SettlementQuery,
  StockPushReport,
  StockUpdate,
} from "../../app/marketplace/marketplace-gateway";
import { rejected, type MarketplaceError } from "../../app/marketplace/marketplace-errors";

/**
 * A small stateful marketplace for unit tests of use cases. It keeps orders with line states, stock
 * by SKU, carriers and settlement lines, and applies the same transition rules the Virtualstock
 * adapter and simulator do (the contract suite in test/contract runs against both). Seed it, run
 * the use case, then assert on its state or on `calls`.
 */
export interface SeedFakeOrderLine {
  sku: string;
  quantity?: number;
  lineId?: string;
  title?: string;
  /** Decimal string ("30.90"); null for no price. Default "10.00". */
  unitPrice?: string | null;
  taxRate?: string;
  alternateSkus?: string[];
  status?: OrderLineStatus;
}

export interface SeedFakeOrder {
  id?: string;
  reference?: string;
  /** ISO-8601 UTC; default the fake's clock. */
  createdAt?: string;
  currency?: string;
  lines: SeedFakeOrderLine[];
  shippingAddress?: PostalAddress | null;
  email?: string | null;
  deliveryService?: string | null;
  test?: boolean;
  comment?: string | null;
}

export interface SeedFakeProduct {
  sku: string;
  quantity?: number;
  title?: string | null;
  alternateSkus?: string[];
}

/** Every state-changing call the fake accepted, in order, with its input. */
export type FakeMarketplaceCall =
  | { operation: "acknowledgeOrder"; input: AcknowledgeInput }
  | { operation: "backorderLines"; input: BackorderInput }
  | { operation: "dispatchLines"; input: DispatchInput }
  | { operation: "cancelLines"; input: CancelInput; outcome: CancelOutcome }
  | { operation: "pushStock"; input: StockUpdate[]; options?: CallOptions };

type Operation = Exclude<keyof MarketplaceGateway, "platform" | "capabilities">;

interface FakeLine extends MarketplaceOrderLine {
  dispatchedQuantity: number;
  promisedDispatchDate: string | null;
  shipments: { quantity: number; carrierCode: string; trackingNumber: string; trackingUrl?: string }[];
}

interface FakeOrder extends Omit<MarketplaceOrder, "lines"> {
  lines: FakeLine[];
}

const defaultCapabilities: MarketplaceCapabilities = {
  stockItemsPerRequest: 1,
  requestsPerMinute: 250,
  refuseAtAcknowledgement: false,
  backorder: true,
  merchantCancelBeforeDispatch: "portal",
  merchantCancelAfterDispatch: "portal",
  partialCancellation: false,
  partialDispatch: true,
  listingsApi: false,
};

export interface InMemoryMarketplaceOptions {
  platform?: MarketplacePlatform;
  /** Overrides, e.g. `{ merchantCancelBeforeDispatch: "api" }` to act like a Mirakl marketplace. */
  capabilities?: Partial<MarketplaceCapabilities>;
  carriers?: MarketplaceCarrier[];
  now?: () => number;
  accountName?: string;
}

const NOT_FOUND = 404;
const BAD_REQUEST = 400;

export class InMemoryMarketplace implements MarketplaceGateway {
  readonly platform: MarketplacePlatform;
  readonly capabilities: MarketplaceCapabilities;
  /** Accepted state-changing calls, for assertions. */
  readonly calls: FakeMarketplaceCall[] = [];

  private readonly orders = new Map<string, FakeOrder>();
  private readonly stock = new Map<string, { quantity: number; title: string | null; alternateSkus: string[]; updatedAt: string | null }>();
  private carriers: MarketplaceCarrier[];
  private settlement: SettlementLine[] = [];
  private readonly faults = new Map<Operation, MarketplaceError[]>();
  private readonly now: () => number;
  private readonly accountName: string;
  private nextOrderNumber = 1000;

  constructor(options: InMemoryMarketplaceOptions = {}) {
    this.platform = options.platform ?? "virtualstock";
    this.capabilities = { ...defaultCapabilities, ...options.capabilities };
    this.carriers = options.carriers ?? [
      { code: "royal-mail", name: "Royal Mail" },
      { code: "dpd-uk", name: "DPD UK" },
      { code: "parcelforce", name: "Parcelforce" },
    ];
    this.now = options.now ?? Date.now;
    this.accountName = options.accountName ?? "fake-supplier";
  }

  // ---- seeding and inspection -------------------------------------------------------------

  seedProducts(products: SeedFakeProduct[]): void {
    for (const p of products) {
      this.stock.set(p.sku, {
        quantity: p.quantity ?? 0,
        title: p.title ?? null,
        alternateSkus: p.alternateSkus ?? [],
        updatedAt: null,
      });
    }
  }

  seedOrder(seed: SeedFakeOrder): MarketplaceOrder {
    const id = seed.id ?? String(this.nextOrderNumber++);
    const currency = seed.currency ?? "GBP";
    const lines = seed.lines.map((l, i): FakeLine => {
      const quantity = l.quantity ?? 1;
      const unit = l.unitPrice === undefined ? "10.00" : l.unitPrice;
      const unitMinor = unit === null ? null : parseDecimalToMinor(unit);
      if (unit !== null && unitMinor === null) throw new Error(`bad unitPrice ${unit}`);
      const rate = l.taxRate ?? "20.00";
      const rateNum = Number(rate);
      const net = unitMinor === null ? null : unitMinor * quantity;
      const tax = net === null ? null : Math.round((net * rateNum) / 100);
      const m = (amountMinor: number | null): Money | null =>
        amountMinor === null ? null : { amountMinor, currency };
      const status = l.status ?? "awaiting-acknowledgement";
      return {
        lineId: marketplaceLineId(l.lineId ?? String(i + 1)),
        sku: marketplaceSku(l.sku),
        alternateSkus: l.alternateSkus ?? [],
        title: l.title ?? `Product ${l.sku}`,
        quantity,
        status,
        platformStatus: status,
        unitPrice: m(unitMinor),
        tax: m(tax),
        taxRate: rate,
        total: m(net === null || tax === null ? null : net + tax),
        promisedDeliveryDate: null,
        cancelRequestedQuantity: null,
        options: [],
        dispatchedQuantity: status === "dispatched" ? quantity : 0,
        promisedDispatchDate: null,
        shipments: [],
      };
    });
    const order: FakeOrder = {
      id: marketplaceOrderId(id),
      reference: marketplaceOrderRef(seed.reference ?? `JL${id}`),
      createdAt: seed.createdAt ?? new Date(this.now()).toISOString(),
      currency,
      lines,
      shippingAddress: seed.shippingAddress === undefined ? defaultAddress : seed.shippingAddress,
      email: seed.email ?? null,
      acknowledgeBy: null,
      deliveryService: seed.deliveryService ?? null,
      test: seed.test ?? false,
      comment: seed.comment ?? null,
      platformStatus: "",
    };
    this.refreshOrderStatus(order);
    this.orders.set(id, order);
    return toPortOrder(order);
  }

  /** The marketplace asks to cancel lines (whole lines unless a quantity is given). */
  requestCancellation(orderId: string, lines: { lineId: string; quantity?: number }[]): void {
    const order = this.mustFind(orderId);
    for (const ref of lines) {
      const line = order.lines.find((l) => l.lineId === ref.lineId);
      if (!line) throw new Error(`no line ${ref.lineId} on order ${orderId}`);
      if (!["awaiting-acknowledgement", "acknowledged", "backordered"].includes(line.status)) {
        throw new Error(`line ${ref.lineId} is ${line.status}: the marketplace cannot ask to cancel it`);
      }
      this.setLineStatusOf(line, "cancellation-requested");
      line.cancelRequestedQuantity = ref.quantity ?? line.quantity;
    }
    this.refreshOrderStatus(order);
  }

  /** Moves a line to any state, for tests that start mid-flow (e.g. a return). */
  setLineStatus(orderId: string, lineId: string, status: OrderLineStatus): void {
    const order = this.mustFind(orderId);
    const line = order.lines.find((l) => l.lineId === lineId);
    if (!line) throw new Error(`no line ${lineId} on order ${orderId}`);
    this.setLineStatusOf(line, status);
    this.refreshOrderStatus(order);
  }

  /** The marketplace renames a SKU (JL stock numbers can change). */
  renameSku(oldSku: string, newSku: string): void {
    const entry = this.stock.get(oldSku);
    if (!entry) throw new Error(`no product ${oldSku}`);
    this.stock.delete(oldSku);
    this.stock.set(newSku, entry);
  }

  setCarriers(carriers: MarketplaceCarrier[]): void {
    this.carriers = [...carriers];
  }

  seedSettlementLines(lines: SettlementLine[]): void {
    this.settlement.push(...lines);
  }

  /** The next `count` calls of `operation` fail with `error` (before touching any state). */
  failNext(operation: Operation, error: MarketplaceError, count = 1): void {
    const queue = this.faults.get(operation) ?? [];
    for (let i = 0; i < count; i++) queue.push(error);
    this.faults.set(operation, queue);
  }

  /** A snapshot of an order as the marketplace holds it, or null. */
  order(orderId: string): MarketplaceOrder | null {
    const order = this.orders.get(orderId);
    return order ? toPortOrder(order) : null;
  }

  /** Shipments recorded per line, with tracking. */
  shipments(orderId: string): { lineId: string; quantity: number; carrierCode: string; trackingNumber: string }[] {
    return this.mustFind(orderId).lines.flatMap((l) =>
      l.shipments.map((s) => ({ lineId: l.lineId, quantity: s.quantity, carrierCode: s.carrierCode, trackingNumber: s.trackingNumber })),
    );
  }

  /** Dates promised at acknowledgement, per line. */
  promisedDates(orderId: string): { lineId: string; dispatchDate: string | null; deliveryDate: string | null }[] {
    return this.mustFind(orderId).lines.map((l) => ({
      lineId: l.lineId,
      dispatchDate: l.promisedDispatchDate,
      deliveryDate: l.promisedDeliveryDate,
    }));
  }

  stockOf(sku: string): number | null {
    return this.stock.get(sku)?.quantity ?? null;
  }

  // ---- the port ------------------------------------------------------------------------------

  async testConnection(): Promise<Result<ConnectionInfo, MarketplaceError>> {
    const fault = this.fault("testConnection");
    if (fault) return err(fault);
    return ok({ accountName: this.accountName, details: [{ label: "Platform", value: this.platform }] });
  }

  async listOrders(query: ListOrdersQuery): Promise<Result<Page<MarketplaceOrder>, MarketplaceError>> {
    const fault = this.fault("listOrders");
    if (fault) return err(fault);
    const matching = [...this.orders.values()]
      .filter((o) => o.lines.some((l) => l.status === query.lineStatus))
      .filter((o) => query.reference === undefined || o.reference === query.reference)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return paginate(matching.map(toPortOrder), query);
  }

  async getOrder(id: MarketplaceOrderId): Promise<Result<MarketplaceOrder, MarketplaceError>> {
    const fault = this.fault("getOrder");
    if (fault) return err(fault);
    const order = this.orders.get(id);
    return order ? ok(toPortOrder(order)) : err(orderNotFound(id));
  }

  async acknowledgeOrder(input: AcknowledgeInput): Promise<Result<void, MarketplaceError>> {
    const fault = this.fault("acknowledgeOrder");
    if (fault) return err(fault);
    if (!this.capabilities.refuseAtAcknowledgement && input.lines.some((l) => !l.accept)) {
      return err(rejected("unsupported", "REFUSE_NOT_SUPPORTED", "Lines cannot be refused here.", 0));
    }
    const found = this.linesOf(input.orderId, input.lines);
    if (!found.ok) return found;
    const { order, lines } = found.value;
    // A repeated acknowledgement of lines already past it succeeds, as the adapter reports it.
    const done: OrderLineStatus[] = ["acknowledged", "backordered", "dispatched", "refused"];
    const blocked = lines.find((l) => l.status !== "awaiting-acknowledgement" && !done.includes(l.status));
    if (blocked) return err(invalidState(blocked, "acknowledged"));
    input.lines.forEach((ref, i) => {
      const line = lines[i];
      if (line.status !== "awaiting-acknowledgement") return;
      this.setLineStatusOf(line, ref.accept ? "acknowledged" : "refused");
      line.promisedDispatchDate = input.promisedDispatchDate;
      line.promisedDeliveryDate = input.promisedDeliveryDate;
    });
    this.refreshOrderStatus(order);
    this.calls.push({ operation: "acknowledgeOrder", input });
    return ok(undefined);
  }

  async backorderLines(input: BackorderInput): Promise<Result<void, MarketplaceError>> {
    const fault = this.fault("backorderLines");
    if (fault) return err(fault);
    if (!this.capabilities.backorder) {
      return err(rejected("unsupported", "BACKORDER_NOT_SUPPORTED", "This marketplace has no backorder call.", 0));
    }
    const found = this.linesOf(input.orderId, input.lines);
    if (!found.ok) return found;
    const { order, lines } = found.value;
    const blocked = lines.find((l) => !["awaiting-acknowledgement", "acknowledged", "backordered"].includes(l.status));
    if (blocked) return err(invalidState(blocked, "backordered"));
    for (const line of lines) {
      this.setLineStatusOf(line, "backordered");
      line.promisedDispatchDate = input.expectedDispatchDate;
      line.promisedDeliveryDate = input.expectedDeliveryDate;
    }
    this.refreshOrderStatus(order);
    this.calls.push({ operation: "backorderLines", input });
    return ok(undefined);
  }

  async dispatchLines(input: DispatchInput): Promise<Result<void, MarketplaceError>> {
    const fault = this.fault("dispatchLines");
    if (fault) return err(fault);
    if (!this.carriers.some((c) => c.code === input.shipment.carrierCode)) {
      return err(
        rejected("validation", "INVALID_CARRIER", `carrier: "${input.shipment.carrierCode}" is not a known carrier.`, BAD_REQUEST),
      );
    }
    const found = this.linesOf(input.orderId, input.lines);
    if (!found.ok) return found;
    const { order, lines } = found.value;
    if (lines.every((l) => l.status === "dispatched")) return ok(undefined);
    const blocked = lines.find((l) => !["acknowledged", "backordered", "cancellation-requested"].includes(l.status));
    if (blocked) return err(invalidState(blocked, "dispatched"));
    for (const [i, ref] of input.lines.entries()) {
      const line = lines[i];
      if (ref.quantity <= 0 || line.dispatchedQuantity + ref.quantity > line.quantity) {
        return err(rejected("validation", "INVALID_QUANTITY", `quantity: ${ref.quantity} is more than line ${line.lineId} has left.`, BAD_REQUEST));
      }
    }
    for (const [i, ref] of input.lines.entries()) {
      const line = lines[i];
      line.dispatchedQuantity += ref.quantity;
      line.shipments.push({
        quantity: ref.quantity,
        carrierCode: input.shipment.carrierCode,
        trackingNumber: input.shipment.trackingNumber,
        trackingUrl: input.shipment.trackingUrl,
      });
      if (line.dispatchedQuantity >= line.quantity) this.setLineStatusOf(line, "dispatched");
    }
    this.refreshOrderStatus(order);
    this.calls.push({ operation: "dispatchLines", input });
    return ok(undefined);
  }

  async cancelLines(input: CancelInput): Promise<Result<CancelOutcome, MarketplaceError>> {
    const fault = this.fault("cancelLines");
    if (fault) return err(fault);
    const found = this.linesOf(input.orderId, input.lines);
    if (!found.ok) return found;
    const { order, lines } = found.value;
    const manual = this.manualCancel(input);
    if (manual) {
      this.calls.push({ operation: "cancelLines", input, outcome: manual });
      return ok(manual);
    }
    if (lines.every((l) => l.status === "cancelled")) return ok({ outcome: "cancelled" });
    const allowed: OrderLineStatus[] =
      input.initiatedBy === "marketplace"
        ? ["cancellation-requested", "cancelled"]
        : ["awaiting-acknowledgement", "acknowledged", "backordered", "cancellation-requested", "cancelled"];
    if (input.stage === "after-dispatch") allowed.push("dispatched");
    const blocked = lines.find((l) => !allowed.includes(l.status));
    if (blocked) return err(invalidState(blocked, "cancelled"));
    for (const line of lines) this.setLineStatusOf(line, "cancelled");
    this.refreshOrderStatus(order);
    const outcome: CancelOutcome = { outcome: "cancelled" };
    this.calls.push({ operation: "cancelLines", input, outcome });
    return ok(outcome);
  }

  async listCarriers(): Promise<Result<MarketplaceCarrier[], MarketplaceError>> {
    const fault = this.fault("listCarriers");
    if (fault) return err(fault);
    return ok(this.carriers.map((c) => ({ ...c })));
  }

  async pushStock(updates: StockUpdate[], options?: CallOptions): Promise<Result<StockPushReport, MarketplaceError>> {
    const fault = this.fault("pushStock");
    if (fault) return err(fault);
    const at = new Date(this.now()).toISOString();
    const items = updates.map((u) => {
      const entry = this.stock.get(u.sku);
      if (!Number.isInteger(u.quantity) || u.quantity < 0) {
        return { sku: u.sku, ok: false as const, error: rejected("validation", "INVALID_QUANTITY", `quantity ${u.quantity}`, 0) };
      }
      if (!entry) {
        return {
          sku: u.sku,
          ok: false as const,
          error: rejected("not-found", "PRODUCT_NOT_FOUND", `No product with SKU ${u.sku}.`, NOT_FOUND),
        };
      }
      entry.quantity = u.quantity;
      entry.updatedAt = at;
      return { sku: u.sku, ok: true as const };
    });
    this.calls.push({ operation: "pushStock", input: updates, options });
    return ok({ items });
  }

  async listStock(query: PageQuery): Promise<Result<Page<MarketplaceStockLevel>, MarketplaceError>> {
    const fault = this.fault("listStock");
    if (fault) return err(fault);
    const levels = [...this.stock.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([sku, s]): MarketplaceStockLevel => ({
        sku: marketplaceSku(sku),
        quantity: s.quantity,
        title: s.title,
        alternateSkus: [...s.alternateSkus],
        updatedAt: s.updatedAt,
      }));
    return paginate(levels, query);
  }

  async listSettlementLines(query: SettlementQuery): Promise<Result<Page<SettlementLine>, MarketplaceError>> {
    const fault = this.fault("listSettlementLines");
    if (fault) return err(fault);
    const from = query.from ? Date.parse(query.from) : Number.NEGATIVE_INFINITY;
    const to = query.to ? Date.parse(query.to) : Number.POSITIVE_INFINITY;
    const lines = this.settlement.filter((l) => {
      const at = Date.parse(l.documentDate);
      return at >= from && at <= to;
    });
    return paginate(lines.map((l) => ({ ...l })), query);
  }

  // ---- internals -----------------------------------------------------------------------------

  private manualCancel(input: CancelInput): CancelOutcome | null {
    if (input.initiatedBy === "marketplace" && input.stage === "before-dispatch") return null;
    const how = input.stage === "after-dispatch"
      ? this.capabilities.merchantCancelAfterDispatch
      : this.capabilities.merchantCancelBeforeDispatch;
    if (how === "api") return null;
    return {
      outcome: "manual-action-required",
      instructions: input.stage === "after-dispatch"
        ? "Record the cancellation after dispatch in the marketplace portal."
        : "Cancel the line in the marketplace portal.",
    };
  }

  private fault(operation: Operation): MarketplaceError | undefined {
    return this.faults.get(operation)?.shift();
  }

  private mustFind(orderId: string): FakeOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    return order;
  }

  private linesOf(
    orderId: MarketplaceOrderId,
    refs: OrderLineRef[],
  ): Result<{ order: FakeOrder; lines: FakeLine[] }, MarketplaceError> {
    const order = this.orders.get(orderId);
    if (!order) return err(orderNotFound(orderId));
    if (refs.length === 0) return err(rejected("validation", "NO_LINES", "No lines given.", 0));
    const lines: FakeLine[] = [];
    for (const ref of refs) {
      const line = order.lines.find((l) => l.lineId === ref.lineId && l.sku === ref.sku);
      if (!line) {
        return err(rejected("not-found", "ORDER_LINE_NOT_FOUND", `No line ${ref.lineId} (${ref.sku}) on order ${orderId}.`, NOT_FOUND));
      }
      lines.push(line);
    }
    return ok({ order, lines });
  }

  private setLineStatusOf(line: FakeLine, status: OrderLineStatus): void {
    line.status = status;
    line.platformStatus = status;
    if (status !== "cancellation-requested") line.cancelRequestedQuantity = null;
  }

  /** The order's status is its least advanced line's, as an aggregate for display. */
  private refreshOrderStatus(order: FakeOrder): void {
    const rank: OrderLineStatus[] = [
      "awaiting-acknowledgement",
      "cancellation-requested",
      "acknowledged",
      "backordered",
      "dispatched",
      "return-requested",
      "returned",
      "refused",
      "cancelled",
      "closed",
    ];
    const least = order.lines.map((l) => rank.indexOf(l.status)).sort((a, b) => a - b)[0];
    order.platformStatus = least === undefined ? "empty" : rank[least];
  }
}

const defaultAddress: PostalAddress = {
  fullName: "Alex Customer",
  company: null,
  line1: "1 High Street",
  line2: null,
  city: "Reading",
  region: "Berkshire",
  postalCode: "RG1 1AA",
  countryCode: "GB",
  phone: null,
};

function toPortOrder(order: FakeOrder): MarketplaceOrder {
  return {
    ...order,
    shippingAddress: order.shippingAddress ? { ...order.shippingAddress } : null,
    lines: order.lines.map(
      ({ dispatchedQuantity: _d, promisedDispatchDate: _p, shipments: _s, ...line }) => ({
        ...line,
        alternateSkus: [...line.alternateSkus],
        options: line.options.map((o) => ({ ...o })),
      }),
    ),
  };
}

function orderNotFound(id: string): MarketplaceError {
  return rejected("not-found", "ORDER_NOT_FOUND", `No order ${id}.`, NOT_FOUND);
}

function invalidState(line: MarketplaceOrderLine, target: OrderLineStatus): MarketplaceError {
  return rejected(
    "invalid-state",
    "INVALID_STATE",
    `Not allowed to change state of item ${line.lineId} from ${line.status} to ${target}`,
    BAD_REQUEST,
  );
}

/** Offset pagination with an opaque cursor (the offset as a string). */
function paginate<T>(all: T[], query: PageQuery): Result<Page<T>, MarketplaceError> {
  const offset = query.cursor === undefined ? 0 : Number(query.cursor);
  if (!Number.isInteger(offset) || offset < 0) {
    return err(rejected("validation", "INVALID_CURSOR", "Unknown cursor.", 0));
  }
  const limit = Math.max(1, query.limit ?? 100);
  const items = all.slice(offset, offset + limit);
  const next = offset + limit;
  return ok({ items, nextCursor: next < all.length ? String(next) : undefined, total: all.length });
}

