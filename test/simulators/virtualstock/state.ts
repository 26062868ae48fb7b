import { z } from "zod";
import { formatMinorToDecimal, parseDecimalToMinor } from "../../../app/lib/money";
import { CARRIER_SLUGS } from "./carriers";
import type { SeedOrder, SeedProduct, SeededOrder } from "./control";
import {
  booleanField,
  charField,
  dateField,
  dateLikeField,
  decimalField,
  type DrfErrors,
  integerField,
  listField,
  optionalCharField,
  validateBody,
} from "./drf";
import { addDaysNaive, toLondonDate, toNaiveLondon } from "./time";

/**
 * The simulator's state and business rules, free of HTTP: products and stock, orders with the line
 * state machine, and invoices. Every rule that the reference leaves open is decided here and
 * recorded in docs/decisions/002-virtualstock-simulator-choices.md.
 */

export const LINE_STATUSES = [
  "ORDER",
  "ORDER_ACK",
  "BACKORDER",
  "CANCEL",
  "CANCEL_ACK",
  "DISPATCH",
  "RMA",
  "RMA_ACK",
  "RMA_AUTHORISED",
  "RMA_COLLECTION_BOOKED",
  "RMA_REC",
  "RMA_EXC",
  "RMA_REJ",
] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/**
 * Order status is derived from its lines: the first status in this list that any line has. Open
 * retailer requests come first, then work still owed by the supplier, then finished states, so the
 * order-level status always names the most urgent thing; CANCEL_ACK only when every line is cancelled.
 */
export const ORDER_STATUS_PRECEDENCE: readonly LineStatus[] = [
  "CANCEL",
  "RMA",
  "ORDER",
  "BACKORDER",
  "ORDER_ACK",
  "DISPATCH",
  "RMA_ACK",
  "RMA_AUTHORISED",
  "RMA_COLLECTION_BOOKED",
  "RMA_REC",
  "RMA_EXC",
  "RMA_REJ",
  "CANCEL_ACK",
];

/** Fixed identities of the one supplier and the one retailer the simulator serves. */
export const IDENTITY = {
  /** The supplier's id in the /restapi/v4 (orders) tree. */
  orderApiSupplierId: 6537,
  /** The same supplier's id in the /api/v4 (products) tree: deliberately different. */
  productApiSupplierId: 3994,
  supplierName: "Example Supplier Ltd",
  supplierAccountId: "SUP-0001",
  supplierTaxCode: "GB999999973",
  customerId: 245,
  /** JL's organisation id in the products tree ("client"). */
  clientId: 637,
  categoryId: 5544,
  retailerName: "John Lewis",
  retailerUuid: "3f1c2a9e-6b1d-4c8e-9a57-2d0e4b7c1a10",
  retailerTaxCode: "GB000000000",
  userId: 1533,
} as const;

export interface Product {
  restId: number;
  partNumber: string;
  name: string | null;
  retailerSku: string | null;
  supplierSku: string | null;
  tradedCode: string | null;
  stock: number;
  stockUpdatedAt: string | null;
  updates: number;
  publishingUntil: number | null;
}

export interface Shipment {
  quantity: number;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  dispatchDate: string;
  deliveryDate: string | null;
  at: number;
}

export interface Line {
  itemId: number;
  lineReference: string;
  partNumber: string;
  retailerSku: string | null;
  supplierSku: string | null;
  name: string | null;
  description: string | null;
  quantity: number;
  unitCostMinor: number | null;
  taxRate: string | null;
  promisedDate: string | null;
  retailerAdditionalReference: string | null;
  status: LineStatus;
  subStatus: string | null;
  supplierDispatchDate: string | null;
  supplierDeliveryDate: string | null;
  fulfillmentRoute: string | null;
  comment: string | null;
  /** Where a line returns to when a partial cancellation leaves units to ship. */
  statusBeforeCancel: LineStatus | null;
  cancelRequestedQuantity: number;
  cancelReasonCode: number | null;
  cancelledQuantity: number;
  /** Quantities of accepted cancel_acknowledge calls, to recognise a replay. */
  cancelAcks: number[];
  shipments: Shipment[];
  dispatchedQuantity: number;
  returnRequestedQuantity: number;
  returnAcknowledgedQuantity: number;
}

export interface ShippingAddress {
  full_name: string;
  line_1: string;
  line_2: string | null;
  city: string;
  state: string | null;
  postal_code: string;
  country: string;
  phone: string | null;
  email: string | null;
}

export interface Order {
  id: number;
  orderReference: string;
  orderDate: string;
  currencyCode: string;
  testFlag: boolean;
  deliveryServiceCode: string | null;
  comment: string | null;
  shippingAddress: ShippingAddress;
  lines: Line[];
}

export type InvoiceStatus = "AWAITING_APPROVAL" | "APPROVED" | "REJECTED" | "WITHDRAWN" | "PAID";

