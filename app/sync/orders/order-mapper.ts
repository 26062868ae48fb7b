/**
 * Pure mapping of a marketplace order onto a Shopify orderCreate request, and the classification
 * of everything that stops it: each problem becomes an exception with a reason and the actions
 * that fix it, never a silently dropped line.
 */
import { formatMinorToDecimal } from "../../lib/money";
import type { MarketplaceOrder, MarketplaceOrderLine, PostalAddress } from "../../marketplace/marketplace-gateway";
import type { OrderCreateAddress, OrderCreateLine, OrderCreateRequest, ShopifyVariantState } from "./ports";

export type ExceptionReason =
  | "unknown-sku"
  | "unmapped-variant"
  | "missing-variant"
  | "archived-variant"
  | "custom-options"
  | "address-invalid"
  | "address-rejected"
  | "insufficient-stock"
  | "currency-mismatch"
  | "no-lines"
  | "shopify-rejected"
  | "marketplace-rejected";

export type FixAction = "map-sku" | "retry" | "create-anyway";

export interface OrderProblem {
  reason: ExceptionReason;
  lineId: string | null;
  sku: string | null;
  message: string;
  fixActions: FixAction[];
}

/** A row of the SKU mapping table (prisma "Stock" section) as the orders flow reads it. */
export interface SkuMappingView {
  marketplaceSku: string;
  /** Null while the part number is known but not linked to a variant. */
  variantGid: string | null;
}

export interface PlannedLine {
  line: MarketplaceOrderLine;
  /** Null: sent as a custom line item (only with "create anyway"). */
  variantGid: string | null;
}

/** Line states that still need the goods: a cancelled line is not created in Shopify. */
const IMPORTABLE = new Set(["awaiting-acknowledgement", "acknowledged", "backordered"]);

export function importableLines(order: MarketplaceOrder): MarketplaceOrderLine[] {
  return order.lines.filter((l) => IMPORTABLE.has(l.status));
}

/**
 * Maps every line through the SKU mapping. Without `force`, any line that cannot be mapped exactly
 * (unknown part number, part number not linked, customer options) is a problem. With `force` (the
 * merchant's "create anyway"), unmapped lines become custom line items and options become line
 * properties.
 */
export function planOrderLines(
  order: MarketplaceOrder,
  mappings: ReadonlyMap<string, SkuMappingView>,
  options: { force: boolean },
): { planned: PlannedLine[]; problems: OrderProblem[] } {
  const planned: PlannedLine[] = [];
  const problems: OrderProblem[] = [];
  const lines = importableLines(order);
  if (lines.length === 0) {
    problems.push({ reason: "no-lines", lineId: null, sku: null, message: "No line of this order is still open on the marketplace.", fixActions: [] });
    return { planned, problems };
  }
  for (const line of lines) {
    const mapping = mappings.get(line.sku);
    if (line.unitPrice && line.unitPrice.currency !== order.currency) {
      problems.push({
        reason: "currency-mismatch",
        lineId: line.lineId,
        sku: line.sku,
        message: `Line ${line.lineId} is priced in ${line.unitPrice.currency}, the order in ${order.currency}.`,
        fixActions: ["retry"],
      });
      continue;
    }
    if (line.options.length > 0 && !options.force) {
      problems.push({
        reason: "custom-options",
        lineId: line.lineId,
        sku: line.sku,
        message: `The customer chose options (${line.options.map((o) => `${o.name}: ${o.value}`).join(", ")}) that no variant represents.`,
        fixActions: ["create-anyway"],
      });
      continue;
    }
    if (!mapping || !mapping.variantGid) {
      if (options.force) {
        planned.push({ line, variantGid: null });
        continue;
      }
      problems.push(
        mapping
          ? {
              reason: "unmapped-variant",
              lineId: line.lineId,
              sku: line.sku,
              message: `Part number ${line.sku} is not linked to a Shopify variant.`,
              fixActions: ["map-sku", "create-anyway"],
            }
          : {
              reason: "unknown-sku",
              lineId: line.lineId,
              sku: line.sku,
              message: `Part number ${line.sku} ("${line.title}") is not in the SKU mapping.`,
              fixActions: ["map-sku", "create-anyway"],
            },
      );
      continue;
    }
    planned.push({ line, variantGid: mapping.variantGid });
  }
  return { planned, problems };
}

/**
 * Checks the mapped variants against Shopify's answer: a variant that no longer exists, or whose
 * product is archived, is a problem; with `force` a missing variant becomes a custom line item and
 * an archived one is sold as it is.
 */
export function checkVariants(
  planned: PlannedLine[],
  variants: ShopifyVariantState[],
  options: { force: boolean },
): { planned: PlannedLine[]; problems: OrderProblem[] } {
  const byGid = new Map(variants.map((v) => [v.variantGid, v]));
  const out: PlannedLine[] = [];
  const problems: OrderProblem[] = [];
  for (const p of planned) {
    if (!p.variantGid) {
      out.push(p);
      continue;
    }
    const variant = byGid.get(p.variantGid);
    if (!variant) {
      if (options.force) out.push({ ...p, variantGid: null });
      else
        problems.push({
          reason: "missing-variant",
          lineId: p.line.lineId,
          sku: p.line.sku,
          message: `Part number ${p.line.sku} is mapped to a variant that no longer exists in Shopify.`,
          fixActions: ["map-sku", "create-anyway"],
        });
      continue;
    }
    if (variant.productStatus === "ARCHIVED" && !options.force) {
      problems.push({
        reason: "archived-variant",
        lineId: p.line.lineId,
        sku: p.line.sku,
        message: `Part number ${p.line.sku} is mapped to "${variant.title}", whose product is archived.`,
        fixActions: ["map-sku", "create-anyway"],
      });
      continue;
    }
    out.push(p);
  }
  return { planned: out, problems };
}

