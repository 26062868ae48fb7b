/**
 * The simulator's shops and the business rules the app relies on: inventory quantity states per
 * location, orders with fulfillment orders per location, fulfillments, refunds with restocks,
 * cancellations, metafields and tags. GraphQL resolvers and the control API both call these
 * operations, so an order sold "on Shopify" and one created through orderCreate behave the same.
 * Every state change that Shopify would announce is reported through `emit` (webhooks.ts sends it).
 */
import type { WebhookTopic } from "./control";

export const QUANTITY_NAMES = [
  "available",
  "committed",
  "damaged",
  "incoming",
  "on_hand",
  "quality_control",
  "reserved",
  "safety_stock",
] as const;
export type QuantityName = (typeof QUANTITY_NAMES)[number];
export type Quantities = Record<QuantityName, number>;
/** States that together with `available` make up `on_hand`. */
const ON_HAND_PARTS: QuantityName[] = ["available", "committed", "reserved", "damaged", "quality_control", "safety_stock"];

export interface Location {
  id: number;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  createdAt: number;
}
export interface Product {
  id: number;
  title: string;
  tags: string[];
  variantIds: number[];
  createdAt: number;
  updatedAt: number;
}
export interface Variant {
  id: number;
  productId: number;
  sku: string | null;
  barcode: string | null;
  title: string;
  priceMinor: number;
  inventoryItemId: number;
  inventoryPolicy: "DENY" | "CONTINUE";
  createdAt: number;
  updatedAt: number;
}
export interface InventoryItem {
  id: number;
  variantId: number;
  tracked: boolean;
  createdAt: number;
  updatedAt: number;
}
export interface Level {
  itemId: number;
  locationId: number;
  q: Quantities;
  createdAt: number;
  updatedAt: number;
}
export interface Address {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}
export interface LineItem {
  id: number;
  variantId: number | null;
  sku: string | null;
  title: string;
  quantity: number;
  priceMinor: number;
  fulfilled: number;
  refunded: number;
  properties: { name: string; value: string }[];
}
export interface FulfillmentOrderLine {
  id: number;
  lineItemId: number;
  totalQuantity: number;
  remainingQuantity: number;
}
export type FulfillmentOrderStatus = "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED";
export interface FulfillmentOrder {
  id: number;
  orderId: number;
  locationId: number;
  status: FulfillmentOrderStatus;
  lines: FulfillmentOrderLine[];
  createdAt: number;
  updatedAt: number;
}
export interface Tracking {
  company: string | null;
  number: string | null;
  url: string | null;
}
export interface Fulfillment {
  id: number;
  orderId: number;
  locationId: number;
  name: string;
  status: "SUCCESS" | "CANCELLED";
  tracking: Tracking[];
  lines: { id: number; lineItemId: number; quantity: number }[];
  createdAt: number;
  updatedAt: number;
}
export interface Transaction {
  id: number;
  kind: string;
  status: string;
  gateway: string;
  amountMinor: number;
  parentId: number | null;
  createdAt: number;
}
export interface Refund {
  id: number;
  orderId: number;
  note: string | null;
  lines: {
    id: number;
    lineItemId: number;
    quantity: number;
    restockType: "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK";
    locationId: number | null;
    restocked: boolean;
    subtotalMinor: number;
  }[];
  transactions: Transaction[];
  shippingMinor: number;
  createdAt: number;
}
export interface Order {
  id: number;
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  sourceName: string | null;
  sourceIdentifier: string | null;
  currency: string;
  financialStatus: string;
  lines: LineItem[];
  shippingLines: { title: string; code: string | null; priceMinor: number }[];
  shippingAddress: Address | null;
  billingAddress: Address | null;
  customAttributes: { key: string; value: string }[];
  transactions: Transaction[];
  test: boolean;
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  processedAt: number;
  createdAt: number;
  updatedAt: number;
  fulfillmentOrderIds: number[];
  fulfillmentIds: number[];
  refundIds: number[];
}
export interface Metafield {
  id: number;
  ownerGid: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: number;
  updatedAt: number;
}
/** A bulk query operation; its file is built in slices (bulk.ts) while `status` is RUNNING. */
export interface BulkOperation {
  id: number;
  query: string;
  /** The build's state. A COMPLETED build is reported RUNNING until `completeAt` has passed. */
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED";
  /** A BulkOperationErrorCode when FAILED. */
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  createdAt: number;
  completeAt: number;
  /** The whole file, set when the build completes. */
  jsonl: string;
  /** Rows and root rows written so far. */
  objectCount: number;
  rootObjectCount: number;
}

export interface ShopState {
  domain: string;
  name: string;
  currency: string;
  locations: Map<number, Location>;
  products: Map<number, Product>;
  variants: Map<number, Variant>;
  items: Map<number, InventoryItem>;
  levels: Map<string, Level>;
  orders: Map<number, Order>;
  fulfillmentOrders: Map<number, FulfillmentOrder>;
  fulfillments: Map<number, Fulfillment>;
  refunds: Map<number, Refund>;
  metafields: Metafield[];
  bulkOperations: Map<number, BulkOperation>;
  /** `@idempotent` keys: mutation field, fingerprint of its arguments, the first payload. */
  idempotency: Map<string, { field: string; fingerprint: string; payload: unknown }>;
  orderNumber: number;
}

/** A user error as Shopify returns it inside a mutation payload. */
export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export type Emit = (shop: ShopState, topic: WebhookTopic, payload: Record<string, unknown>) => void;

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/;
export function parseGid(value: string): { type: string; id: number; params: URLSearchParams } | null {
  const m = GID.exec(value);
  return m ? { type: m[1], id: Number(m[2]), params: new URLSearchParams(m[3] ?? "") } : null;
}
/** The numeric id of a gid of the expected type, or null. */
export function idOf(value: string | null | undefined, type: string): number | null {
  if (!value) return null;
  const p = parseGid(value);
  return p && p.type === type ? p.id : null;
}

