import { formatMinorToDecimal } from "../../../app/lib/money";
import {
  IDENTITY,
  type Invoice,
  type Line,
  lineMoneyStrings,
  type Order,
  orderMoney,
  orderStatus,
  type Product,
} from "./state";

/**
 * JSON views of the state, field for field as the reference (§2, §6) and the collection's samples
 * show them: decimal strings, naive date-times, absolute `url`s ending in the REST id and a slash.
 */

export function customerUrl(base: string): string {
  return `${base}/restapi/v4/customers/${IDENTITY.customerId}/`;
}

export function orderSupplierUrl(base: string): string {
  return `${base}/restapi/v4/suppliers/${IDENTITY.orderApiSupplierId}/`;
}

/**
 * The /api/v4 tree echoes ?format=json into the urls it builds when the request carried it (DRF's
 * reverse() keeps the format); the collection's captured product responses show exactly that.
 */
export function productTreeUrl(base: string, path: string, formatJson: boolean): string {
  return `${base}${path}${formatJson ? "?format=json" : ""}`;
}

export function itemJson(base: string, line: Line): Record<string, unknown> {
  const money = lineMoneyStrings(line);
  return {
    url: `${base}/restapi/v4/items/${line.itemId}/`,
    part_number: line.partNumber,
    retailer_sku_reference: line.retailerSku,
    supplier_sku_reference: line.supplierSku,
    line_reference: line.lineReference,
    quantity: line.quantity,
    name: line.name,
    description: line.description,
    status: line.status,
    unit_cost_price: line.unitCostMinor === null ? null : formatMinorToDecimal(line.unitCostMinor),
    subtotal: money.subtotal,
    tax: money.tax,
    tax_rate: line.taxRate,
    total: money.total,
    promised_date: line.promisedDate,
    retailer_additional_reference: line.retailerAdditionalReference,
  };
}

export function orderJson(base: string, order: Order): Record<string, unknown> {
  const money = orderMoney(order);
  return {
    url: `${base}/restapi/v4/orders/${order.id}/`,
    retailer: customerUrl(base),
    order_reference: order.orderReference,
    order_date: order.orderDate,
    status: orderStatus(order),
    channel: null,
    purchase_order_reference: null,
    end_user_purchase_order_reference: order.orderReference,
    additional_order_reference: null,
    comment: order.comment,
    test_flag: order.testFlag,
    supplier: orderSupplierUrl(base),
    items: order.lines.map((l) => itemJson(base, l)),
    currency_code: order.currencyCode,
    subtotal: money.subtotal,
    tax: money.tax,
    total: money.total,
    shipping_address: { ...order.shippingAddress },
    retailer_data: {
      uuid: IDENTITY.retailerUuid,
      name: IDENTITY.retailerName,
      email: "",
      phone: "",
      tax_code: IDENTITY.retailerTaxCode,
      address: {
        line_1: "1 Drummond Gate",
        line_2: "Pimlico",
        city: "London",
        state: "",
        country: "GB",
        postal_code: "SW1V 2QQ",
      },
    },
    delivery_service_code: order.deliveryServiceCode,
  };
}

export function productJson(base: string, p: Product, formatJson: boolean, publishing: boolean): Record<string, unknown> {
  return {
    url: productTreeUrl(base, `/api/v4/products/${p.restId}/`, formatJson),
    part_number: p.partNumber,
    category: productTreeUrl(base, `/api/v4/categories/${IDENTITY.categoryId}/`, formatJson),
    client: productTreeUrl(base, `/api/v4/clients/${IDENTITY.clientId}/`, formatJson),
    supplier: productTreeUrl(base, `/api/v4/suppliers/${IDENTITY.productApiSupplierId}/`, formatJson),
    // JL's product data model (field names from a production JL integration's DTO); the stock
    // endpoint's supplier_free_stock lands in free_stock, as Virtualstock maps it for JL.
    data: {
      back_in_stock_date: "",
      free_stock: p.stock,
      low_stock: p.stock > 0 && p.stock <= 5,
      availability_status: p.stock > 0 ? "IN_STOCK" : "OUT_OF_STOCK",
      supplier_product_status: publishing ? "Publishing" : "Published",
      stock_updated_at: p.stockUpdatedAt,
      tradedCode: p.tradedCode,
      prodId: p.retailerSku,
      supplierNum: IDENTITY.supplierAccountId,
      d2cInd: "Y",
      fulfilmentType: "Direct to customer",
      current_lead_time_to_delivery_in_days: 5,
      standard_lead_time_to_delivery_in_days: 5,
      max_lead_time_to_delivery_in_days: 10,
    },
  };
}