const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i;

/** Checks the delivery address before Shopify sees it; what Shopify refuses is classified later. */
export function checkAddress(address: PostalAddress | null): OrderProblem | null {
  const problem = (message: string): OrderProblem => ({ reason: "address-invalid", lineId: null, sku: null, message, fixActions: ["retry", "create-anyway"] });
  if (!address) return problem("The marketplace sent no delivery address.");
  const missing = (["fullName", "line1", "city", "postalCode", "countryCode"] as const).filter((k) => !address[k]?.trim());
  if (missing.length) return problem(`The delivery address has no ${missing.join(", ")}.`);
  if (!/^[A-Z]{2}$/i.test(address.countryCode)) return problem(`"${address.countryCode}" is not a two-letter country code.`);
  if (address.countryCode.toUpperCase() === "GB" && !UK_POSTCODE.test(address.postalCode.trim())) {
    return problem(`"${address.postalCode}" is not a UK postcode.`);
  }
  return null;
}

export function toShopifyAddress(address: PostalAddress): OrderCreateAddress {
  const name = address.fullName.trim().split(/\s+/);
  const lastName = name.length > 1 ? (name.pop() as string) : name[0];
  const firstName = name.length > 0 && name.join(" ") !== lastName ? name.join(" ") : "";
  return {
    firstName,
    lastName,
    company: address.company,
    address1: address.line1,
    address2: address.line2,
    city: address.city,
    provinceCode: null,
    zip: address.postalCode.trim().toUpperCase(),
    countryCode: address.countryCode.toUpperCase(),
    phone: address.phone,
  };
}

/** The metafield value that identifies a marketplace order uniquely across marketplaces. */
export function orderMetafieldValue(marketplaceId: string, orderId: string): string {
  return `${marketplaceId}:${orderId}`;
}

/** Line property carrying the marketplace line id, so fulfilments map back to marketplace lines. */
export const LINE_PROPERTY = "_marketplace_line";

export interface BuildInput {
  order: MarketplaceOrder;
  marketplaceId: string;
  marketplaceName: string;
  planned: PlannedLine[];
  inventory: OrderCreateRequest["inventory"];
  /** Merchant chose "create anyway" for an address problem: the address goes into the note. */
  omitAddress?: boolean;
}

/** The orderCreate request: paid, unfulfilled, the marketplace's prices and currency, our identifiers. */
export function buildOrderCreateRequest(input: BuildInput): OrderCreateRequest {
  const { order } = input;
  const lines: OrderCreateLine[] = input.planned.map(({ line, variantGid }) => ({
    variantGid,
    quantity: line.quantity,
    title: line.title || line.sku,
    sku: variantGid ? null : line.sku,
    unitPrice: line.unitPrice ? formatMinorToDecimal(line.unitPrice.amountMinor) : null,
    tax: line.tax && line.taxRate ? { amount: formatMinorToDecimal(line.tax.amountMinor), rate: Number(line.taxRate) / 100 } : null,
    properties: [{ name: LINE_PROPERTY, value: line.lineId }, ...line.options.map((o) => ({ name: o.name, value: o.value }))],
  }));
  const totals = input.planned.map(({ line }) => line.total?.amountMinor ?? (line.unitPrice ? line.unitPrice.amountMinor * line.quantity + (line.tax?.amountMinor ?? 0) : null));
  const paid = totals.every((t) => t !== null) ? formatMinorToDecimal(totals.reduce<number>((s, t) => s + (t ?? 0), 0)) : null;
  const address = order.shippingAddress;
  const notes = [`${input.marketplaceName} order ${order.reference}`];
  if (order.comment) notes.push(order.comment);
  if (input.omitAddress && address) {
    notes.push(`Delivery address (not accepted by Shopify): ${[address.fullName, address.line1, address.line2, address.city, address.postalCode, address.countryCode].filter(Boolean).join(", ")}`);
  }
  return {
    currency: order.currency,
    lines,
    shippingAddress: address && !input.omitAddress ? toShopifyAddress(address) : null,
    email: order.email,
    sourceIdentifier: order.reference,
    metafieldValue: orderMetafieldValue(input.marketplaceId, order.id),
    tags: [input.marketplaceId, "marketplace-order"],
    note: notes.join("\n"),
    processedAt: order.createdAt,
    paidAmount: paid,
    test: order.test,
    inventory: input.inventory,
  };
}

export type CreateRejection =
  | { kind: "insufficient-stock"; message: string }
  | { kind: "address-rejected"; message: string }
  | { kind: "rejected"; message: string };

/** Sorts orderCreate user errors into what the flow does next. */
export function classifyCreateErrors(userErrors: { field: string[] | null; message: string; code: string | null }[]): CreateRejection {
  const message = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
  if (userErrors.some((e) => e.code === "INVENTORY_CLAIM_FAILED" || /claim inventory|not enough (stock|inventory)/i.test(e.message))) {
    return { kind: "insufficient-stock", message };
  }
  if (userErrors.some((e) => (e.field ?? []).some((f) => /address/i.test(f)))) return { kind: "address-rejected", message };
  return { kind: "rejected", message };
}
