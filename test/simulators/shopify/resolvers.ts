/**
 * GraphQL resolvers over the simulator's state. Every GraphQL object is a plain record whose keys are
 * field names; a function value is called with (args, context, info). A field that has no key is
 * not simulated: `fieldResolver` raises a NOT_SIMULATED error for it rather than inventing data.
 */
import {
  getDirectiveValues,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from "graphql";
import { createHash } from "node:crypto";
import { mutationsRequiringIdempotency } from "./schema";
import { searchPredicate, type FieldAccessor } from "./search-query";
import {
  fromMinor,
  fulfillmentStatusOf,
  gid,
  idOf,
  iso,
  normalizeTags,
  orderTotalMinor,
  parseGid,
  refundedMinor,
  QUANTITY_NAMES,
  type BulkOperation,
  type Fulfillment,
  type FulfillmentOrder,
  type InventoryChangeRecord,
  type InventoryItem,
  type Level,
  type LineItem,
  type Location,
  type Metafield,
  type Order,
  type OrderInput,
  type Product,
  type Refund,
  type RefundInputShape,
  type ShopState,
  type Store,
  type Transaction,
  type UserError,
  type Variant,
} from "./state";

export type Obj = Record<string, unknown>;
type Args = Record<string, unknown>;

export interface ResolverContext {
  store: Store;
  shop: ShopState;
  /** Bulk operations read every node: connections need no `first` and are not paged. */
  bulk: boolean;
  /** In a bulk execution, the window of root objects this slice builds (bulk.ts). */
  bulkSlice?: BulkSlice;
  /** Validates a bulk query (bulk.ts) and returns its build, not yet run, or the reason it cannot run. */
  prepareBulkQuery: (query: string) => BulkBuild | { error: string };
  /** Absolute URL of a bulk operation's result file. */
  bulkUrl: (id: number) => string;
  bulkDurationMs: number;
}

/**
 * One slice of a bulk build: the top-level field's resolver is called with `armed` set, and the
 * `connection()` it builds (the root connection) keeps only `limit` items from `offset` and reports
 * how many there are in all, so the build knows when it has read them all.
 */
export interface BulkSlice {
  offset: number;
  limit: number;
  armed: boolean;
  total: number | null;
}

/** A bulk query's file, built slice by slice so the simulator keeps answering requests meanwhile. */
export interface BulkBuild {
  /** Builds the next slice synchronously; an error is the reason the query cannot run. */
  step(): { error: string } | { done: boolean };
  /**
   * Marks `op` RUNNING and builds the remaining slices, yielding to the event loop between them; then
   * the file, counts and COMPLETED (or FAILED with an error code) are recorded on `op`.
   */
  finishInto(op: BulkOperation): void;
}

export const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, ctx, info) => {
  if (source !== null && typeof source === "object" && info.fieldName in source) {
    const value = (source as Obj)[info.fieldName];
    return typeof value === "function" ? (value as (a: Args, c: ResolverContext, i: GraphQLResolveInfo) => unknown)(args, ctx, info) : value;
  }
  throw new GraphQLError(`${info.parentType.name}.${info.fieldName} is not simulated by the Shopify simulator`, {
    extensions: { code: "NOT_SIMULATED" },
  });
};

export const typeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (value) =>
  value !== null && typeof value === "object" && typeof (value as Obj).__typename === "string" ? ((value as Obj).__typename as string) : undefined;

// ------------------------------------------------------------------ connections

const encodeCursor = (key: string | number) => Buffer.from(`cursor:${key}`).toString("base64");
const decodeCursor = (cursor: string) => Buffer.from(cursor, "base64").toString("utf8").replace(/^cursor:/, "");