export interface InvoiceLine {
  orderLineReference: string;
  retailerSku: string;
  supplierSku: string;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  subtotalMinor: number;
  taxRate: string;
  taxMinor: number;
  supplyDate: string;
}

export interface Invoice {
  id: string;
  seq: number;
  invoiceNumber: string;
  invoiceDate: string;
  orderId: number;
  retailerOrderReference: string;
  currencyCode: string;
  status: InvoiceStatus;
  lines: InvoiceLine[];
  subtotalMinor: number;
  taxMinor: number;
  createdAt: string;
  paymentReference: string | null;
  paidOn: string | null;
}

export type ActionName = "acknowledge" | "backorder" | "dispatch" | "cancel_acknowledge" | "return_acknowledge";
export const ACTION_NAMES: readonly ActionName[] = [
  "acknowledge",
  "backorder",
  "dispatch",
  "cancel_acknowledge",
  "return_acknowledge",
];

const SUCCESS_MESSAGES: Record<ActionName, string> = {
  acknowledge: "Order acknowledged successfully.",
  backorder: "Order backordered successfully.",
  dispatch: "Order dispatched successfully.",
  cancel_acknowledge: "Order cancellation acknowledged successfully.",
  return_acknowledge: "Order return acknowledged successfully.",
};

/** Outcome of a supplier action; `rejected` is a business rule, answered as plain text. */
export type ActionOutcome =
  | { kind: "ok"; message: string }
  | { kind: "not-found" }
  | { kind: "field-errors"; errors: DrfErrors }
  | { kind: "rejected"; text: string };

export type StockOutcome =
  | { kind: "ok"; product: Product }
  | { kind: "not-found" }
  | { kind: "publishing" }
  | { kind: "field-errors"; errors: DrfErrors };

export type InvoiceErrorCode =
  | "ORDER_ALREADY_INVOICED"
  | "ORDER_NOT_FOUND"
  | "ORDER_NOT_FULFILLED"
  | "ORDER_CANCELLED"
  | "INVOICE_LINES_NOT_PRESENT"
  | "DUPLICATED_INVOICE_NUMBER"
  | "INVOICE_DATE_BEFORE_LAST_ITEM_DISPATCHED_DATE"
  | "INVOICE_HAS_BEEN_ISSUED"
  | "RETAILER_NOT_FOUND"
  | "RETAILER_SKU_NOT_FOUND"
  | "ORDER_LINE_REFERENCE_NOT_FOUND"
  | "ORDER_LINE_CANCELLED"
  | "ORDER_LINE_UNMATCHED_QUANTITY";

/** The descriptions from the collection's error table. */
export const INVOICE_ERROR_TEXT: Record<InvoiceErrorCode, string> = {
  ORDER_ALREADY_INVOICED: "Order has already been invoiced",
  ORDER_NOT_FOUND: "Order could not be found",
  ORDER_NOT_FULFILLED: "Order is not ready to be invoiced yet. All Items must be dispatched or cancelled first",
  ORDER_CANCELLED:
    "The order which you are trying to invoice has been cancelled and you are not able to create invoices for cancelled orders",
  INVOICE_LINES_NOT_PRESENT: "Invoice must have at least one line.",
  DUPLICATED_INVOICE_NUMBER: "An invoice with the same number already exists.",
  INVOICE_DATE_BEFORE_LAST_ITEM_DISPATCHED_DATE:
    "Invoice date must be equal to or greater than the last dispatched item date.",
  INVOICE_HAS_BEEN_ISSUED: "The previous invoice has already been issued and can not be set to Withdrawn",
  RETAILER_NOT_FOUND: "Retailer could not be found with provided identifier.",
  RETAILER_SKU_NOT_FOUND: "The Retailer SKU you have provided does not match any of the lines on the order",
  ORDER_LINE_REFERENCE_NOT_FOUND: "The order line reference provided does not match any Order line.",
  ORDER_LINE_CANCELLED:
    "The line on the order that you are trying to invoice has been cancelled and you are not able to invoice for cancelled lines.",
  ORDER_LINE_UNMATCHED_QUANTITY:
    "The line on the order that you are trying to invoice does not have the same quantity and you are not able to invoice such lines.",
};

export type InvoiceOutcome =
  | { kind: "created"; invoice: Invoice }
  | { kind: "field-errors"; errors: DrfErrors }
  | { kind: "error"; code: InvoiceErrorCode };

// ---- request schemas -------------------------------------------------------------------------

const itemBase = {
  part_number: charField({ max: 255 }),
  line_ref: charField({ max: 100 }),
  quantity: integerField(),
  comment: optionalCharField({ max: 255 }),
};

