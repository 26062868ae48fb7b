import { parseDecimalToMinor, type Money } from "../../lib/money";
import {
  marketplaceLineId,
  marketplaceOrderId,
  marketplaceOrderRef,
  marketplaceSku,
} from "../../lib/ids";
import type {
  MarketplaceOrder,
  MarketplaceOrderLine,
  MarketplaceStockLevel,
  OrderLineStatus,
  PostalAddress,
  SettlementLine,
} from "../marketplace-gateway";
import { ukLocalToUtcIso } from "./uk-time";
import type { VsInvoice, VsOrder, VsOrderItem, VsProduct } from "./virtualstock-schemas";

/**
 * Pure mapping between Virtualstock's shapes and the port's. Functions return null (or throw
 * `MappingError`) when a value cannot be read; the gateway turns that into
 * `unavailable`/`malformed-response`, never into a guess.
 */
export class MappingError extends Error {}

/** Virtualstock line status -> port status. [reference §2, "Line status model"] */
const LINE_STATUS: Record<string, OrderLineStatus> = {
  ORDER: "awaiting-acknowledgement",
  ORDER_ACK: "acknowledged",
  BACKORDER: "backordered",
  CANCEL: "cancellation-requested",
  CANCEL_ACK: "cancelled",
  // JL's post-dispatch cancellation status, set in the portal. [reference §5]
  "CANCELLED POST-DISPATCH": "cancelled",
  DISPATCH: "dispatched",
  RMA: "return-requested",
  RMA_ACK: "return-requested",
  RMA_AUTHORISED: "return-requested",
  RMA_COLLECTION_BOOKED: "return-requested",
  RMA_REC: "returned",
  // Returns rejected or declined: the sale stands and nothing more will happen to the line.
  RMA_EXC: "closed",
  RMA_REJ: "closed",
};

/**
 * Maps a line status. Virtualstock may add values without notice (its breaking-change policy), so
 * an unknown value is not a failure: unknown return states count as returns in progress and
 * anything else as `closed`, a state no flow acts on; `platformStatus` keeps the original.
 */
export function mapLineStatus(status: string): OrderLineStatus {
  const key = status.trim().toUpperCase();
  const known = LINE_STATUS[key];
  if (known) return known;
  if (key.startsWith("RMA")) return "return-requested";
  return "closed";
}

/** The platform status to filter orders by, for a port line status; null when none exists. */
export function platformStatusFor(status: OrderLineStatus): string | null {
  switch (status) {
    case "awaiting-acknowledgement":
      return "ORDER";
    case "acknowledged":
      return "ORDER_ACK";
    case "backordered":
      return "BACKORDER";
    case "cancellation-requested":
      return "CANCEL";
    case "cancelled":
      return "CANCEL_ACK";
    case "dispatched":
      return "DISPATCH";
    case "return-requested":
      return "RMA";
    case "returned":
      return "RMA_REC";
    // Virtualstock cannot refuse lines, and "closed" spans several platform states.
    case "refused":
    case "closed":
      return null;
  }
}

/** The numeric REST id at the end of a Virtualstock resource URL (`…/orders/259313/?format=json`). */
export function restIdFromUrl(url: string, collection: string): string | null {
  const re = new RegExp(`/${collection}/(\\d+)/?(?:[?#].*)?$`);
  return re.exec(url)?.[1] ?? null;
}

function money(value: string | null | undefined, currency: string, field: string): Money | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const minor = parseDecimalToMinor(value);
  if (minor === null) throw new MappingError(`${field} is not a 2-decimal amount: ${value}`);
  return { amountMinor: minor, currency };
}

function date(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const iso = ukLocalToUtcIso(value);
  if (iso === null) throw new MappingError(`${field} is not a date: ${value}`);
  return iso;
}

const nonEmpty = (v: string | null | undefined): string | null =>
  v === null || v === undefined || v.trim() === "" ? null : v;

function mapLine(item: VsOrderItem, currency: string): MarketplaceOrderLine {
  const status = mapLineStatus(item.status);
  const alternates = [
    item.retailer_sku_reference,
    item.supplier_sku_reference,
    item.retailer_additional_reference,
  ]
    .map(nonEmpty)
    .filter((v): v is string => v !== null && v !== item.part_number);
  return {
    lineId: marketplaceLineId(item.line_reference),
    sku: marketplaceSku(item.part_number),
    alternateSkus: [...new Set(alternates)],
    title: nonEmpty(item.name) ?? nonEmpty(item.description) ?? item.part_number,
    quantity: item.quantity,
    status,
    platformStatus: item.status,
    unitPrice: money(item.unit_cost_price, currency, "unit_cost_price"),
    tax: money(item.tax, currency, "tax"),
    taxRate: nonEmpty(item.tax_rate),
    total: money(item.total, currency, "total"),
    promisedDeliveryDate: date(item.promised_date, "promised_date"),
    // The public samples carry no cancel quantity; a whole-line request is the documented default.
    cancelRequestedQuantity:
      status === "cancellation-requested" ? (item.cancel_quantity ?? item.quantity) : null,
    options: [],
  };
}