export function toMinor(amount: string | number): number {
  return Math.round(Number(amount) * 100);
}
export function fromMinor(minor: number): string {
  return (minor / 100).toFixed(2);
}
export const iso = (ms: number) => new Date(ms).toISOString();

const emptyQuantities = (): Quantities => ({
  available: 0,
  committed: 0,
  damaged: 0,
  incoming: 0,
  on_hand: 0,
  quality_control: 0,
  reserved: 0,
  safety_stock: 0,
});

export const levelKey = (itemId: number, locationId: number) => `${itemId}:${locationId}`;

export class Store {
  readonly shops = new Map<string, ShopState>();
  private counter = 1_000_000;

  constructor(
    readonly now: () => number,
    private readonly emit: Emit,
  ) {}

  nextId(): number {
    return ++this.counter;
  }

  reset(): void {
    this.shops.clear();
  }

  shop(domain: string): ShopState {
    const s = this.shops.get(domain);
    if (!s) throw new Error(`No simulated shop "${domain}"; seed it first`);
    return s;
  }

  createShop(domain: string, name: string, currency: string): ShopState {
    const shop: ShopState = {
      domain,
      name,
      currency,
      locations: new Map(),
      products: new Map(),
      variants: new Map(),
      items: new Map(),
      levels: new Map(),
      orders: new Map(),
      fulfillmentOrders: new Map(),
      fulfillments: new Map(),
      refunds: new Map(),
      metafields: [],
      bulkOperations: new Map(),
      idempotency: new Map(),
      orderNumber: 1000,
    };
    this.shops.set(domain, shop);
    return shop;
  }

  addLocation(shop: ShopState, name: string, fulfillsOnlineOrders = true): Location {
    const loc: Location = { id: this.nextId(), name, isActive: true, fulfillsOnlineOrders, createdAt: this.now() };
    shop.locations.set(loc.id, loc);
    return loc;
  }

  addProduct(
    shop: ShopState,
    title: string,
    tags: string[],
    variants: { sku: string | null; barcode: string | null; title: string; priceMinor: number; tracked: boolean; inventoryPolicy: "DENY" | "CONTINUE"; stock: Map<number, number> }[],
  ): { product: Product; variants: Variant[] } {
    const t = this.now();
    const product: Product = { id: this.nextId(), title, tags, variantIds: [], createdAt: t, updatedAt: t };
    shop.products.set(product.id, product);
    const created: Variant[] = [];
    for (const v of variants) {
      const variant: Variant = {
        id: this.nextId(),
        productId: product.id,
        sku: v.sku,
        barcode: v.barcode,
        title: v.title,
        priceMinor: v.priceMinor,
        inventoryItemId: this.nextId(),
        inventoryPolicy: v.inventoryPolicy,
        createdAt: t,
        updatedAt: t,
      };
      shop.variants.set(variant.id, variant);
      shop.items.set(variant.inventoryItemId, { id: variant.inventoryItemId, variantId: variant.id, tracked: v.tracked, createdAt: t, updatedAt: t });
      product.variantIds.push(variant.id);
      for (const loc of shop.locations.values()) {
        const q = emptyQuantities();
        q.available = v.stock.get(loc.id) ?? 0;
        q.on_hand = q.available;
        shop.levels.set(levelKey(variant.inventoryItemId, loc.id), { itemId: variant.inventoryItemId, locationId: loc.id, q, createdAt: t, updatedAt: t });
      }
      created.push(variant);
    }
    return { product, variants: created };
  }

  variantBySku(shop: ShopState, sku: string): Variant {
    for (const v of shop.variants.values()) if (v.sku === sku) return v;
    throw new Error(`No variant with SKU "${sku}" in ${shop.domain}`);
  }

  locationByName(shop: ShopState, name?: string): Location {
    const all = [...shop.locations.values()];
    const loc = name === undefined ? all[0] : all.find((l) => l.name === name || gid("Location", l.id) === name);
    if (!loc) throw new Error(`No location "${name}" in ${shop.domain}`);
    return loc;
  }

  level(shop: ShopState, itemId: number, locationId: number): Level | undefined {
    return shop.levels.get(levelKey(itemId, locationId));
  }

  /**
   * Applies deltas to one level keeping `on_hand` equal to the sum of its parts, and announces a
   * change of `available` (the only quantity the inventory_levels/update payload carries).
   */
  applyDeltas(shop: ShopState, level: Level, deltas: Partial<Record<QuantityName, number>>): void {
    const before = level.q.available;
    for (const [name, delta] of Object.entries(deltas) as [QuantityName, number][]) {
      if (!delta) continue;
      level.q[name] += delta;
      if (name !== "on_hand" && name !== "incoming" && ON_HAND_PARTS.includes(name) && !("on_hand" in deltas)) level.q.on_hand += delta;
    }
    level.updatedAt = this.now();
    const item = shop.items.get(level.itemId);
    if (item) item.updatedAt = level.updatedAt;
    if (level.q.available !== before) this.emitLevel(shop, level);
  }

  emitLevel(shop: ShopState, level: Level): void {
    this.emit(shop, "inventory_levels/update", {
      inventory_item_id: level.itemId,
      location_id: level.locationId,
      available: level.q.available,
      updated_at: iso(level.updatedAt),
      admin_graphql_api_id: `${gid("InventoryLevel", level.locationId)}?inventory_item_id=${level.itemId}`,
    });
  }

  // ---------------------------------------------------------------- inventory mutations