const ackItem = z.object({
  ...itemBase,
  sub_status: optionalCharField({ max: 100 }),
  supplier_dispatch_date: dateLikeField({ required: false, kind: "datetime" }),
  supplier_delivery_date: dateLikeField({ required: false, kind: "datetime" }),
  fulfillment_route: optionalCharField({ max: 255 }),
});

const backorderItem = z.object({
  ...itemBase,
  sub_status: charField({ max: 100 }),
  supplier_dispatch_date: dateLikeField({ required: true, kind: "datetime" }),
  supplier_delivery_date: dateLikeField({ required: false, kind: "datetime" }),
  fulfillment_route: optionalCharField({ max: 255 }),
});

const dispatchItem = z.object({
  ...itemBase,
  carrier: charField({ max: 255 }).superRefine((slug, ctx) => {
    // A SlugRelatedField answers with DRF's "Object with slug=… does not exist."
    if (!CARRIER_SLUGS.has(slug)) ctx.addIssue({ code: "custom", message: `Object with slug=${slug} does not exist.` });
  }),
  tracking_number: charField({ max: 100 }),
  tracking_url: optionalCharField({ max: 255 }),
  supplier_dispatch_date: dateLikeField({ required: true, kind: "date" }),
  supplier_delivery_date: dateLikeField({ required: false, kind: "date" }),
});

const plainItem = z.object(itemBase);

const ACTION_SCHEMAS = {
  acknowledge: z.object({ items: listField(ackItem) }),
  backorder: z.object({ items: listField(backorderItem) }),
  dispatch: z.object({ items: listField(dispatchItem) }),
  cancel_acknowledge: z.object({ items: listField(plainItem) }),
  return_acknowledge: z.object({ items: listField(plainItem) }),
} as const;

type AckItem = z.output<typeof ackItem>;
type BackorderItem = z.output<typeof backorderItem>;
type DispatchItem = z.output<typeof dispatchItem>;
type PlainItem = z.output<typeof plainItem>;

const StockBody = z.object({ supplier_free_stock: integerField({ min: 0 }) });

const invoiceLine = z.object({
  retailer_sku: charField({ max: 100 }),
  supplier_sku: optionalCharField({ max: 100 }),
  order_line_reference: charField({ max: 100 }),
  description: optionalCharField({ max: 100 }),
  quantity: integerField({ min: 1 }),
  unit_price: decimalField(),
  subtotal: decimalField(),
  supply_date: dateField(),
  discount: decimalField({ required: false }),
  tax_rate: decimalField(),
  tax: decimalField(),
});

const InvoiceBody = z.object({
  retailer_id: charField({ max: 36 }),
  retailer_order_reference: charField({ max: 255 }),
  invoice_date: dateField(),
  invoice_number: charField({ max: 20 }),
  currency_code: charField({ max: 3 }),
  // An absent or empty list is the documented INVOICE_LINES_NOT_PRESENT, not a field error.
  lines: z.array(invoiceLine).optional(),
  void_existing_invoice_on_create: booleanField(),
});

// ---- helpers ---------------------------------------------------------------------------------

function notAllowed(ref: string, from: LineStatus, to: LineStatus): string {
  return `Not allowed to change state of item ${ref} from ${from} to ${to}`;
}

function openQuantity(line: Line): number {
  return line.quantity - line.dispatchedQuantity - line.cancelledQuantity;
}

function lineMoney(line: Line): { subtotal: number; tax: number } | null {
  if (line.unitCostMinor === null) return null;
  const subtotal = line.unitCostMinor * line.quantity;
  const rate = line.taxRate === null ? 0 : (parseDecimalToMinor(line.taxRate) ?? 0);
  return { subtotal, tax: Math.round((subtotal * rate) / 10_000) };
}

export function orderStatus(order: Order): LineStatus {
  for (const s of ORDER_STATUS_PRECEDENCE) if (order.lines.some((l) => l.status === s)) return s;
  return "ORDER";
}

/** Decimal-string money for an order and its lines (null where the retailer sent no prices). */
export function orderMoney(order: Order): { subtotal: string | null; tax: string | null; total: string | null } {
  let subtotal = 0;
  let tax = 0;
  for (const line of order.lines) {
    const m = lineMoney(line);
    if (!m) return { subtotal: null, tax: null, total: null };
    subtotal += m.subtotal;
    tax += m.tax;
  }
  return {
    subtotal: formatMinorToDecimal(subtotal),
    tax: formatMinorToDecimal(tax),
    total: formatMinorToDecimal(subtotal + tax),
  };
}

export function lineMoneyStrings(line: Line): { subtotal: string | null; tax: string | null; total: string | null } {
  const m = lineMoney(line);
  if (!m) return { subtotal: null, tax: null, total: null };
  return {
    subtotal: formatMinorToDecimal(m.subtotal),
    tax: formatMinorToDecimal(m.tax),
    total: formatMinorToDecimal(m.subtotal + m.tax),
  };
}