function mapAddress(a: VsOrder["shipping_address"]): PostalAddress | null {
  if (!a) return null;
  const line1 = nonEmpty(a.line_1);
  const postalCode = nonEmpty(a.postal_code);
  if (line1 === null && postalCode === null) return null;
  const line2 = [nonEmpty(a.line_2), nonEmpty(a.line_3)].filter((v): v is string => v !== null);
  return {
    fullName: nonEmpty(a.full_name) ?? "",
    company: nonEmpty(a.company),
    line1: line1 ?? "",
    line2: line2.length > 0 ? line2.join(", ") : null,
    city: nonEmpty(a.city) ?? "",
    region: nonEmpty(a.state),
    postalCode: postalCode ?? "",
    countryCode: (nonEmpty(a.country) ?? "GB").toUpperCase(),
    phone: nonEmpty(a.phone),
  };
}

/** A Virtualstock order -> the port's order. Throws `MappingError` on unreadable values. */
export function mapOrder(order: VsOrder): MarketplaceOrder {
  const id = restIdFromUrl(order.url, "orders");
  if (id === null) throw new MappingError(`order url has no id: ${order.url}`);
  const currency = nonEmpty(order.currency_code) ?? "GBP";
  const createdAt = date(order.order_date, "order_date");
  if (createdAt === null) throw new MappingError("order_date is empty");
  return {
    id: marketplaceOrderId(id),
    reference: marketplaceOrderRef(order.order_reference),
    createdAt,
    currency,
    lines: order.items.map((item) => mapLine(item, currency)),
    shippingAddress: mapAddress(order.shipping_address),
    email: nonEmpty(order.shipping_address?.email),
    acknowledgeBy: null,
    deliveryService: nonEmpty(order.delivery_service_code),
    test: order.test_flag ?? false,
    comment: nonEmpty(order.comment),
    platformStatus: order.status,
  };
}

function stockNumber(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : null;
}

/** A product -> what the marketplace shows as available. */
export function mapStockLevel(product: VsProduct): MarketplaceStockLevel {
  const data = product.data ?? null;
  const alternates = [product.retailer_sku_reference, product.supplier_sku_reference, data?.tradedCode]
    .map(nonEmpty)
    .filter((v): v is string => v !== null && v !== product.part_number);
  return {
    sku: marketplaceSku(product.part_number),
    quantity: stockNumber(data?.supplier_free_stock) ?? stockNumber(data?.free_stock) ?? 0,
    title: nonEmpty(product.name) ?? nonEmpty(data?.name) ?? nonEmpty(data?.title),
    alternateSkus: [...new Set(alternates)],
    updatedAt: date(data?.stock_updated_at, "stock_updated_at"),
  };
}

/** One settlement line per invoice line: what the retailer owes us for it, net, plus its tax. */
export function mapInvoice(invoice: VsInvoice): SettlementLine[] {
  const currency = nonEmpty(invoice.currency_code) ?? "GBP";
  const documentDate = date(invoice.invoice_date, "invoice_date");
  if (documentDate === null) throw new MappingError("invoice_date is empty");
  const orderId = invoice.order ? restIdFromUrl(invoice.order, "orders") : null;
  const ref = nonEmpty(invoice.retailer_order_reference);
  return invoice.lines.map((line) => {
    const quantity = line.quantity ?? null;
    const subtotal = money(line.subtotal, currency, "subtotal");
    const unit = money(line.unit_price, currency, "unit_price");
    const amount =
      subtotal ??
      (unit && quantity !== null ? { amountMinor: unit.amountMinor * quantity, currency } : null);
    if (amount === null) throw new MappingError(`invoice ${invoice.invoice_number} has a line without an amount`);
    const sku = nonEmpty(line.part_number);
    return {
      documentId: invoice.invoice_number,
      documentType: "invoice",
      documentStatus: nonEmpty(invoice.status) ?? "unknown",
      documentDate,
      orderId: orderId ? marketplaceOrderId(orderId) : null,
      orderReference: ref ? marketplaceOrderRef(ref) : null,
      lineId: line.order_line_reference ? marketplaceLineId(line.order_line_reference) : null,
      sku: sku ? marketplaceSku(sku) : null,
      quantity,
      amount,
      tax: money(line.tax, currency, "tax"),
      payoutId: nonEmpty(invoice.payment_reference),
      description: nonEmpty(line.description) ?? `Invoice ${invoice.invoice_number}`,
    };
  });
}