  setQuantities(
    shop: ShopState,
    input: { name: string; reason: string; referenceDocumentUri?: string | null; quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[] },
  ): { userErrors: UserError[]; changes: InventoryChangeRecord[] } {
    const errors: UserError[] = [];
    if (input.name !== "available" && input.name !== "on_hand") {
      errors.push({ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" });
    }
    const targets: { level: Level; quantity: number }[] = [];
    input.quantities.forEach((q, i) => {
      const field = ["input", "quantities", String(i)];
      const level = this.resolveLevel(shop, q.inventoryItemId, q.locationId, field, errors);
      if (!level) return;
      if (!("changeFromQuantity" in q)) {
        errors.push({ field: [...field, "changeFromQuantity"], message: "changeFromQuantity is required. Pass the expected current quantity, or null to skip the check.", code: null });
        return;
      }
      if (q.quantity < 0 && input.name === "on_hand") {
        errors.push({ field: [...field, "quantity"], message: "The quantity can't be negative.", code: "INVALID_QUANTITY_NEGATIVE" });
        return;
      }
      const current = level.q[input.name as QuantityName];
      if (q.changeFromQuantity !== null && q.changeFromQuantity !== undefined && q.changeFromQuantity !== current) {
        errors.push({ field: [...field, "changeFromQuantity"], message: "The specified compare quantity does not match the current quantity.", code: "CHANGE_FROM_QUANTITY_STALE" });
        return;
      }
      targets.push({ level, quantity: q.quantity });
    });
    if (errors.length) return { userErrors: errors, changes: [] };
    const changes: InventoryChangeRecord[] = [];
    const name = input.name as QuantityName;
    for (const { level, quantity } of targets) {
      const delta = quantity - level.q[name];
      if (name === "available") this.applyDeltas(shop, level, { available: delta });
      else this.applyDeltas(shop, level, { on_hand: delta, available: delta });
      changes.push({ itemId: level.itemId, locationId: level.locationId, name, delta, quantityAfterChange: level.q[name], ledgerDocumentUri: null });
      if (name === "on_hand") changes.push({ itemId: level.itemId, locationId: level.locationId, name: "available", delta, quantityAfterChange: level.q.available, ledgerDocumentUri: null });
    }
    return { userErrors: [], changes };
  }

  adjustQuantities(
    shop: ShopState,
    input: { name: string; reason: string; changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null; ledgerDocumentUri?: string | null }[] },
  ): { userErrors: UserError[]; changes: InventoryChangeRecord[] } {
    const errors: UserError[] = [];
    const name = input.name as QuantityName;
    if (!QUANTITY_NAMES.includes(name) || name === "on_hand" || name === "committed") {
      errors.push({ field: ["input", "name"], message: `The quantity name '${input.name}' can't be adjusted.`, code: "INVALID_QUANTITY_NAME" });
    }
    const targets: { level: Level; delta: number; ledger: string | null }[] = [];
    input.changes.forEach((c, i) => {
      const field = ["input", "changes", String(i)];
      const level = this.resolveLevel(shop, c.inventoryItemId, c.locationId, field, errors);
      if (!level) return;
      if (!("changeFromQuantity" in c)) {
        errors.push({ field: [...field, "changeFromQuantity"], message: "changeFromQuantity is required. Pass the expected current quantity, or null to skip the check.", code: null });
        return;
      }
      if (name !== "available" && !c.ledgerDocumentUri) {
        errors.push({ field: [...field, "ledgerDocumentUri"], message: "A ledger document URI is required for quantity names other than 'available'.", code: "INVALID_LEDGER_DOCUMENT" });
        return;
      }
      const current = level.q[name] ?? 0;
      if (c.changeFromQuantity !== null && c.changeFromQuantity !== undefined && c.changeFromQuantity !== current) {
        errors.push({ field: [...field, "changeFromQuantity"], message: "The specified compare quantity does not match the current quantity.", code: "CHANGE_FROM_QUANTITY_STALE" });
        return;
      }
      targets.push({ level, delta: c.delta, ledger: c.ledgerDocumentUri ?? null });
    });
    if (errors.length) return { userErrors: errors, changes: [] };
    const changes: InventoryChangeRecord[] = [];
    for (const { level, delta, ledger } of targets) {
      this.applyDeltas(shop, level, { [name]: delta });
      changes.push({ itemId: level.itemId, locationId: level.locationId, name, delta, quantityAfterChange: level.q[name], ledgerDocumentUri: ledger });
      if (name !== "incoming") changes.push({ itemId: level.itemId, locationId: level.locationId, name: "on_hand", delta, quantityAfterChange: level.q.on_hand, ledgerDocumentUri: ledger });
    }
    return { userErrors: [], changes };
  }

  private resolveLevel(shop: ShopState, itemGid: string, locationGid: string, field: string[], errors: UserError[]): Level | null {
    const itemId = idOf(itemGid, "InventoryItem");
    if (itemId === null || !shop.items.has(itemId)) {
      errors.push({ field: [...field, "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
      return null;
    }
    const locationId = idOf(locationGid, "Location");
    if (locationId === null || !shop.locations.has(locationId)) {
      errors.push({ field: [...field, "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" });
      return null;
    }
    const level = this.level(shop, itemId, locationId);
    if (!level) {
      errors.push({ field: [...field, "locationId"], message: "The specified inventory item is not stocked at the location.", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
      return null;
    }
    return level;
  }

  // ---------------------------------------------------------------- orders

  createOrder(
    shop: ShopState,
    input: OrderInput,
    inventoryBehaviour: "BYPASS" | "DECREMENT_OBEYING_POLICY" | "DECREMENT_IGNORING_POLICY",
  ): { order: Order | null; userErrors: UserError[] } {
    const errors: UserError[] = [];
    const lines = input.lineItems ?? [];
    if (lines.length === 0) errors.push({ field: ["order", "lineItems"], message: "Line items must have at least one line item", code: "INVALID" });
    const currency = input.currency ?? shop.currency;
    const resolved: { variant: Variant | null; line: OrderLineInput }[] = [];
    lines.forEach((line, i) => {
      if (line.quantity < 1) errors.push({ field: ["order", "lineItems", String(i), "quantity"], message: "Quantity must be greater than or equal to 1", code: "INVALID" });
      if (line.variantId) {
        const id = idOf(line.variantId, "ProductVariant");
        const variant = id === null ? undefined : shop.variants.get(id);
        if (!variant) {
          errors.push({ field: ["order", "lineItems", String(i), "variantId"], message: "The variant could not be found.", code: "INVALID" });
          return;
        }
        resolved.push({ variant, line });
      } else {
        if (!line.title) errors.push({ field: ["order", "lineItems", String(i), "title"], message: "A custom line item needs a title", code: "INVALID" });
        resolved.push({ variant: null, line });
      }
      if (line.priceSet && line.priceSet.shopMoney.currencyCode !== currency) {
        errors.push({ field: ["order", "lineItems", String(i), "priceSet"], message: "The price currency does not match the order currency", code: "INVALID" });
      }
    });
    if (errors.length) return { order: null, userErrors: errors };

    // Each line is assigned to the first location (in seed order) able to ship it whole.
    const assignments = resolved.map(({ variant, line }) => {
      const locs = [...shop.locations.values()].filter((l) => l.isActive && l.fulfillsOnlineOrders);
      if (!variant) return locs[0];
      return locs.find((l) => (this.level(shop, variant.inventoryItemId, l.id)?.q.available ?? 0) >= line.quantity) ?? locs[0];
    });
    if (inventoryBehaviour === "DECREMENT_OBEYING_POLICY") {
      const short = resolved.findIndex(({ variant, line }, i) => {
        if (!variant || variant.inventoryPolicy === "CONTINUE" || !shop.items.get(variant.inventoryItemId)?.tracked) return false;
        return (this.level(shop, variant.inventoryItemId, assignments[i].id)?.q.available ?? 0) < line.quantity;
      });
      if (short !== -1) {
        return {
          order: null,
          userErrors: [{ field: ["order", "lineItems", String(short)], message: "Unable to claim inventory: not enough stock", code: "INVENTORY_CLAIM_FAILED" }],
        };
      }
    }

    const t = this.now();
    shop.orderNumber += 1;
    const order: Order = {
      id: this.nextId(),
      number: shop.orderNumber,
      name: input.name ?? `#${shop.orderNumber}`,
      email: input.email ?? null,
      phone: input.phone ?? null,
      note: input.note ?? null,
      tags: normalizeTags(input.tags ?? []),
      sourceName: input.sourceName ?? null,
      sourceIdentifier: input.sourceIdentifier ?? null,
      currency,
      financialStatus: "PENDING",
      lines: resolved.map(({ variant, line }) => ({
        id: this.nextId(),
        variantId: variant?.id ?? null,
        sku: line.sku ?? variant?.sku ?? null,
        title: line.title ?? (variant ? shop.products.get(variant.productId)?.title ?? variant.title : "Custom item"),
        quantity: line.quantity,
        priceMinor: line.priceSet ? toMinor(line.priceSet.shopMoney.amount) : (variant?.priceMinor ?? 0),
        fulfilled: 0,
        refunded: 0,
        properties: (line.properties ?? []).map((p) => ({ name: p.name, value: p.value })),
      })),
      shippingLines: (input.shippingLines ?? []).map((s) => ({ title: s.title, code: s.code ?? null, priceMinor: toMinor(s.priceSet.shopMoney.amount) })),
      shippingAddress: input.shippingAddress ? toAddress(input.shippingAddress) : null,
      billingAddress: input.billingAddress ? toAddress(input.billingAddress) : null,
      customAttributes: (input.customAttributes ?? []).map((a) => ({ key: a.key, value: a.value })),
      transactions: [],
      test: input.test ?? false,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      processedAt: input.processedAt ? Date.parse(input.processedAt) : t,
      createdAt: t,
      updatedAt: t,
      fulfillmentOrderIds: [],
      fulfillmentIds: [],
      refundIds: [],
    };
    order.transactions = (input.transactions ?? []).map((tx) => ({
      id: this.nextId(),
      kind: tx.kind ?? "SALE",
      status: tx.status ?? "SUCCESS",
      gateway: tx.gateway ?? "manual",
      amountMinor: toMinor(tx.amountSet.shopMoney.amount),
      parentId: null,
      createdAt: t,
    }));
    order.financialStatus =
      input.financialStatus ?? (order.transactions.some((tx) => tx.kind === "SALE" && tx.status === "SUCCESS") ? "PAID" : "PENDING");
    if (order.financialStatus === "PAID" && order.transactions.length === 0) {
      order.transactions.push({ id: this.nextId(), kind: "SALE", status: "SUCCESS", gateway: "manual", amountMinor: orderTotalMinor(order), parentId: null, createdAt: t });
    }
    shop.orders.set(order.id, order);
    for (const mf of input.metafields ?? []) {
      if (mf.namespace && mf.key && mf.value !== undefined && mf.value !== null) {
        shop.metafields.push({ id: this.nextId(), ownerGid: gid("Order", order.id), namespace: mf.namespace, key: mf.key, type: mf.type ?? "single_line_text_field", value: mf.value, createdAt: t, updatedAt: t });
      }
    }

    const byLocation = new Map<number, FulfillmentOrderLine[]>();
    order.lines.forEach((line, i) => {
      const loc = assignments[i];
      const list = byLocation.get(loc.id) ?? [];
      list.push({ id: this.nextId(), lineItemId: line.id, totalQuantity: line.quantity, remainingQuantity: line.quantity });
      byLocation.set(loc.id, list);
      const variant = resolved[i].variant;
      if (variant && inventoryBehaviour !== "BYPASS" && shop.items.get(variant.inventoryItemId)?.tracked) {
        const level = this.level(shop, variant.inventoryItemId, loc.id);
        if (level) this.applyDeltas(shop, level, { available: -line.quantity, committed: line.quantity });
      }
    });
    for (const [locationId, foLines] of byLocation) {
      const fo: FulfillmentOrder = { id: this.nextId(), orderId: order.id, locationId, status: "OPEN", lines: foLines, createdAt: t, updatedAt: t };
      shop.fulfillmentOrders.set(fo.id, fo);
      order.fulfillmentOrderIds.push(fo.id);
    }
    this.emit(shop, "orders/create", this.orderPayload(shop, order));
    return { order, userErrors: [] };
  }

  orderPayload(shop: ShopState, order: Order): Record<string, unknown> {
    return orderRest(shop, order);
  }

  touchOrder(shop: ShopState, order: Order): void {
    order.updatedAt = this.now();
    this.emit(shop, "orders/updated", this.orderPayload(shop, order));
  }

  // ---------------------------------------------------------------- fulfillments

  createFulfillment(
    shop: ShopState,
    input: { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[]; trackingInfo?: { company?: string | null; number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null } | null },
  ): { fulfillment: Fulfillment | null; userErrors: UserError[] } {
    const errors: UserError[] = [];
    const picks: { fo: FulfillmentOrder; line: FulfillmentOrderLine; quantity: number }[] = [];
    let orderId: number | null = null;
    let locationId: number | null = null;
    input.lineItemsByFulfillmentOrder.forEach((group, i) => {
      const field = ["fulfillment", "lineItemsByFulfillmentOrder", String(i)];
      const foId = idOf(group.fulfillmentOrderId, "FulfillmentOrder");
      const fo = foId === null ? undefined : shop.fulfillmentOrders.get(foId);
      if (!fo) {
        errors.push({ field: [...field, "fulfillmentOrderId"], message: "Fulfillment order does not exist." });
        return;
      }
      if (fo.status === "CLOSED" || fo.status === "CANCELLED") {
        errors.push({ field: [...field, "fulfillmentOrderId"], message: `Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.` });
        return;
      }
      if (orderId !== null && (fo.orderId !== orderId || fo.locationId !== locationId)) {
        errors.push({ field: [...field, "fulfillmentOrderId"], message: "All fulfillment orders must belong to the same order and location." });
        return;
      }
      orderId = fo.orderId;
      locationId = fo.locationId;
      if (!group.fulfillmentOrderLineItems || group.fulfillmentOrderLineItems.length === 0) {
        for (const line of fo.lines) if (line.remainingQuantity > 0) picks.push({ fo, line, quantity: line.remainingQuantity });
        return;
      }
      group.fulfillmentOrderLineItems.forEach((li, j) => {
        const lineId = idOf(li.id, "FulfillmentOrderLineItem");
        const line = fo.lines.find((l) => l.id === lineId);
        if (!line) {
          errors.push({ field: [...field, "fulfillmentOrderLineItems", String(j), "id"], message: "Fulfillment order line item does not exist." });
          return;
        }
        if (li.quantity < 1 || li.quantity > line.remainingQuantity) {
          errors.push({ field: [...field, "fulfillmentOrderLineItems", String(j), "quantity"], message: `Invalid fulfillment order line item quantity requested: ${li.quantity} (remaining ${line.remainingQuantity}).` });
          return;
        }
        picks.push({ fo, line, quantity: li.quantity });
      });
    });
    if (!errors.length && picks.length === 0) errors.push({ field: ["fulfillment"], message: "There are no line items to fulfill." });
    if (errors.length || orderId === null || locationId === null) return { fulfillment: null, userErrors: errors };
    const order = shop.orders.get(orderId);
    if (!order) return { fulfillment: null, userErrors: [{ field: ["fulfillment"], message: "Order does not exist." }] };
    if (order.cancelledAt) return { fulfillment: null, userErrors: [{ field: ["fulfillment"], message: "The order has been cancelled." }] };

    const t = this.now();
    const tracking = trackingFrom(input.trackingInfo);
    const fulfillment: Fulfillment = {
      id: this.nextId(),
      orderId,
      locationId,
      name: `${order.name}-F${order.fulfillmentIds.length + 1}`,
      status: "SUCCESS",
      tracking,
      lines: [],
      createdAt: t,
      updatedAt: t,
    };
    for (const { fo, line, quantity } of picks) {
      line.remainingQuantity -= quantity;
      fo.updatedAt = t;
      const orderLine = order.lines.find((l) => l.id === line.lineItemId);
      if (orderLine) {
        orderLine.fulfilled += quantity;
        const variant = orderLine.variantId === null ? undefined : shop.variants.get(orderLine.variantId);
        const level = variant ? this.level(shop, variant.inventoryItemId, fo.locationId) : undefined;
        // Shipping takes committed units out of the building: committed and on_hand both drop.
        if (level && level.q.committed > 0) this.applyDeltas(shop, level, { committed: -Math.min(quantity, level.q.committed), on_hand: -Math.min(quantity, level.q.committed) });
      }
      const existing = fulfillment.lines.find((l) => l.lineItemId === line.lineItemId);
      if (existing) existing.quantity += quantity;
      else fulfillment.lines.push({ id: this.nextId(), lineItemId: line.lineItemId, quantity });
    }
    for (const fo of new Set(picks.map((p) => p.fo))) {
      fo.status = fo.lines.every((l) => l.remainingQuantity === 0) ? "CLOSED" : "IN_PROGRESS";
    }
    shop.fulfillments.set(fulfillment.id, fulfillment);
    order.fulfillmentIds.push(fulfillment.id);
    this.emit(shop, "fulfillments/create", fulfillmentRest(shop, fulfillment));
    this.touchOrder(shop, order);
    return { fulfillment, userErrors: [] };
  }

  updateTracking(shop: ShopState, fulfillmentGid: string, tracking: Parameters<typeof trackingFrom>[0]): { fulfillment: Fulfillment | null; userErrors: UserError[] } {
    const id = idOf(fulfillmentGid, "Fulfillment");
    const f = id === null ? undefined : shop.fulfillments.get(id);
    if (!f) return { fulfillment: null, userErrors: [{ field: ["fulfillmentId"], message: "Fulfillment does not exist." }] };
    f.tracking = trackingFrom(tracking);
    f.updatedAt = this.now();
    this.emit(shop, "fulfillments/update", fulfillmentRest(shop, f));
    return { fulfillment: f, userErrors: [] };
  }

  // ---------------------------------------------------------------- cancellation and refunds

  cancelOrder(shop: ShopState, orderGid: string, input: { reason: string; restock: boolean; refund?: boolean | null; staffNote?: string | null }): { userErrors: UserError[]; order: Order | null } {
    const id = idOf(orderGid, "Order");
    const order = id === null ? undefined : shop.orders.get(id);
    if (!order) return { order: null, userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
    if (order.cancelledAt) return { order, userErrors: [{ field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" }] };
    if (order.lines.some((l) => l.fulfilled > 0)) {
      return { order, userErrors: [{ field: ["orderId"], message: "Cannot cancel an order with fulfilled line items", code: "INVALID" }] };
    }
    const t = this.now();
    for (const foId of order.fulfillmentOrderIds) {
      const fo = shop.fulfillmentOrders.get(foId);
      if (!fo) continue;
      for (const line of fo.lines) {
        const orderLine = order.lines.find((l) => l.id === line.lineItemId);
        const variant = orderLine?.variantId ? shop.variants.get(orderLine.variantId) : undefined;
        const level = variant ? this.level(shop, variant.inventoryItemId, fo.locationId) : undefined;
        const units = Math.min(line.remainingQuantity, level?.q.committed ?? 0);
        if (level && units > 0) {
          this.applyDeltas(shop, level, input.restock ? { committed: -units, available: units } : { committed: -units, on_hand: -units });
        }
        line.remainingQuantity = 0;
      }
      fo.status = "CANCELLED";
      fo.updatedAt = t;
    }
    order.cancelledAt = t;
    order.cancelReason = input.reason;
    order.closedAt = t;
    if (input.refund) {
      const paid = order.transactions.filter((tx) => tx.kind === "SALE" && tx.status === "SUCCESS");
      const amount = paid.reduce((s, tx) => s + tx.amountMinor, 0) - refundedMinor(shop, order);
      if (amount > 0) {
        const refund: Refund = {
          id: this.nextId(),
          orderId: order.id,
          note: input.staffNote ?? null,
          lines: [],
          transactions: [{ id: this.nextId(), kind: "REFUND", status: "SUCCESS", gateway: paid[0]?.gateway ?? "manual", amountMinor: amount, parentId: paid[0]?.id ?? null, createdAt: t }],
          shippingMinor: 0,
          createdAt: t,
        };
        shop.refunds.set(refund.id, refund);
        order.refundIds.push(refund.id);
        order.financialStatus = "REFUNDED";
        this.emit(shop, "refunds/create", refundRest(shop, refund));
      }
    }
    order.updatedAt = t;
    this.emit(shop, "orders/cancelled", this.orderPayload(shop, order));
    this.touchOrder(shop, order);
    return { order, userErrors: [] };
  }

  createRefund(shop: ShopState, input: RefundInputShape): { refund: Refund | null; order: Order | null; userErrors: UserError[] } {
    const orderId = idOf(input.orderId, "Order");
    const order = orderId === null ? undefined : shop.orders.get(orderId);
    if (!order) return { refund: null, order: null, userErrors: [{ field: ["input", "orderId"], message: "Order does not exist" }] };
    const errors: UserError[] = [];
    const picks: { line: LineItem; quantity: number; restockType: Refund["lines"][number]["restockType"]; locationId: number | null }[] = [];
    (input.refundLineItems ?? []).forEach((r, i) => {
      const field = ["input", "refundLineItems", String(i)];
      const lineId = idOf(r.lineItemId, "LineItem");
      const line = order.lines.find((l) => l.id === lineId);
      if (!line) {
        errors.push({ field: [...field, "lineItemId"], message: "Line item does not exist" });
        return;
      }
      const already = picks.filter((p) => p.line === line).reduce((s, p) => s + p.quantity, 0);
      if (r.quantity < 1 || r.quantity + already > line.quantity - line.refunded) {
        errors.push({ field: [...field, "quantity"], message: `Quantity cannot refund more items than were purchased (refundable ${line.quantity - line.refunded - already})` });
        return;
      }
      const restockType = r.restockType ?? "NO_RESTOCK";
      const unfulfilled = line.quantity - line.refunded - line.fulfilled;
      if (restockType === "RETURN" && r.quantity > line.fulfilled - returnedCount(shop, order, line.id)) {
        errors.push({ field: [...field, "restockType"], message: "Only fulfilled items can be returned; use CANCEL for unfulfilled ones" });
        return;
      }
      if (restockType === "CANCEL" && r.quantity > unfulfilled) {
        errors.push({ field: [...field, "restockType"], message: "Only unfulfilled items can be cancelled; use RETURN for fulfilled ones" });
        return;
      }
      let locationId: number | null = null;
      if (r.locationId) {
        locationId = idOf(r.locationId, "Location");
        if (locationId === null || !shop.locations.has(locationId)) {
          errors.push({ field: [...field, "locationId"], message: "Location does not exist" });
          return;
        }
      }
      picks.push({ line, quantity: r.quantity, restockType, locationId });
    });
    const paidMinor = order.transactions.filter((tx) => tx.kind === "SALE" && tx.status === "SUCCESS").reduce((s, tx) => s + tx.amountMinor, 0);
    const txs = (input.transactions ?? []).map((tx) => ({ amountMinor: toMinor(tx.amount), gateway: tx.gateway, kind: tx.kind, parentId: tx.parentId ? idOf(tx.parentId, "OrderTransaction") : null }));
    const requested = txs.reduce((s, tx) => s + tx.amountMinor, 0);
    if (!input.allowOverRefunding && requested > paidMinor - refundedMinor(shop, order)) {
      errors.push({ field: ["input", "transactions"], message: "Refund amount exceeds the amount that can be refunded" });
    }
    if (errors.length) return { refund: null, order, userErrors: errors };

    const t = this.now();
    const refund: Refund = { id: this.nextId(), orderId: order.id, note: input.note ?? null, lines: [], transactions: [], shippingMinor: 0, createdAt: t };
    for (const p of picks) {
      p.line.refunded += p.quantity;
      const variant = p.line.variantId === null ? undefined : shop.variants.get(p.line.variantId);
      const fos = order.fulfillmentOrderIds.map((id) => shop.fulfillmentOrders.get(id)).filter((fo): fo is FulfillmentOrder => !!fo);
      const foLine = fos.flatMap((fo) => fo.lines.map((l) => ({ fo, l }))).find(({ l }) => l.lineItemId === p.line.id);
      const locationId = p.locationId ?? foLine?.fo.locationId ?? null;
      let restocked = false;
      if (p.restockType === "CANCEL" || p.restockType === "NO_RESTOCK") {
        // Refunding units not yet shipped removes them from the fulfillment order.
        const fromFo = Math.min(p.quantity, foLine?.l.remainingQuantity ?? 0);
        if (foLine && fromFo > 0) {
          foLine.l.remainingQuantity -= fromFo;
          if (foLine.fo.lines.every((l) => l.remainingQuantity === 0)) foLine.fo.status = "CLOSED";
          const level = variant ? this.level(shop, variant.inventoryItemId, foLine.fo.locationId) : undefined;
          if (level) {
            const units = Math.min(fromFo, level.q.committed);
            if (units > 0) {
              // CANCEL puts the unit back on sale; NO_RESTOCK writes it off.
              this.applyDeltas(shop, level, p.restockType === "CANCEL" ? { committed: -units, available: units } : { committed: -units, on_hand: -units });
              restocked = p.restockType === "CANCEL";
            }
          }
        }
      } else if (p.restockType === "RETURN" && variant && locationId !== null) {
        const level = this.level(shop, variant.inventoryItemId, locationId);
        if (level) {
          this.applyDeltas(shop, level, { available: p.quantity });
          restocked = true;
        }
      }
      refund.lines.push({ id: this.nextId(), lineItemId: p.line.id, quantity: p.quantity, restockType: p.restockType, locationId, restocked, subtotalMinor: p.line.priceMinor * p.quantity });
    }
    refund.transactions = txs.map((tx) => ({ id: this.nextId(), kind: tx.kind, status: "SUCCESS", gateway: tx.gateway, amountMinor: tx.amountMinor, parentId: tx.parentId, createdAt: t }));
    if (input.shipping?.fullRefund) refund.shippingMinor = order.shippingLines.reduce((s, l) => s + l.priceMinor, 0);
    else if (input.shipping?.amount) refund.shippingMinor = toMinor(input.shipping.amount);
    shop.refunds.set(refund.id, refund);
    order.refundIds.push(refund.id);
    const refunded = refundedMinor(shop, order);
    if (refunded > 0) order.financialStatus = refunded >= paidMinor ? "REFUNDED" : "PARTIALLY_REFUNDED";
    this.emit(shop, "refunds/create", refundRest(shop, refund));
    this.touchOrder(shop, order);
    return { refund, order, userErrors: [] };
  }
}

export interface InventoryChangeRecord {
  itemId: number;
  locationId: number;
  name: QuantityName;
  delta: number;
  quantityAfterChange: number;
  ledgerDocumentUri: string | null;
}

interface MoneyBagIn {
  shopMoney: { amount: string | number; currencyCode: string };
}
interface AddressIn {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  countryCode?: string | null;
  phone?: string | null;
}
export interface OrderLineInput {
  variantId?: string | null;
  quantity: number;
  priceSet?: MoneyBagIn | null;
  sku?: string | null;
  title?: string | null;
  properties?: { name: string; value: string }[] | null;
}
export interface OrderInput {
  lineItems?: OrderLineInput[] | null;
  currency?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  name?: string | null;
  tags?: string[] | null;
  sourceName?: string | null;
  sourceIdentifier?: string | null;
  financialStatus?: string | null;
  processedAt?: string | null;
  test?: boolean | null;
  shippingAddress?: AddressIn | null;
  billingAddress?: AddressIn | null;
  shippingLines?: { title: string; code?: string | null; priceSet: MoneyBagIn }[] | null;
  customAttributes?: { key: string; value: string }[] | null;
  transactions?: { kind?: string | null; status?: string | null; gateway?: string | null; amountSet: MoneyBagIn }[] | null;
  metafields?: { namespace?: string | null; key?: string | null; type?: string | null; value?: string | null }[] | null;
}
export interface RefundInputShape {
  orderId: string;
  note?: string | null;
  allowOverRefunding?: boolean | null;
  refundLineItems?: { lineItemId: string; quantity: number; restockType?: "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK" | null; locationId?: string | null }[] | null;
  shipping?: { fullRefund?: boolean | null; amount?: string | null } | null;
  transactions?: { amount: string; gateway: string; kind: string; orderId: string; parentId?: string | null }[] | null;
}

export function normalizeTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const raw of tags.flatMap((t) => t.split(","))) {
    const tag = raw.trim();
    if (tag && !out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  return out;
}

function toAddress(a: AddressIn): Address {
  return {
    firstName: a.firstName ?? null,
    lastName: a.lastName ?? null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    provinceCode: a.provinceCode ?? null,
    zip: a.zip ?? null,
    countryCode: a.countryCode ?? null,
    phone: a.phone ?? null,
  };
}

function trackingFrom(t: { company?: string | null; number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null } | null | undefined): Tracking[] {
  if (!t) return [];
  const numbers = t.numbers?.length ? t.numbers : t.number ? [t.number] : [];
  const urls = t.urls?.length ? t.urls : t.url ? [t.url] : [];
  if (numbers.length === 0) return t.company || urls.length ? [{ company: t.company ?? null, number: null, url: urls[0] ?? null }] : [];
  return numbers.map((n, i) => ({ company: t.company ?? null, number: n, url: urls[i] ?? urls[0] ?? null }));
}

export function orderTotalMinor(order: Order): number {
  return order.lines.reduce((s, l) => s + l.priceMinor * l.quantity, 0) + order.shippingLines.reduce((s, l) => s + l.priceMinor, 0);
}

export function refundedMinor(shop: ShopState, order: Order): number {
  return order.refundIds
    .map((id) => shop.refunds.get(id))
    .reduce((s, r) => s + (r?.transactions.filter((tx) => tx.status === "SUCCESS").reduce((a, tx) => a + tx.amountMinor, 0) ?? 0), 0);
}

function returnedCount(shop: ShopState, order: Order, lineItemId: number): number {
  return order.refundIds
    .flatMap((id) => shop.refunds.get(id)?.lines ?? [])
    .filter((l) => l.lineItemId === lineItemId && l.restockType === "RETURN")
    .reduce((s, l) => s + l.quantity, 0);
}

export function fulfillmentStatusOf(order: Order): "FULFILLED" | "PARTIALLY_FULFILLED" | "UNFULFILLED" {
  const wanted = order.lines.reduce((s, l) => s + l.quantity - l.refunded + Math.min(l.refunded, l.fulfilled), 0);
  const done = order.lines.reduce((s, l) => s + l.fulfilled, 0);
  if (done === 0) return "UNFULFILLED";
  return done >= wanted ? "FULFILLED" : "PARTIALLY_FULFILLED";
}

// ------------------------------------------------------------------ REST-shaped webhook payloads

function addressRest(a: Address | null): Record<string, unknown> | null {
  if (!a) return null;
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    name: [a.firstName, a.lastName].filter(Boolean).join(" "),
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province_code: a.provinceCode,
    zip: a.zip,
    country_code: a.countryCode,
    phone: a.phone,
  };
}

export function fulfillmentRest(shop: ShopState, f: Fulfillment): Record<string, unknown> {
  const order = shop.orders.get(f.orderId);
  return {
    id: f.id,
    admin_graphql_api_id: gid("Fulfillment", f.id),
    order_id: f.orderId,
    name: f.name,
    status: f.status.toLowerCase(),
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
    location_id: f.locationId,
    service: "manual",
    shipment_status: null,
    tracking_company: f.tracking[0]?.company ?? null,
    tracking_number: f.tracking[0]?.number ?? null,
    tracking_numbers: f.tracking.map((t) => t.number).filter((n): n is string => n !== null),
    tracking_url: f.tracking[0]?.url ?? null,
    tracking_urls: f.tracking.map((t) => t.url).filter((u): u is string => u !== null),
    line_items: f.lines.map((fl) => {
      const line = order?.lines.find((l) => l.id === fl.lineItemId);
      return {
        id: fl.lineItemId,
        admin_graphql_api_id: gid("LineItem", fl.lineItemId),
        variant_id: line?.variantId ?? null,
        sku: line?.sku ?? null,
        title: line?.title ?? null,
        quantity: fl.quantity,
        price: line ? fromMinor(line.priceMinor) : null,
      };
    }),
  };
}

export function refundRest(shop: ShopState, r: Refund): Record<string, unknown> {
  const order = shop.orders.get(r.orderId);
  return {
    id: r.id,
    admin_graphql_api_id: gid("Refund", r.id),
    order_id: r.orderId,
    created_at: iso(r.createdAt),
    processed_at: iso(r.createdAt),
    note: r.note,
    restock: r.lines.some((l) => l.restocked),
    refund_line_items: r.lines.map((l) => {
      const line = order?.lines.find((x) => x.id === l.lineItemId);
      return {
        id: l.id,
        line_item_id: l.lineItemId,
        quantity: l.quantity,
        restock_type: l.restockType.toLowerCase(),
        location_id: l.locationId,
        subtotal: fromMinor(l.subtotalMinor),
        total_tax: "0.00",
        line_item: line ? { id: line.id, variant_id: line.variantId, sku: line.sku, quantity: line.quantity, price: fromMinor(line.priceMinor) } : null,
      };
    }),
    transactions: r.transactions.map((tx) => ({
      id: tx.id,
      admin_graphql_api_id: gid("OrderTransaction", tx.id),
      kind: tx.kind.toLowerCase(),
      amount: fromMinor(tx.amountMinor),
      gateway: tx.gateway,
      status: tx.status.toLowerCase(),
      parent_id: tx.parentId,
    })),
    order_adjustments: [],
    refund_shipping_lines: r.shippingMinor ? [{ subtotal: fromMinor(r.shippingMinor) }] : [],
  };
}

export function orderRest(shop: ShopState, o: Order): Record<string, unknown> {
  return {
    id: o.id,
    admin_graphql_api_id: gid("Order", o.id),
    name: o.name,
    order_number: o.number,
    app_id: null,
    source_name: o.sourceName,
    source_identifier: o.sourceIdentifier,
    tags: o.tags.join(", "),
    note: o.note,
    note_attributes: o.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    email: o.email,
    phone: o.phone,
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: ({ FULFILLED: "fulfilled", PARTIALLY_FULFILLED: "partial", UNFULFILLED: null } as const)[fulfillmentStatusOf(o)],
    cancelled_at: o.cancelledAt ? iso(o.cancelledAt) : null,
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    closed_at: o.closedAt ? iso(o.closedAt) : null,
    currency: o.currency,
    total_price: fromMinor(orderTotalMinor(o)),
    subtotal_price: fromMinor(o.lines.reduce((s, l) => s + l.priceMinor * l.quantity, 0)),
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    processed_at: iso(o.processedAt),
    test: o.test,
    customer: null,
    shipping_address: addressRest(o.shippingAddress),
    billing_address: addressRest(o.billingAddress),
    shipping_lines: o.shippingLines.map((s) => ({ title: s.title, code: s.code, price: fromMinor(s.priceMinor) })),
    line_items: o.lines.map((l) => ({
      id: l.id,
      admin_graphql_api_id: gid("LineItem", l.id),
      variant_id: l.variantId,
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      current_quantity: l.quantity - l.refunded,
      fulfillable_quantity: Math.max(0, l.quantity - l.refunded - l.fulfilled),
      price: fromMinor(l.priceMinor),
      properties: l.properties,
    })),
    fulfillments: o.fulfillmentIds.map((id) => shop.fulfillments.get(id)).filter((f): f is Fulfillment => !!f).map((f) => fulfillmentRest(shop, f)),
    refunds: o.refundIds.map((id) => shop.refunds.get(id)).filter((r): r is Refund => !!r).map((r) => refundRest(shop, r)),
  };
}