const DEFAULT_ADDRESS: ShippingAddress = {
  full_name: "Alex Taylor",
  line_1: "1 Example Street",
  line_2: null,
  city: "London",
  state: null,
  postal_code: "SW1A 1AA",
  country: "GB",
  phone: "+44 20 7946 0000",
  email: null,
};

// ---- the state -------------------------------------------------------------------------------

export interface RecordedAction {
  action: string;
  body: unknown;
  at: number;
  status?: number;
}

export class VirtualstockState {
  /** Products in creation order (ids ascend), so a limit/offset page is a slice: O(page). */
  private products: Product[] = [];
  private productsById = new Map<number, Product>();
  private productsByPart = new Map<string, Product>();
  private orders = new Map<number, Order>();
  private itemIndex = new Map<number, number>();
  private invoices: Invoice[] = [];
  private actionLog = new Map<number, RecordedAction[]>();
  partialCancellationAllowed = true;

  // Ids never restart, not even on reset(), so a client's stale cache gets a 404 rather than
  // silently addressing a different record.
  private nextProductId = 617172;
  private nextOrderId = 259313;
  private nextItemId = 279610;
  private nextOrderSeq = 1;
  private nextInvoiceSeq = 1;
  private nextRemittanceSeq = 1;

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.products = [];
    this.productsById.clear();
    this.productsByPart.clear();
    this.orders.clear();
    this.itemIndex.clear();
    this.invoices = [];
    this.actionLog.clear();
    this.partialCancellationAllowed = true;
  }

  // -- products ---------------------------------------------------------------------------------

  seedProducts(seeds: SeedProduct[]): void {
    for (const s of seeds) {
      const existing = this.productsByPart.get(s.partNumber);
      const publishingUntil = s.publishingForMs && s.publishingForMs > 0 ? this.now() + s.publishingForMs : null;
      if (existing) {
        existing.stock = s.stock ?? existing.stock;
        existing.name = s.name ?? existing.name;
        existing.retailerSku = s.retailerSku !== undefined ? s.retailerSku : existing.retailerSku;
        existing.supplierSku = s.supplierSku !== undefined ? s.supplierSku : existing.supplierSku;
        existing.tradedCode = s.tradedCode !== undefined ? s.tradedCode : existing.tradedCode;
        existing.publishingUntil = publishingUntil;
        continue;
      }
      const p: Product = {
        restId: this.nextProductId++,
        partNumber: s.partNumber,
        name: s.name ?? null,
        retailerSku: s.retailerSku ?? null,
        supplierSku: s.supplierSku ?? null,
        tradedCode: s.tradedCode ?? null,
        stock: s.stock ?? 0,
        stockUpdatedAt: null,
        updates: 0,
        publishingUntil,
      };
      this.products.push(p);
      this.productsById.set(p.restId, p);
      this.productsByPart.set(p.partNumber, p);
    }
  }

  renamePartNumber(oldPartNumber: string, newPartNumber: string): void {
    const p = this.productsByPart.get(oldPartNumber);
    if (!p) throw new Error(`No product with part number ${oldPartNumber}`);
    if (this.productsByPart.has(newPartNumber)) throw new Error(`Part number ${newPartNumber} is already in use`);
    this.productsByPart.delete(oldPartNumber);
    p.partNumber = newPartNumber;
    this.productsByPart.set(newPartNumber, p);
  }

  productCount(): number {
    return this.products.length;
  }

  productPage(offset: number, limit: number): Product[] {
    return this.products.slice(offset, offset + limit);
  }

  productByPartNumber(partNumber: string): Product | null {
    return this.productsByPart.get(partNumber) ?? null;
  }

  productById(restId: string): Product | null {
    if (!/^\d+$/.test(restId)) return null;
    return this.productsById.get(Number(restId)) ?? null;
  }

  isPublishing(p: Product): boolean {
    return p.publishingUntil !== null && this.now() < p.publishingUntil;
  }

  updateStock(restId: string, body: unknown): StockOutcome {
    const p = this.productById(restId);
    if (!p) return { kind: "not-found" };
    if (this.isPublishing(p)) return { kind: "publishing" };
    const v = validateBody(StockBody, body);
    if (!v.ok) return { kind: "field-errors", errors: v.errors };
    p.stock = v.value.supplier_free_stock;
    p.stockUpdatedAt = toNaiveLondon(this.now());
    p.updates += 1;
    return { kind: "ok", product: p };
  }

  // -- orders -----------------------------------------------------------------------------------

  seedOrder(seed: SeedOrder): SeededOrder & { order: Order } {
    if (seed.lines.length === 0) throw new Error("An order needs at least one line");
    const orderDate = seed.orderDate ?? toNaiveLondon(this.now());
    const id = this.nextOrderId++;
    const seq = this.nextOrderSeq++;
    const refs = new Set<string>();
    const lines: Line[] = seed.lines.map((l, i) => {
      const product = this.productsByPart.get(l.partNumber);
      const lineReference = l.lineReference ?? String(i + 1);
      if (refs.has(lineReference)) throw new Error(`Duplicate line reference ${lineReference}`);
      refs.add(lineReference);
      const quantity = l.quantity ?? 1;
      if (!Number.isInteger(quantity) || quantity < 1) throw new Error(`Invalid quantity for line ${lineReference}`);
      const unitCostPrice = l.unitCostPrice === undefined ? "30.90" : l.unitCostPrice;
      const unitCostMinor = unitCostPrice === null ? null : parseDecimalToMinor(unitCostPrice);
      if (unitCostPrice !== null && unitCostMinor === null) throw new Error(`Invalid unit cost price ${unitCostPrice}`);
      const itemId = this.nextItemId++;
      this.itemIndex.set(itemId, id);
      return {
        itemId,
        lineReference,
        partNumber: l.partNumber,
        retailerSku: product?.retailerSku ?? null,
        supplierSku: product?.supplierSku ?? null,
        name: l.name ?? product?.name ?? `Product ${l.partNumber}`,
        description: l.name ?? product?.name ?? null,
        quantity,
        unitCostMinor,
        taxRate: unitCostPrice === null ? null : (l.taxRate ?? "20.00"),
        promisedDate: addDaysNaive(orderDate, 7),
        retailerAdditionalReference: null,
        status: "ORDER",
        subStatus: null,
        supplierDispatchDate: null,
        supplierDeliveryDate: null,
        fulfillmentRoute: null,
        comment: null,
        statusBeforeCancel: null,
        cancelRequestedQuantity: 0,
        cancelReasonCode: null,
        cancelledQuantity: 0,
        cancelAcks: [],
        shipments: [],
        dispatchedQuantity: 0,
        returnRequestedQuantity: 0,
        returnAcknowledgedQuantity: 0,
      };
    });
    const order: Order = {
      id,
      orderReference: seed.orderReference ?? `JL${String(40_000_000 + seq)}`,
      orderDate,
      currencyCode: seed.currencyCode ?? "GBP",
      testFlag: seed.testFlag ?? false,
      deliveryServiceCode: seed.deliveryServiceCode ?? null,
      comment: seed.comment ?? null,
      shippingAddress: { ...DEFAULT_ADDRESS, ...seed.shippingAddress },
      lines,
    };
    this.orders.set(id, order);
    return { id: String(id), orderReference: order.orderReference, url: `/restapi/v4/orders/${id}/`, order };
  }

  allOrders(): Order[] {
    return [...this.orders.values()];
  }

  findOrder(orderId: string): Order | null {
    if (!/^\d+$/.test(orderId)) return null;
    return this.orders.get(Number(orderId)) ?? null;
  }

  findItem(itemId: string): { order: Order; line: Line } | null {
    if (!/^\d+$/.test(itemId)) return null;
    const orderId = this.itemIndex.get(Number(itemId));
    const order = orderId === undefined ? undefined : this.orders.get(orderId);
    const line = order?.lines.find((l) => l.itemId === Number(itemId));
    return order && line ? { order, line } : null;
  }

  private requireOrder(orderId: string): Order {
    const order = this.findOrder(orderId);
    if (!order) throw new Error(`No order ${orderId}`);
    return order;
  }

  private requireLine(order: Order, lineReference: string): Line {
    const line = order.lines.find((l) => l.lineReference === lineReference);
    if (!line) throw new Error(`Order ${order.id} has no line ${lineReference}`);
    return line;
  }

  /** Retailer side: lines go to CANCEL ({ORDER|ORDER_ACK|BACKORDER} -> CANCEL). */
  requestCancellation(orderId: string, lines: { lineReference: string; quantity?: number; reasonCode?: number }[]): void {
    const order = this.requireOrder(orderId);
    const plan = lines.map((req) => {
      const line = this.requireLine(order, req.lineReference);
      if (!["ORDER", "ORDER_ACK", "BACKORDER"].includes(line.status))
        throw new Error(notAllowed(line.lineReference, line.status, "CANCEL"));
      const quantity = req.quantity ?? openQuantity(line);
      if (!Number.isInteger(quantity) || quantity <= 0) throw new Error("Cancel quantity value can't be less or equal zero");
      if (quantity > openQuantity(line))
        throw new Error(`Cancel quantity value ${quantity} is bigger than allowed for item`);
      return { line, quantity, reasonCode: req.reasonCode ?? 102 };
    });
    for (const { line, quantity, reasonCode } of plan) {
      line.statusBeforeCancel = line.status;
      line.status = "CANCEL";
      line.cancelRequestedQuantity = quantity;
      line.cancelReasonCode = reasonCode;
    }
  }

  /** Retailer side: dispatched lines go to RMA (DISPATCH -> RMA). */
  requestReturn(orderId: string, lines: { lineReference: string; quantity?: number }[]): void {
    const order = this.requireOrder(orderId);
    const plan = lines.map((req) => {
      const line = this.requireLine(order, req.lineReference);
      if (line.status !== "DISPATCH") throw new Error(notAllowed(line.lineReference, line.status, "RMA"));
      const quantity = req.quantity ?? line.dispatchedQuantity;
      if (!Number.isInteger(quantity) || quantity <= 0 || quantity > line.dispatchedQuantity)
        throw new Error(
          `Return quantity value ${quantity} is greater than dispatch quantity ${line.dispatchedQuantity} for order item '${line.itemId}'`,
        );
      return { line, quantity };
    });
    for (const { line, quantity } of plan) {
      line.status = "RMA";
      line.returnRequestedQuantity = quantity;
    }
  }

  actionsFor(orderId: string): RecordedAction[] {
    const order = this.findOrder(orderId);
    return order ? [...(this.actionLog.get(order.id) ?? [])] : [];
  }

  /**
   * Applies a supplier action to an order. All items are checked against a draft copy first and the
   * draft is committed only when every item passed, so a 400 never leaves half an order changed.
   */
  applyAction(orderId: string, action: ActionName, body: unknown): ActionOutcome {
    const order = this.findOrder(orderId);
    if (!order) return { kind: "not-found" };
    const log = this.actionLog.get(order.id) ?? [];
    this.actionLog.set(order.id, log);
    const entry: RecordedAction = { action, body, at: this.now() };
    log.push(entry);
    const outcome = this.runAction(order, action, body);
    entry.status = outcome.kind === "ok" ? 200 : 400;
    return outcome;
  }

  private runAction(order: Order, action: ActionName, body: unknown): ActionOutcome {
    const v = validateBody(ACTION_SCHEMAS[action], body);
    if (!v.ok) return { kind: "field-errors", errors: v.errors };
    const draft = structuredClone(order);
    for (const item of v.value.items as PlainItem[]) {
      const line = draft.lines.find((l) => l.lineReference === item.line_ref);
      if (!line) return { kind: "rejected", text: `Validation error: Order item with line_ref '${item.line_ref}' not found` };
      if (line.partNumber !== item.part_number)
        return {
          kind: "rejected",
          text: `Validation error: Part number ${item.part_number} does not match order item with line_ref '${item.line_ref}'`,
        };
      const problem = this.applyItem(draft, line, action, item);
      if (problem) return { kind: "rejected", text: `Validation error: ${problem}` };
    }
    order.lines = draft.lines;
    return { kind: "ok", message: SUCCESS_MESSAGES[action] };
  }

  /** One item of an action against the draft; returns the documented 400 text on refusal. */
  private applyItem(_order: Order, line: Line, action: ActionName, item: PlainItem): string | null {
    const q = item.quantity;
    const ref = line.lineReference;
    switch (action) {
      case "acknowledge": {
        const a = item as AckItem;
        if (q <= 0) return "Acknowledge quantity value can't be less or equal zero";
        if (q > line.quantity) return `Acknowledge quantity value ${q} is bigger than allowed for item ${ref}`;
        // A repeated acknowledge of an acknowledged line succeeds (idempotent) so a retry after a lost
        // response is safe; it refreshes the dates and sub-status.
        if (line.status !== "ORDER" && line.status !== "ORDER_ACK") return notAllowed(ref, line.status, "ORDER_ACK");
        line.status = "ORDER_ACK";
        line.subStatus = a.sub_status ?? line.subStatus;
        line.supplierDispatchDate = a.supplier_dispatch_date ?? line.supplierDispatchDate;
        line.supplierDeliveryDate = a.supplier_delivery_date ?? line.supplierDeliveryDate;
        line.fulfillmentRoute = a.fulfillment_route ?? line.fulfillmentRoute;
        line.comment = a.comment ?? line.comment;
        return null;
      }
      case "backorder": {
        const b = item as BackorderItem;
        if (q <= 0) return "Backorder quantity value can't be less or equal zero";
        if (q > line.quantity) return `Backorder quantity value ${q} is bigger than allowed for item ${ref}`;
        if (!["ORDER", "ORDER_ACK", "BACKORDER"].includes(line.status)) return notAllowed(ref, line.status, "BACKORDER");
        line.status = "BACKORDER";
        line.subStatus = b.sub_status;
        line.supplierDispatchDate = b.supplier_dispatch_date;
        line.supplierDeliveryDate = b.supplier_delivery_date ?? line.supplierDeliveryDate;
        line.fulfillmentRoute = b.fulfillment_route ?? line.fulfillmentRoute;
        line.comment = b.comment ?? line.comment;
        return null;
      }
      case "dispatch": {
        const d = item as DispatchItem;
        // The same parcel sent again (same carrier, tracking number and quantity) is a replay: no-op.
        const replay = line.shipments.some(
          (s) => s.trackingNumber === d.tracking_number && s.carrier === d.carrier && s.quantity === q,
        );
        if (replay) return null;
        if (q <= 0) return "Dispatch quantity value can't be less or equal zero";
        if (!["ORDER_ACK", "BACKORDER", "CANCEL", "DISPATCH"].includes(line.status))
          return notAllowed(ref, line.status, "DISPATCH");
        const open = openQuantity(line);
        if (q > open) return `Dispatch quantity value ${q} is bigger than allowed for item ${ref}`;
        line.shipments.push({
          quantity: q,
          carrier: d.carrier,
          trackingNumber: d.tracking_number,
          trackingUrl: d.tracking_url,
          dispatchDate: (d.supplier_dispatch_date ?? toLondonDate(this.now())).slice(0, 10),
          deliveryDate: d.supplier_delivery_date,
          at: this.now(),
        });
        line.dispatchedQuantity += q;
        const left = open - q;
        if (line.status === "CANCEL") {
          // Shipped anyway: the cancellation request shrinks to what is still unshipped.
          line.cancelRequestedQuantity = Math.min(line.cancelRequestedQuantity, left);
          if (line.cancelRequestedQuantity === 0) line.status = left === 0 ? "DISPATCH" : (line.statusBeforeCancel ?? "ORDER_ACK");
        } else if (left === 0) {
          line.status = "DISPATCH";
        }
        return null;
      }
      case "cancel_acknowledge": {
        if (line.status !== "CANCEL") {
          // A replay of an accepted cancel_acknowledge (same quantity) succeeds without effect.
          if (line.cancelAcks.includes(q)) return null;
          return notAllowed(ref, line.status, "CANCEL_ACK");
        }
        if (q <= 0) return "Cancel quantity value can't be less or equal zero";
        if (q > line.cancelRequestedQuantity) return `Cancel quantity value ${q} is bigger than allowed for item`;
        const open = openQuantity(line);
        if (!this.partialCancellationAllowed && q < open) return `Partial cancellation not allowed item ${ref}`;
        line.cancelledQuantity += q;
        line.cancelRequestedQuantity -= q;
        line.cancelAcks.push(q);
        if (line.cancelRequestedQuantity === 0) {
          if (open - q === 0) line.status = line.dispatchedQuantity > 0 ? "DISPATCH" : "CANCEL_ACK";
          else line.status = line.statusBeforeCancel ?? "ORDER_ACK";
        }
        return null;
      }
      case "return_acknowledge": {
        if (q > line.dispatchedQuantity)
          return `Return quantity value ${q} is greater than dispatch quantity ${line.dispatchedQuantity} for order item '${line.itemId}'`;
        if (q <= 0) return "Return quantity value can't be less or equal zero";
        if (line.status === "RMA_ACK" && line.returnAcknowledgedQuantity === q) return null;
        if (line.status !== "RMA") return notAllowed(ref, line.status, "RMA_ACK");
        if (q > line.returnRequestedQuantity) return `Return quantity value ${q} is bigger than allowed for item ${ref}`;
        line.status = "RMA_ACK";
        line.returnAcknowledgedQuantity = q;
        return null;
      }
    }
  }

  // -- invoices ---------------------------------------------------------------------------------

  allInvoices(): Invoice[] {
    return [...this.invoices];
  }

  findInvoice(id: string): Invoice | null {
    return this.invoices.find((i) => i.id === id) ?? null;
  }

  createInvoice(body: unknown): InvoiceOutcome {
    const v = validateBody(InvoiceBody, body);
    if (!v.ok) return { kind: "field-errors", errors: v.errors };
    const b = v.value;
    const fail = (code: InvoiceErrorCode): InvoiceOutcome => ({ kind: "error", code });
    if (b.retailer_id !== IDENTITY.retailerUuid) return fail("RETAILER_NOT_FOUND");
    const order = this.allOrders().find((o) => o.orderReference === b.retailer_order_reference);
    if (!order) return fail("ORDER_NOT_FOUND");
    if (!b.lines || b.lines.length === 0) return fail("INVOICE_LINES_NOT_PRESENT");
    if (this.invoices.some((i) => i.invoiceNumber === b.invoice_number)) return fail("DUPLICATED_INVOICE_NUMBER");
    const current = this.invoices.filter((i) => i.orderId === order.id && i.status !== "WITHDRAWN");
    const toWithdraw: Invoice[] = [];
    for (const inv of current) {
      if (inv.status === "REJECTED") toWithdraw.push(inv);
      else if (!b.void_existing_invoice_on_create) return fail("ORDER_ALREADY_INVOICED");
      else if (inv.status === "AWAITING_APPROVAL") toWithdraw.push(inv);
      else return fail("INVOICE_HAS_BEEN_ISSUED");
    }
    if (order.lines.every((l) => l.status === "CANCEL_ACK")) return fail("ORDER_CANCELLED");
    if (order.lines.some((l) => openQuantity(l) > 0 || l.status === "CANCEL")) return fail("ORDER_NOT_FULFILLED");
    const lines: InvoiceLine[] = [];
    for (const il of b.lines) {
      const line = order.lines.find((l) => l.lineReference === il.order_line_reference);
      if (!line) return fail("ORDER_LINE_REFERENCE_NOT_FOUND");
      if (il.retailer_sku !== line.retailerSku && il.retailer_sku !== line.partNumber) return fail("RETAILER_SKU_NOT_FOUND");
      if (line.dispatchedQuantity === 0) return fail("ORDER_LINE_CANCELLED");
      if (il.quantity !== line.dispatchedQuantity) return fail("ORDER_LINE_UNMATCHED_QUANTITY");
      // subtotal and tax are recomputed from quantity, unit price and rate, as Virtualstock does.
      const unit = parseDecimalToMinor(il.unit_price ?? "0") ?? 0;
      const discount = parseDecimalToMinor(il.discount ?? "0") ?? 0;
      const subtotal = unit * il.quantity - discount;
      const rate = parseDecimalToMinor(il.tax_rate ?? "0") ?? 0;
      lines.push({
        orderLineReference: il.order_line_reference,
        retailerSku: il.retailer_sku,
        supplierSku: il.supplier_sku ?? "",
        description: il.description ?? "",
        quantity: il.quantity,
        unitPriceMinor: unit,
        discountMinor: discount,
        subtotalMinor: subtotal,
        taxRate: il.tax_rate ?? "0.00",
        taxMinor: Math.round((subtotal * rate) / 10_000),
        supplyDate: il.supply_date,
      });
    }
    const lastDispatch = order.lines
      .flatMap((l) => l.shipments.map((s) => s.dispatchDate))
      .reduce((max, d) => (d > max ? d : max), "");
    if (b.invoice_date < lastDispatch) return fail("INVOICE_DATE_BEFORE_LAST_ITEM_DISPATCHED_DATE");
    for (const inv of toWithdraw) inv.status = "WITHDRAWN";
    const seq = this.nextInvoiceSeq++;
    const invoice: Invoice = {
      id: invoiceUuid(seq),
      seq,
      invoiceNumber: b.invoice_number,
      invoiceDate: b.invoice_date,
      orderId: order.id,
      retailerOrderReference: order.orderReference,
      currencyCode: b.currency_code,
      status: "AWAITING_APPROVAL",
      lines,
      subtotalMinor: lines.reduce((s, l) => s + l.subtotalMinor, 0),
      taxMinor: lines.reduce((s, l) => s + l.taxMinor, 0),
      createdAt: toNaiveLondon(this.now()),
      paymentReference: null,
      paidOn: null,
    };
    this.invoices.push(invoice);
    return { kind: "created", invoice };
  }

  /** The retailer approves or rejects an invoice (portal-only in reality). */
  setInvoiceStatus(invoiceNumber: string, status: "APPROVED" | "REJECTED"): void {
    const inv = this.invoices.find((i) => i.invoiceNumber === invoiceNumber);
    if (!inv) throw new Error(`No invoice ${invoiceNumber}`);
    if (inv.status !== "AWAITING_APPROVAL") throw new Error(`Invoice ${invoiceNumber} is ${inv.status}`);
    inv.status = status;
  }

  /** JL pays the current invoice of each order under one payment reference. */
  seedRemittance(input: { orderIds: string[]; paymentReference?: string; paidOn?: string }): { paymentReference: string } {
    const targets = input.orderIds.map((orderId) => {
      const order = this.requireOrder(orderId);
      const inv = this.invoices.find(
        (i) => i.orderId === order.id && (i.status === "AWAITING_APPROVAL" || i.status === "APPROVED" || i.status === "PAID"),
      );
      if (!inv) throw new Error(`Order ${orderId} has no invoice to pay`);
      return inv;
    });
    const paymentReference =
      input.paymentReference ?? `REM${String(this.nextRemittanceSeq++).padStart(7, "0")}`;
    const paidOn = input.paidOn ?? toLondonDate(this.now());
    for (const inv of targets) {
      inv.status = "PAID";
      inv.paymentReference = paymentReference;
      inv.paidOn = paidOn;
    }
    return { paymentReference };
  }
}

/** Deterministic UUID-shaped invoice ids (v4 layout), so runs are reproducible. */
function invoiceUuid(seq: number): string {
  const hex = seq.toString(16).padStart(12, "0");
  return `7a1e5c3b-0d2f-4b6a-8c9e-${hex}`;
}