export function invoiceJson(base: string, inv: Invoice, formatJson: boolean): Record<string, unknown> {
  return {
    id: inv.id,
    url: productTreeUrl(base, `/api/v4/invoices/${inv.id}/`, formatJson),
    invoice_number: inv.invoiceNumber,
    invoice_date: inv.invoiceDate,
    retailer_id: IDENTITY.retailerUuid,
    retailer_order_reference: inv.retailerOrderReference,
    order: `${base}/restapi/v4/orders/${inv.orderId}/`,
    currency_code: inv.currencyCode,
    status: inv.status,
    subtotal: formatMinorToDecimal(inv.subtotalMinor),
    tax: formatMinorToDecimal(inv.taxMinor),
    total: formatMinorToDecimal(inv.subtotalMinor + inv.taxMinor),
    payment_reference: inv.paymentReference,
    paid_on: inv.paidOn,
    created_at: inv.createdAt,
    lines: inv.lines.map((l) => ({
      order_line_reference: l.orderLineReference,
      retailer_sku: l.retailerSku,
      supplier_sku: l.supplierSku,
      description: l.description,
      quantity: l.quantity,
      unit_price: formatMinorToDecimal(l.unitPriceMinor),
      discount: formatMinorToDecimal(l.discountMinor),
      subtotal: formatMinorToDecimal(l.subtotalMinor),
      tax_rate: l.taxRate,
      tax: formatMinorToDecimal(l.taxMinor),
      total: formatMinorToDecimal(l.subtotalMinor + l.taxMinor),
      supply_date: l.supplyDate,
    })),
  };
}

export interface PageParams {
  limit: number;
  offset: number;
}

/**
 * DRF LimitOffsetPagination: limit defaults per endpoint and is capped at `max`; a bad value falls
 * back to the default, as DRF does (it never 400s on pagination parameters).
 */
export function readPage(query: URLSearchParams, defaultLimit: number, max: number): PageParams {
  const rawLimit = query.get("limit");
  const rawOffset = query.get("offset");
  let limit = defaultLimit;
  if (rawLimit !== null && /^\d+$/.test(rawLimit) && Number(rawLimit) > 0) limit = Math.min(Number(rawLimit), max);
  const offset = rawOffset !== null && /^\d+$/.test(rawOffset) ? Number(rawOffset) : 0;
  return { limit, offset };
}

/** DRF's replace_query_param: parameters re-encoded in sorted key order. */
function withParams(base: string, path: string, query: URLSearchParams, set: Record<string, string | null>): string {
  const q = new URLSearchParams(query);
  for (const [k, v] of Object.entries(set)) {
    if (v === null) q.delete(k);
    else q.set(k, v);
  }
  q.sort();
  const s = q.toString();
  return `${base}${path}${s ? `?${s}` : ""}`;
}

export function pageJson(
  base: string,
  path: string,
  query: URLSearchParams,
  page: PageParams,
  count: number,
  results: unknown[],
): { count: number; next: string | null; previous: string | null; results: unknown[] } {
  const { limit, offset } = page;
  const next =
    offset + limit < count
      ? withParams(base, path, query, { limit: String(limit), offset: String(offset + limit) })
      : null;
  let previous: string | null = null;
  if (offset > 0) {
    previous =
      offset - limit <= 0
        ? withParams(base, path, query, { limit: String(limit), offset: null })
        : withParams(base, path, query, { limit: String(limit), offset: String(offset - limit) });
  }
  return { count, next, previous, results };
}