function connection<T>(items: T[], args: Args, ctx: ResolverContext, view: (item: T) => Obj, key: (item: T) => string | number): Obj {
  let list = args.reverse ? [...items].reverse() : items;
  if (typeof args.after === "string") {
    const k = decodeCursor(args.after);
    const i = list.findIndex((x) => String(key(x)) === k);
    list = list.slice(i + 1);
  }
  if (typeof args.before === "string") {
    const k = decodeCursor(args.before);
    const i = list.findIndex((x) => String(key(x)) === k);
    if (i >= 0) list = list.slice(0, i);
  }
  const total = list.length;
  let page = list;
  let hasNext = false;
  let hasPrevious = typeof args.after === "string";
  const slice = ctx.bulk ? ctx.bulkSlice : undefined;
  if (slice?.armed) {
    slice.armed = false;
    slice.total = total;
    page = list.slice(slice.offset, slice.offset + slice.limit);
  }
  if (!ctx.bulk) {
    const first = typeof args.first === "number" ? args.first : null;
    const last = typeof args.last === "number" ? args.last : null;
    if (first === null && last === null) throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    if ((first ?? 0) > 250 || (last ?? 0) > 250) throw new GraphQLError("The page size cannot exceed 250", { extensions: { code: "BAD_REQUEST" } });
    if (first !== null) {
      page = list.slice(0, first);
      hasNext = total > first;
    } else if (last !== null) {
      page = list.slice(Math.max(0, total - last));
      hasPrevious = total > last;
    }
  }
  const edges = page.map((item) => ({ cursor: encodeCursor(key(item)), node: view(item) }));
  return {
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: {
      hasNextPage: hasNext,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

function filtered<T>(items: T[], query: unknown, fields: Record<string, FieldAccessor<T>>, defaults: FieldAccessor<T>[]): T[] {
  try {
    return items.filter(searchPredicate(typeof query === "string" ? query : null, fields, defaults));
  } catch (e) {
    throw new GraphQLError((e as Error).message, { extensions: { code: "NOT_SIMULATED" } });
  }
}

// ------------------------------------------------------------------ views

const money = (minor: number, currency: string) => ({ amount: fromMinor(minor), currencyCode: currency });
const moneyBag = (minor: number, currency: string) => ({ shopMoney: money(minor, currency), presentmentMoney: money(minor, currency) });
const count = (n: number) => ({ count: n, precision: "EXACT" });

/**
 * Variants per SKU, rebuilt only when the variant set changes size (variants are only ever added;
 * a SKU is never edited in place), so `duplicateSkuCount` costs O(1) per item instead of O(variants).
 */
const skuCountCache = new WeakMap<Map<number, Variant>, { size: number; counts: Map<string, number> }>();
function skuCounts(variants: Map<number, Variant>): Map<string, number> {
  const cached = skuCountCache.get(variants);
  if (cached && cached.size === variants.size) return cached.counts;
  const counts = new Map<string, number>();
  for (const v of variants.values()) if (v.sku) counts.set(v.sku, (counts.get(v.sku) ?? 0) + 1);
  skuCountCache.set(variants, { size: variants.size, counts });
  return counts;
}

export class Views {
  constructor(private readonly s: ShopState) {}

  private metafieldsOf(ownerGid: string): Obj {
    return {
      metafield: (a: Args) => {
        const mf = this.s.metafields.find((m) => m.ownerGid === ownerGid && m.key === a.key && m.namespace === (a.namespace ?? m.namespace));
        return mf ? this.metafield(mf) : null;
      },
      metafields: (a: Args, ctx: ResolverContext) =>
        connection(
          this.s.metafields.filter((m) => m.ownerGid === ownerGid && (!a.namespace || m.namespace === a.namespace)),
          a,
          ctx,
          (m) => this.metafield(m),
          (m) => m.id,
        ),
    };
  }

  metafield(m: Metafield): Obj {
    return {
      __typename: "Metafield",
      id: gid("Metafield", m.id),
      legacyResourceId: String(m.id),
      namespace: m.namespace,
      key: m.key,
      type: m.type,
      value: m.value,
      jsonValue: () => {
        try {
          return JSON.parse(m.value);
        } catch {
          return m.value;
        }
      },
      compareDigest: digest(m.value),
      createdAt: iso(m.createdAt),
      updatedAt: iso(m.updatedAt),
      ownerType: parseGid(m.ownerGid)?.type.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase() ?? null,
    };
  }

  shop(): Obj {
    return {
      __typename: "Shop",
      id: gid("Shop", 1),
      name: this.s.name,
      myshopifyDomain: this.s.domain,
      email: `owner@${this.s.domain}`,
      contactEmail: `owner@${this.s.domain}`,
      currencyCode: this.s.currency,
      ianaTimezone: "Europe/London",
      plan: { partnerDevelopment: true, publicDisplayName: "Development", shopifyPlus: false },
      ...this.metafieldsOf(gid("Shop", 1)),
    };
  }

  location(l: Location): Obj {
    return {
      __typename: "Location",
      id: gid("Location", l.id),
      legacyResourceId: String(l.id),
      name: l.name,
      isActive: l.isActive,
      activatable: !l.isActive,
      deactivatable: l.isActive,
      fulfillsOnlineOrders: l.fulfillsOnlineOrders,
      shipsInventory: true,
      hasActiveInventory: true,
      isFulfillmentService: false,
      fulfillmentService: null,
      createdAt: iso(l.createdAt),
      updatedAt: iso(l.createdAt),
      address: { address1: null, address2: null, city: null, country: "United Kingdom", countryCode: "GB", formatted: ["United Kingdom"], latitude: null, longitude: null, phone: null, province: null, provinceCode: null, zip: null },
      inventoryLevel: (a: Args) => {
        const itemId = idOf(a.inventoryItemId as string, "InventoryItem");
        const level = itemId === null ? undefined : this.s.levels.get(`${itemId}:${l.id}`);
        return level ? this.level(level) : null;
      },
      inventoryLevels: (a: Args, ctx: ResolverContext) =>
        connection([...this.s.levels.values()].filter((lv) => lv.locationId === l.id), a, ctx, (lv) => this.level(lv), (lv) => `${lv.itemId}:${lv.locationId}`),
      ...this.metafieldsOf(gid("Location", l.id)),
    };
  }

  product(p: Product): Obj {
    return {
      __typename: "Product",
      id: gid("Product", p.id),
      legacyResourceId: String(p.id),
      title: p.title,
      handle: p.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
      tags: p.tags,
      status: "ACTIVE",
      createdAt: iso(p.createdAt),
      updatedAt: iso(p.updatedAt),
      tracksInventory: p.variantIds.some((id) => this.s.items.get(this.s.variants.get(id)?.inventoryItemId ?? -1)?.tracked),
      totalInventory: p.variantIds.reduce((sum, id) => sum + this.availableTotal(this.s.variants.get(id)), 0),
      hasOnlyDefaultVariant: p.variantIds.length === 1,
      variants: (a: Args, ctx: ResolverContext) =>
        connection(p.variantIds.map((id) => this.s.variants.get(id)).filter((v): v is Variant => !!v), a, ctx, (v) => this.variant(v), (v) => v.id),
      variantsCount: count(p.variantIds.length),
      ...this.metafieldsOf(gid("Product", p.id)),
    };
  }

  private availableTotal(v: Variant | undefined): number {
    if (!v) return 0;
    let total = 0;
    for (const l of this.s.locations.values()) total += this.s.levels.get(`${v.inventoryItemId}:${l.id}`)?.q.available ?? 0;
    return total;
  }

  variant(v: Variant): Obj {
    const product = this.s.products.get(v.productId);
    return {
      __typename: "ProductVariant",
      id: gid("ProductVariant", v.id),
      legacyResourceId: String(v.id),
      sku: v.sku,
      barcode: v.barcode,
      title: v.title,
      displayName: `${product?.title ?? ""} - ${v.title}`,
      price: fromMinor(v.priceMinor),
      compareAtPrice: null,
      inventoryPolicy: v.inventoryPolicy,
      inventoryQuantity: this.availableTotal(v),
      availableForSale: v.inventoryPolicy === "CONTINUE" || this.availableTotal(v) > 0,
      createdAt: iso(v.createdAt),
      updatedAt: iso(v.updatedAt),
      inventoryItem: () => this.item(this.s.items.get(v.inventoryItemId) as InventoryItem),
      product: () => (product ? this.product(product) : null),
      ...this.metafieldsOf(gid("ProductVariant", v.id)),
    };
  }

  item(i: InventoryItem): Obj {
    const variant = this.s.variants.get(i.variantId);
    const levels = () => [...this.s.locations.values()].map((l) => this.s.levels.get(`${i.id}:${l.id}`)).filter((lv): lv is Level => !!lv);
    return {
      __typename: "InventoryItem",
      id: gid("InventoryItem", i.id),
      legacyResourceId: String(i.id),
      sku: variant?.sku ?? null,
      tracked: i.tracked,
      requiresShipping: true,
      createdAt: iso(i.createdAt),
      updatedAt: iso(i.updatedAt),
      // Lazy and indexed: a bulk query over every item would otherwise scan every variant per item.
      duplicateSkuCount: () => (variant?.sku ? skuCounts(this.s.variants).get(variant.sku)! - 1 : 0),
      locationsCount: () => count(levels().length),
      variant: () => (variant ? this.variant(variant) : null),
      inventoryLevel: (a: Args) => {
        const locationId = idOf(a.locationId as string, "Location");
        const level = locationId === null ? undefined : this.s.levels.get(`${i.id}:${locationId}`);
        return level ? this.level(level) : null;
      },
      inventoryLevels: (a: Args, ctx: ResolverContext) => connection(levels(), a, ctx, (lv) => this.level(lv), (lv) => lv.locationId),
    };
  }

  level(lv: Level): Obj {
    const location = this.s.locations.get(lv.locationId);
    return {
      __typename: "InventoryLevel",
      id: `${gid("InventoryLevel", lv.locationId)}?inventory_item_id=${lv.itemId}`,
      isActive: true,
      canDeactivate: true,
      deactivationAlert: null,
      createdAt: iso(lv.createdAt),
      updatedAt: iso(lv.updatedAt),
      item: () => this.item(this.s.items.get(lv.itemId) as InventoryItem),
      location: () => (location ? this.location(location) : null),
      quantities: (a: Args) =>
        (a.names as string[]).map((name) => {
          if (!(QUANTITY_NAMES as readonly string[]).includes(name)) {
            throw new GraphQLError(`The quantity name '${name}' is invalid. Valid names: ${QUANTITY_NAMES.join(", ")}`, { extensions: { code: "BAD_REQUEST" } });
          }
          return {
            __typename: "InventoryQuantity",
            id: `gid://shopify/InventoryQuantity/${lv.locationId}?inventory_item_id=${lv.itemId}&name=${name}`,
            name,
            quantity: lv.q[name as keyof Level["q"]],
            updatedAt: iso(lv.updatedAt),
          };
        }),
    };
  }

  address(a: Order["shippingAddress"]): Obj | null {
    if (!a) return null;
    return {
      __typename: "MailingAddress",
      id: gid("MailingAddress", 1),
      ...a,
      name: [a.firstName, a.lastName].filter(Boolean).join(" ") || null,
      countryCodeV2: a.countryCode,
      country: a.countryCode,
      province: a.provinceCode,
      formatted: [a.address1, a.address2, a.city, a.zip, a.countryCode].filter((x): x is string => !!x),
      coordinatesValidated: false,
      latitude: null,
      longitude: null,
    };
  }

  lineItem(o: Order, l: LineItem): Obj {
    const variant = l.variantId === null ? undefined : this.s.variants.get(l.variantId);
    const product = variant ? this.s.products.get(variant.productId) : undefined;
    const current = l.quantity - l.refunded;
    return {
      __typename: "LineItem",
      id: gid("LineItem", l.id),
      name: l.title,
      title: l.title,
      sku: l.sku,
      quantity: l.quantity,
      currentQuantity: current,
      unfulfilledQuantity: Math.max(0, current - l.fulfilled),
      refundableQuantity: current,
      nonFulfillableQuantity: l.refunded,
      requiresShipping: true,
      restockable: true,
      isGiftCard: false,
      taxable: true,
      variantTitle: variant?.title ?? null,
      vendor: null,
      customAttributes: l.properties.map((p) => ({ key: p.name, value: p.value })),
      variant: () => (variant ? this.variant(variant) : null),
      product: () => (product ? this.product(product) : null),
      originalUnitPriceSet: moneyBag(l.priceMinor, o.currency),
      discountedUnitPriceSet: moneyBag(l.priceMinor, o.currency),
      discountedUnitPriceAfterAllDiscountsSet: moneyBag(l.priceMinor, o.currency),
      originalTotalSet: moneyBag(l.priceMinor * l.quantity, o.currency),
      discountedTotalSet: moneyBag(l.priceMinor * l.quantity, o.currency),
      totalDiscountSet: moneyBag(0, o.currency),
    };
  }

  transaction(o: Order, t: Transaction): Obj {
    return {
      __typename: "OrderTransaction",
      id: gid("OrderTransaction", t.id),
      kind: t.kind,
      status: t.status,
      gateway: t.gateway,
      formattedGateway: t.gateway,
      test: o.test,
      manualPaymentGateway: t.gateway === "manual",
      processedAt: iso(t.createdAt),
      createdAt: iso(t.createdAt),
      amountSet: moneyBag(t.amountMinor, o.currency),
      parentTransaction: () => {
        const parent = o.transactions.find((x) => x.id === t.parentId);
        return parent ? this.transaction(o, parent) : null;
      },
      order: () => this.order(o),
    };
  }

  order(o: Order): Obj {
    const fos = () => o.fulfillmentOrderIds.map((id) => this.s.fulfillmentOrders.get(id)).filter((f): f is FulfillmentOrder => !!f);
    const total = orderTotalMinor(o);
    const refunded = refundedMinor(this.s, o);
    const shipping = o.shippingLines.reduce((s, l) => s + l.priceMinor, 0);
    const subtotal = o.lines.reduce((s, l) => s + l.priceMinor * l.quantity, 0);
    const currentSubtotal = o.lines.reduce((s, l) => s + l.priceMinor * (l.quantity - l.refunded), 0);
    const paid = o.transactions.filter((t) => t.kind === "SALE" && t.status === "SUCCESS").reduce((s, t) => s + t.amountMinor, 0);
    return {
      __typename: "Order",
      id: gid("Order", o.id),
      legacyResourceId: String(o.id),
      name: o.name,
      email: o.email,
      phone: o.phone,
      note: o.note,
      tags: o.tags,
      sourceName: o.sourceName,
      sourceIdentifier: o.sourceIdentifier,
      currencyCode: o.currency,
      presentmentCurrencyCode: o.currency,
      test: o.test,
      confirmed: true,
      closed: o.closedAt !== null,
      displayFinancialStatus: o.financialStatus,
      displayFulfillmentStatus: fulfillmentStatusOf(o),
      fullyPaid: o.financialStatus === "PAID",
      cancelledAt: o.cancelledAt ? iso(o.cancelledAt) : null,
      cancelReason: o.cancelReason,
      closedAt: o.closedAt ? iso(o.closedAt) : null,
      createdAt: iso(o.createdAt),
      updatedAt: iso(o.updatedAt),
      processedAt: iso(o.processedAt),
      customAttributes: o.customAttributes,
      shippingAddress: this.address(o.shippingAddress),
      billingAddress: this.address(o.billingAddress),
      subtotalLineItemsQuantity: o.lines.reduce((s, l) => s + l.quantity, 0),
      currentSubtotalLineItemsQuantity: o.lines.reduce((s, l) => s + l.quantity - l.refunded, 0),
      totalPriceSet: moneyBag(total, o.currency),
      currentTotalPriceSet: moneyBag(currentSubtotal + shipping, o.currency),
      subtotalPriceSet: moneyBag(subtotal, o.currency),
      currentSubtotalPriceSet: moneyBag(currentSubtotal, o.currency),
      totalShippingPriceSet: moneyBag(shipping, o.currency),
      totalRefundedSet: moneyBag(refunded, o.currency),
      totalReceivedSet: moneyBag(paid, o.currency),
      netPaymentSet: moneyBag(paid - refunded, o.currency),
      totalOutstandingSet: moneyBag(Math.max(0, total - paid), o.currency),
      totalTaxSet: moneyBag(0, o.currency),
      currentTotalTaxSet: moneyBag(0, o.currency),
      totalDiscountsSet: moneyBag(0, o.currency),
      shippingLine: o.shippingLines[0]
        ? { title: o.shippingLines[0].title, code: o.shippingLines[0].code, originalPriceSet: moneyBag(o.shippingLines[0].priceMinor, o.currency) }
        : null,
      shippingLines: (a: Args, ctx: ResolverContext) =>
        connection(o.shippingLines.map((l, i) => ({ l, i })), a, ctx, ({ l }) => ({ title: l.title, code: l.code, custom: true, isRemoved: false, source: null, originalPriceSet: moneyBag(l.priceMinor, o.currency), discountedPriceSet: moneyBag(l.priceMinor, o.currency), currentDiscountedPriceSet: moneyBag(l.priceMinor, o.currency) }), ({ i }) => i),
      lineItems: (a: Args, ctx: ResolverContext) => connection(o.lines, a, ctx, (l) => this.lineItem(o, l), (l) => l.id),
      fulfillmentOrders: (a: Args, ctx: ResolverContext) => connection(fos(), a, ctx, (fo) => this.fulfillmentOrder(fo), (fo) => fo.id),
      fulfillments: (a: Args) =>
        o.fulfillmentIds
          .map((id) => this.s.fulfillments.get(id))
          .filter((f): f is Fulfillment => !!f)
          .slice(0, typeof a.first === "number" ? a.first : undefined)
          .map((f) => this.fulfillment(f)),
      fulfillmentsCount: count(o.fulfillmentIds.length),
      refunds: (a: Args) =>
        o.refundIds
          .map((id) => this.s.refunds.get(id))
          .filter((r): r is Refund => !!r)
          .slice(0, typeof a.first === "number" ? a.first : undefined)
          .map((r) => this.refund(r)),
      transactions: (a: Args) => o.transactions.slice(0, typeof a.first === "number" ? a.first : undefined).map((t) => this.transaction(o, t)),
      ...this.metafieldsOf(gid("Order", o.id)),
    };
  }

  fulfillmentOrder(fo: FulfillmentOrder): Obj {
    const order = this.s.orders.get(fo.orderId) as Order;
    const location = this.s.locations.get(fo.locationId);
    return {
      __typename: "FulfillmentOrder",
      id: gid("FulfillmentOrder", fo.id),
      status: fo.status,
      requestStatus: "UNSUBMITTED",
      orderId: gid("Order", fo.orderId),
      orderName: order.name,
      orderProcessedAt: iso(order.processedAt),
      createdAt: iso(fo.createdAt),
      updatedAt: iso(fo.updatedAt),
      fulfillAt: null,
      fulfillBy: null,
      fulfillmentHolds: [],
      order: () => this.order(order),
      assignedLocation: {
        name: location?.name ?? "",
        countryCode: "GB",
        address1: null,
        address2: null,
        city: null,
        province: null,
        zip: null,
        phone: null,
        location: () => (location ? this.location(location) : null),
      },
      destination: () => {
        const a = order.shippingAddress;
        if (!a) return null;
        return { __typename: "FulfillmentOrderDestination", id: gid("FulfillmentOrderDestination", fo.id), ...a, countryCode: a.countryCode, province: a.provinceCode, email: order.email };
      },
      lineItems: (a: Args, ctx: ResolverContext) =>
        connection(fo.lines, a, ctx, (line) => {
          const orderLine = order.lines.find((l) => l.id === line.lineItemId) as LineItem;
          const variant = orderLine.variantId === null ? undefined : this.s.variants.get(orderLine.variantId);
          return {
            __typename: "FulfillmentOrderLineItem",
            id: gid("FulfillmentOrderLineItem", line.id),
            remainingQuantity: line.remainingQuantity,
            totalQuantity: line.totalQuantity,
            sku: orderLine.sku,
            productTitle: orderLine.title,
            variantTitle: variant?.title ?? null,
            requiresShipping: true,
            inventoryItemId: variant ? gid("InventoryItem", variant.inventoryItemId) : null,
            lineItem: () => this.lineItem(order, orderLine),
            variant: () => (variant ? this.variant(variant) : null),
          };
        }, (line) => line.id),
    };
  }

  fulfillment(f: Fulfillment): Obj {
    const order = this.s.orders.get(f.orderId) as Order;
    const location = this.s.locations.get(f.locationId);
    return {
      __typename: "Fulfillment",
      id: gid("Fulfillment", f.id),
      legacyResourceId: String(f.id),
      name: f.name,
      status: f.status,
      displayStatus: f.status === "SUCCESS" ? "FULFILLED" : "CANCELED",
      createdAt: iso(f.createdAt),
      updatedAt: iso(f.updatedAt),
      deliveredAt: null,
      inTransitAt: null,
      estimatedDeliveryAt: null,
      requiresShipping: true,
      totalQuantity: f.lines.reduce((s, l) => s + l.quantity, 0),
      order: () => this.order(order),
      location: () => (location ? this.location(location) : null),
      trackingInfo: (a: Args) => f.tracking.slice(0, typeof a.first === "number" ? a.first : undefined),
      fulfillmentLineItems: (a: Args, ctx: ResolverContext) =>
        connection(f.lines, a, ctx, (fl) => {
          const line = order.lines.find((l) => l.id === fl.lineItemId) as LineItem;
          return {
            __typename: "FulfillmentLineItem",
            id: gid("FulfillmentLineItem", fl.id),
            quantity: fl.quantity,
            lineItem: () => this.lineItem(order, line),
            originalTotalSet: moneyBag(line.priceMinor * fl.quantity, order.currency),
            discountedTotalSet: moneyBag(line.priceMinor * fl.quantity, order.currency),
          };
        }, (fl) => fl.id),
    };
  }

  refund(r: Refund): Obj {
    const order = this.s.orders.get(r.orderId) as Order;
    const total = r.transactions.filter((t) => t.status === "SUCCESS").reduce((s, t) => s + t.amountMinor, 0);
    return {
      __typename: "Refund",
      id: gid("Refund", r.id),
      legacyResourceId: String(r.id),
      note: r.note,
      createdAt: iso(r.createdAt),
      processedAt: iso(r.createdAt),
      updatedAt: iso(r.createdAt),
      order: () => this.order(order),
      totalRefundedSet: moneyBag(total, order.currency),
      refundLineItems: (a: Args, ctx: ResolverContext) =>
        connection(r.lines, a, ctx, (rl) => {
          const line = order.lines.find((l) => l.id === rl.lineItemId) as LineItem;
          const location = rl.locationId === null ? undefined : this.s.locations.get(rl.locationId);
          return {
            id: gid("RefundLineItem", rl.id),
            quantity: rl.quantity,
            restockType: rl.restockType,
            restocked: rl.restocked,
            lineItem: () => this.lineItem(order, line),
            location: () => (location ? this.location(location) : null),
            priceSet: moneyBag(line.priceMinor, order.currency),
            subtotalSet: moneyBag(rl.subtotalMinor, order.currency),
            totalTaxSet: moneyBag(0, order.currency),
          };
        }, (rl) => rl.id),
      transactions: (a: Args, ctx: ResolverContext) => connection(r.transactions, a, ctx, (t) => this.transaction(order, t), (t) => t.id),
    };
  }

  bulkOperation(b: BulkOperation, ctx: ResolverContext): Obj {
    // A built file is held back until `completeAt`, so tests can watch an operation run.
    const status = b.status === "COMPLETED" && ctx.store.now() < b.completeAt ? "RUNNING" : b.status;
    return {
      __typename: "BulkOperation",
      id: gid("BulkOperation", b.id),
      status,
      type: "QUERY",
      query: b.query,
      errorCode: b.errorCode,
      createdAt: iso(b.createdAt),
      completedAt: status === "COMPLETED" ? iso(b.completeAt) : null,
      // Shopify's counts grow while the operation runs.
      objectCount: String(b.objectCount),
      rootObjectCount: String(b.rootObjectCount),
      fileSize: status === "COMPLETED" && b.objectCount > 0 ? String(Buffer.byteLength(b.jsonl)) : null,
      // Shopify gives no URL when the query matched nothing.
      url: status === "COMPLETED" && b.objectCount > 0 ? ctx.bulkUrl(b.id) : null,
      partialDataUrl: null,
    };
  }

  inventoryChange(c: InventoryChangeRecord): Obj {
    const item = this.s.items.get(c.itemId);
    const location = this.s.locations.get(c.locationId);
    return {
      name: c.name,
      delta: c.delta,
      quantityAfterChange: c.quantityAfterChange,
      ledgerDocumentUri: c.ledgerDocumentUri,
      item: () => (item ? this.item(item) : null),
      location: () => (location ? this.location(location) : null),
    };
  }

  /** Any object by gid, for `node`/`nodes` and `tagsAdd`. */
  node(id: string, ctx: ResolverContext): Obj | null {
    const p = parseGid(id);
    if (!p) return null;
    const s = this.s;
    switch (p.type) {
      case "ProductVariant": {
        const v = s.variants.get(p.id);
        return v ? this.variant(v) : null;
      }
      case "Product": {
        const x = s.products.get(p.id);
        return x ? this.product(x) : null;
      }
      case "InventoryItem": {
        const x = s.items.get(p.id);
        return x ? this.item(x) : null;
      }
      case "InventoryLevel": {
        const itemId = Number(p.params.get("inventory_item_id"));
        const x = s.levels.get(`${itemId}:${p.id}`);
        return x ? this.level(x) : null;
      }
      case "Location": {
        const x = s.locations.get(p.id);
        return x ? this.location(x) : null;
      }
      case "Order": {
        const x = s.orders.get(p.id);
        return x ? this.order(x) : null;
      }
      case "FulfillmentOrder": {
        const x = s.fulfillmentOrders.get(p.id);
        return x ? this.fulfillmentOrder(x) : null;
      }
      case "Fulfillment": {
        const x = s.fulfillments.get(p.id);
        return x ? this.fulfillment(x) : null;
      }
      case "Refund": {
        const x = s.refunds.get(p.id);
        return x ? this.refund(x) : null;
      }
      case "BulkOperation": {
        const x = s.bulkOperations.get(p.id);
        return x ? this.bulkOperation(x, ctx) : null;
      }
      case "Metafield": {
        const x = s.metafields.find((m) => m.id === p.id);
        return x ? this.metafield(x) : null;
      }
      default:
        return null;
    }
  }
}

export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

// ------------------------------------------------------------------ idempotency

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Obj)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Runs a mutation under Shopify's `@idempotent(key:)` rules: required for the 2026-04 list, a
 * repeated key with the same arguments returns the first payload without running again, and a
 * key reused with other arguments is refused (`mismatch` builds that answer for the mutation).
 */
function idempotent(args: Args, ctx: ResolverContext, info: GraphQLResolveInfo, run: () => Obj, mismatch: () => Obj): Obj {
  const directive = info.schema.getDirective("idempotent");
  const values = directive ? getDirectiveValues(directive, info.fieldNodes[0], info.variableValues) : undefined;
  const key = typeof values?.key === "string" ? values.key : undefined;
  if (key === undefined) {
    if (mutationsRequiringIdempotency(info.schema).has(info.fieldName)) {
      throw new GraphQLError(`The @idempotent directive is required for ${info.fieldName} as of API version 2026-04. Provide a unique key per logical operation, e.g. @idempotent(key: $idempotencyKey).`, {
        extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" },
      });
    }
    return run();
  }
  if (!key.trim()) {
    throw new GraphQLError("The idempotency key cannot be an empty string or whitespace only.", { extensions: { code: "BAD_REQUEST" } });
  }
  const fingerprint = canonical(args);
  const seen = ctx.shop.idempotency.get(key);
  if (seen) {
    if (seen.field === info.fieldName && seen.fingerprint === fingerprint) return seen.payload as Obj;
    return mismatch();
  }
  const payload = run();
  ctx.shop.idempotency.set(key, { field: info.fieldName, fingerprint, payload });
  return payload;
}

const MISMATCH_MESSAGE = "The same idempotency key cannot be used with different operation parameters.";

// ------------------------------------------------------------------ root

const variantFields: Record<string, FieldAccessor<Variant>> = {
  sku: (v) => v.sku,
  barcode: (v) => v.barcode,
  id: (v) => v.id,
  product_id: (v) => v.productId,
  title: (v) => v.title,
  updated_at: (v) => iso(v.updatedAt),
  created_at: (v) => iso(v.createdAt),
};

export function createRootValue(schema: GraphQLSchema): Obj {
  void schema;
  const views = (ctx: ResolverContext) => new Views(ctx.shop);
  const orderFields = (s: ShopState): Record<string, FieldAccessor<Order>> => ({
    source_identifier: (o) => o.sourceIdentifier,
    source_name: (o) => o.sourceName,
    tag: (o) => o.tags,
    tag_not: (o) => o.tags,
    name: (o) => [o.name, o.name.replace(/^#/, "")],
    id: (o) => o.id,
    email: (o) => o.email,
    sku: (o) => o.lines.map((l) => l.sku).filter((x): x is string => x !== null),
    financial_status: (o) => o.financialStatus.toLowerCase(),
    fulfillment_status: (o) => ({ FULFILLED: "shipped", PARTIALLY_FULFILLED: "partial", UNFULFILLED: "unshipped" })[fulfillmentStatusOf(o)],
    status: (o) => (o.cancelledAt ? "cancelled" : o.closedAt ? "closed" : "open"),
    updated_at: (o) => iso(o.updatedAt),
    created_at: (o) => iso(o.createdAt),
    processed_at: (o) => iso(o.processedAt),
    test: (o) => String(o.test),
    ...Object.fromEntries(
      [...new Set(s.metafields.filter((m) => m.ownerGid.startsWith("gid://shopify/Order/")).map((m) => `metafields.${m.namespace}.${m.key}`))].map((k) => [
        k,
        (o: Order) => s.metafields.find((m) => m.ownerGid === gid("Order", o.id) && `metafields.${m.namespace}.${m.key}` === k)?.value ?? null,
      ]),
    ),
  });

  return {
    // ---------------- queries
    shop: (_a: Args, ctx: ResolverContext) => views(ctx).shop(),
    node: (a: Args, ctx: ResolverContext) => views(ctx).node(a.id as string, ctx),
    nodes: (a: Args, ctx: ResolverContext) => (a.ids as string[]).map((id) => views(ctx).node(id, ctx)),
    productVariant: (a: Args, ctx: ResolverContext) => {
      const v = ctx.shop.variants.get(idOf(a.id as string, "ProductVariant") ?? -1);
      return v ? views(ctx).variant(v) : null;
    },
    productVariants: (a: Args, ctx: ResolverContext) =>
      connection(filtered([...ctx.shop.variants.values()], a.query, variantFields, [(v) => v.sku, (v) => v.title, (v) => v.barcode]), a, ctx, (v) => views(ctx).variant(v), (v) => v.id),
    product: (a: Args, ctx: ResolverContext) => {
      const p = ctx.shop.products.get(idOf(a.id as string, "Product") ?? -1);
      return p ? views(ctx).product(p) : null;
    },
    products: (a: Args, ctx: ResolverContext) =>
      connection(
        filtered([...ctx.shop.products.values()], a.query, { title: (p) => p.title, tag: (p) => p.tags, id: (p) => p.id, sku: (p) => p.variantIds.map((id) => ctx.shop.variants.get(id)?.sku ?? "") }, [(p) => p.title]),
        a,
        ctx,
        (p) => views(ctx).product(p),
        (p) => p.id,
      ),
    inventoryItem: (a: Args, ctx: ResolverContext) => {
      const i = ctx.shop.items.get(idOf(a.id as string, "InventoryItem") ?? -1);
      return i ? views(ctx).item(i) : null;
    },
    inventoryItems: (a: Args, ctx: ResolverContext) =>
      connection(
        filtered(
          [...ctx.shop.items.values()],
          a.query,
          { sku: (i) => ctx.shop.variants.get(i.variantId)?.sku, id: (i) => i.id, updated_at: (i) => iso(i.updatedAt), created_at: (i) => iso(i.createdAt) },
          [(i) => ctx.shop.variants.get(i.variantId)?.sku],
        ),
        a,
        ctx,
        (i) => views(ctx).item(i),
        (i) => i.id,
      ),
    location: (a: Args, ctx: ResolverContext) => {
      const l = a.id ? ctx.shop.locations.get(idOf(a.id as string, "Location") ?? -1) : [...ctx.shop.locations.values()][0];
      return l ? views(ctx).location(l) : null;
    },
    locations: (a: Args, ctx: ResolverContext) =>
      connection(
        filtered(
          [...ctx.shop.locations.values()].filter((l) => l.isActive || a.includeInactive),
          a.query,
          { name: (l) => l.name, id: (l) => l.id, active: (l) => String(l.isActive) },
          [(l) => l.name],
        ),
        a,
        ctx,
        (l) => views(ctx).location(l),
        (l) => l.id,
      ),
    order: (a: Args, ctx: ResolverContext) => {
      const o = ctx.shop.orders.get(idOf(a.id as string, "Order") ?? -1);
      return o ? views(ctx).order(o) : null;
    },
    orders: (a: Args, ctx: ResolverContext) =>
      connection(
        filtered([...ctx.shop.orders.values()], a.query, orderFields(ctx.shop), [(o) => o.name, (o) => o.email, (o) => o.sourceIdentifier]),
        a,
        ctx,
        (o) => views(ctx).order(o),
        (o) => o.id,
      ),
    orderByIdentifier: (a: Args, ctx: ResolverContext) => {
      const identifier = a.identifier as { id?: string | null; customId?: { namespace?: string | null; key: string; value: string } | null };
      if (identifier.id) {
        const o = ctx.shop.orders.get(idOf(identifier.id, "Order") ?? -1);
        return o ? views(ctx).order(o) : null;
      }
      const c = identifier.customId;
      if (!c) return null;
      const mf = ctx.shop.metafields.find(
        (m) => m.ownerGid.startsWith("gid://shopify/Order/") && m.key === c.key && m.value === c.value && (c.namespace ? m.namespace === c.namespace : true),
      );
      const o = mf ? ctx.shop.orders.get(idOf(mf.ownerGid, "Order") ?? -1) : undefined;
      return o ? views(ctx).order(o) : null;
    },
    fulfillmentOrder: (a: Args, ctx: ResolverContext) => {
      const fo = ctx.shop.fulfillmentOrders.get(idOf(a.id as string, "FulfillmentOrder") ?? -1);
      return fo ? views(ctx).fulfillmentOrder(fo) : null;
    },
    fulfillment: (a: Args, ctx: ResolverContext) => {
      const f = ctx.shop.fulfillments.get(idOf(a.id as string, "Fulfillment") ?? -1);
      return f ? views(ctx).fulfillment(f) : null;
    },
    refund: (a: Args, ctx: ResolverContext) => {
      const r = ctx.shop.refunds.get(idOf(a.id as string, "Refund") ?? -1);
      return r ? views(ctx).refund(r) : null;
    },
    bulkOperation: (a: Args, ctx: ResolverContext) => {
      const b = ctx.shop.bulkOperations.get(idOf(a.id as string, "BulkOperation") ?? -1);
      return b ? views(ctx).bulkOperation(b, ctx) : null;
    },

    // ---------------- mutations
    inventorySetQuantities: (a: Args, ctx: ResolverContext, info: GraphQLResolveInfo) =>
      idempotent(a, ctx, info, () => inventoryPayload(ctx, a, ctx.store.setQuantities(ctx.shop, a.input as Parameters<Store["setQuantities"]>[1])), () => ({
        inventoryAdjustmentGroup: null,
        userErrors: [{ field: null, message: MISMATCH_MESSAGE, code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }],
      })),
    inventoryAdjustQuantities: (a: Args, ctx: ResolverContext, info: GraphQLResolveInfo) =>
      idempotent(a, ctx, info, () => inventoryPayload(ctx, a, ctx.store.adjustQuantities(ctx.shop, a.input as Parameters<Store["adjustQuantities"]>[1])), () => ({
        inventoryAdjustmentGroup: null,
        userErrors: [{ field: null, message: MISMATCH_MESSAGE, code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }],
      })),
    orderCreate: (a: Args, ctx: ResolverContext, info: GraphQLResolveInfo) =>
      idempotent(a, ctx, info, () => {
        const options = (a.options ?? {}) as { inventoryBehaviour?: "BYPASS" | "DECREMENT_OBEYING_POLICY" | "DECREMENT_IGNORING_POLICY" | null };
        const { order, userErrors } = ctx.store.createOrder(ctx.shop, a.order as OrderInput, options.inventoryBehaviour ?? "BYPASS");
        return { order: order ? views(ctx).order(order) : null, userErrors };
      }, () => ({ order: null, userErrors: [{ field: null, message: MISMATCH_MESSAGE, code: "INVALID" }] })),
    fulfillmentCreate: (a: Args, ctx: ResolverContext, info: GraphQLResolveInfo) =>
      idempotent(a, ctx, info, () => {
        const { fulfillment, userErrors } = ctx.store.createFulfillment(ctx.shop, a.fulfillment as Parameters<Store["createFulfillment"]>[1]);
        return { fulfillment: fulfillment ? views(ctx).fulfillment(fulfillment) : null, userErrors: plain(userErrors) };
      }, () => ({ fulfillment: null, userErrors: [{ field: null, message: MISMATCH_MESSAGE }] })),
    fulfillmentTrackingInfoUpdate: (a: Args, ctx: ResolverContext) => {
      const { fulfillment, userErrors } = ctx.store.updateTracking(ctx.shop, a.fulfillmentId as string, a.trackingInfoInput as Parameters<Store["updateTracking"]>[2]);
      return { fulfillment: fulfillment ? views(ctx).fulfillment(fulfillment) : null, userErrors: plain(userErrors) };
    },
    orderCancel: (a: Args, ctx: ResolverContext) => {
      const { userErrors } = ctx.store.cancelOrder(ctx.shop, a.orderId as string, {
        reason: a.reason as string,
        restock: a.restock as boolean,
        refund: a.refund as boolean | null,
        staffNote: a.staffNote as string | null,
      });
      return {
        job: userErrors.length ? null : { id: gid("Job", ctx.store.nextId()), done: true, query: null },
        orderCancelUserErrors: userErrors,
      };
    },
    refundCreate: (a: Args, ctx: ResolverContext, info: GraphQLResolveInfo) =>
      idempotent(a, ctx, info, () => {
        const { refund, order, userErrors } = ctx.store.createRefund(ctx.shop, a.input as RefundInputShape);
        return { refund: refund ? views(ctx).refund(refund) : null, order: order ? views(ctx).order(order) : null, userErrors: plain(userErrors) };
      }, () => {
        // RefundCreatePayload's UserError has no code field, so the mismatch is a top-level error.
        throw new GraphQLError(MISMATCH_MESSAGE, { extensions: { code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" } });
      }),
    bulkOperationRunQuery: (a: Args, ctx: ResolverContext) => {
      const invalid = (message: string) => ({ bulkOperation: null, userErrors: [{ field: ["query"], message, code: "INVALID" }] });
      const build = ctx.prepareBulkQuery(a.query as string);
      if ("error" in build) return invalid(build.error);
      // The first slice runs here: a query that fails on its first objects (a field the simulator does
      // not model, say) is refused as before, and a small file is ready by the next request.
      const first = build.step();
      if ("error" in first) return invalid(first.error);
      const t = ctx.store.now();
      const op: BulkOperation = {
        id: ctx.store.nextId(),
        query: a.query as string,
        status: "CREATED",
        errorCode: null,
        createdAt: t,
        completeAt: t + ctx.bulkDurationMs,
        jsonl: "",
        objectCount: 0,
        rootObjectCount: 0,
      };
      // Shopify answers the mutation with the operation as created; its build runs after.
      const created = views(ctx).bulkOperation(op, ctx);
      ctx.shop.bulkOperations.set(op.id, op);
      build.finishInto(op);
      return { bulkOperation: created, userErrors: [] };
    },
    metafieldsSet: (a: Args, ctx: ResolverContext) => {
      const inputs = a.metafields as { ownerId: string; namespace?: string | null; key: string; type?: string | null; value: string; compareDigest?: string | null }[];
      const errors: (UserError & { elementIndex: number })[] = [];
      inputs.forEach((m, i) => {
        if (!views(ctx).node(m.ownerId, ctx)) errors.push({ field: ["metafields", String(i), "ownerId"], message: "Owner does not exist.", code: "INVALID", elementIndex: i });
        const existing = ctx.shop.metafields.find((x) => x.ownerGid === m.ownerId && x.key === m.key && x.namespace === (m.namespace ?? "$app"));
        if (!existing && !m.type) errors.push({ field: ["metafields", String(i), "type"], message: "Type can't be blank.", code: "BLANK", elementIndex: i });
        if (m.compareDigest !== undefined && m.compareDigest !== null && (!existing || digest(existing.value) !== m.compareDigest)) {
          errors.push({ field: ["metafields", String(i)], message: "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.", code: "STALE_OBJECT", elementIndex: i });
        }
      });
      if (errors.length) return { metafields: [], userErrors: errors };
      const t = ctx.store.now();
      const saved = inputs.map((m) => {
        const namespace = m.namespace ?? "$app";
        let mf = ctx.shop.metafields.find((x) => x.ownerGid === m.ownerId && x.key === m.key && x.namespace === namespace);
        if (mf) {
          mf.value = m.value;
          mf.type = m.type ?? mf.type;
          mf.updatedAt = t;
        } else {
          mf = { id: ctx.store.nextId(), ownerGid: m.ownerId, namespace, key: m.key, type: m.type as string, value: m.value, createdAt: t, updatedAt: t };
          ctx.shop.metafields.push(mf);
        }
        return views(ctx).metafield(mf);
      });
      return { metafields: saved, userErrors: [] };
    },
    tagsAdd: (a: Args, ctx: ResolverContext) => {
      const p = parseGid(a.id as string);
      const tags = a.tags as string[];
      if (p?.type === "Order" && ctx.shop.orders.has(p.id)) {
        const o = ctx.shop.orders.get(p.id) as Order;
        const before = o.tags.length;
        o.tags = normalizeTags([...o.tags, ...tags]);
        if (o.tags.length !== before) ctx.store.touchOrder(ctx.shop, o);
        return { node: views(ctx).order(o), userErrors: [] };
      }
      if (p?.type === "Product" && ctx.shop.products.has(p.id)) {
        const prod = ctx.shop.products.get(p.id) as Product;
        prod.tags = normalizeTags([...prod.tags, ...tags]);
        prod.updatedAt = ctx.store.now();
        return { node: views(ctx).product(prod), userErrors: [] };
      }
      return { node: null, userErrors: [{ field: ["id"], message: "Resource does not exist or cannot be tagged by the simulator" }] };
    },
  };
}

/** Payloads whose error type is the plain `UserError` (no `code`). */
function plain(errors: UserError[]): { field: string[] | null; message: string }[] {
  return errors.map((e) => ({ field: e.field, message: e.message }));
}

function inventoryPayload(ctx: ResolverContext, a: Args, result: { userErrors: UserError[]; changes: InventoryChangeRecord[] }): Obj {
  if (result.userErrors.length) return { inventoryAdjustmentGroup: null, userErrors: result.userErrors };
  const input = a.input as { reason: string; referenceDocumentUri?: string | null };
  const t = ctx.store.now();
  const id = ctx.store.nextId();
  const views = new Views(ctx.shop);
  return {
    inventoryAdjustmentGroup: {
      __typename: "InventoryAdjustmentGroup",
      id: gid("InventoryAdjustmentGroup", id),
      createdAt: iso(t),
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      app: null,
      staffMember: null,
      changes: (ca: Args) =>
        result.changes
          .filter((c) => !ca.quantityNames || (ca.quantityNames as string[]).includes(c.name))
          .filter((c) => !ca.inventoryItemIds || (ca.inventoryItemIds as string[]).includes(gid("InventoryItem", c.itemId)))
          .filter((c) => !ca.locationIds || (ca.locationIds as string[]).includes(gid("Location", c.locationId)))
          .map((c) => views.inventoryChange(c)),
    },
    userErrors: [],
  };
}
