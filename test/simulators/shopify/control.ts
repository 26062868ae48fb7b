/**
 * The Shopify Admin simulator's in-process handle and test-control surface. Tests, benchmarks and
 * the demo seed shops, act as the merchant and inject webhook faults through this interface (or its
 * HTTP twin under /__control/, see remote-control.ts). The implementation lives in server.ts.
 */
import type { ThrottleOptions, ThrottleStatus } from "./throttle";

export interface ShopifySimulatorOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Base URL webhooks are POSTed to (`<webhookUrl><path>`); no webhooks when absent. */
  webhookUrl?: string;
  /** The app's client secret: webhooks are signed with it (default "shpss_simulator_secret"). */
  apiSecret?: string;
  /** Maps a topic ("inventory_levels/update") to a path; default `/webhooks/<topic>`. */
  webhookPath?: (topic: WebhookTopic) => string;
  /** Topics delivered (default: all). Mirrors the app's subscriptions. */
  webhookTopics?: WebhookTopic[];
  /** Default bucket for every shop+app (default 2000 points, 100 points/s). */
  throttle?: Partial<ThrottleOptions>;
  /** How long a bulk operation stays RUNNING before COMPLETED, in ms of `now()` (default 0). */
  bulkOperationDurationMs?: number;
  /** Clock for throttling, timestamps and bulk operations; defaults to Date.now. */
  now?: () => number;
}

export type WebhookTopic =
  | "inventory_levels/update"
  | "orders/create"
  | "orders/updated"
  | "orders/cancelled"
  | "fulfillments/create"
  | "fulfillments/update"
  | "refunds/create"
  | "app/uninstalled";

export interface SeedVariant {
  sku: string | null;
  barcode?: string | null;
  title?: string;
  /** Decimal string, default "10.00". */
  price?: string;
  /** InventoryItem.tracked (default true). */
  tracked?: boolean;
  /** `available` per location name (locations missing here are stocked with 0). */
  stock?: Record<string, number>;
  /** ProductVariant.inventoryPolicy (default DENY). */
  inventoryPolicy?: "DENY" | "CONTINUE";
}

export interface SeedProduct {
  title: string;
  tags?: string[];
  variants: SeedVariant[];
}

export interface SeedShopInput {
  /** Default "sim-shop.myshopify.com"; reseeding an existing domain replaces that shop. */
  domain?: string;
  name?: string;
  /** Default "GBP". */
  currency?: string;
  /** Location names, default ["Warehouse", "Shop floor"]. The first one fulfils online orders first. */
  locations?: string[];
  products?: SeedProduct[];
  /** Adds generated one-variant products: SKU `${skuPrefix}${n}` (zero-padded), barcode `50000000${n}`. */
  generate?: { variants: number; skuPrefix?: string; stockPerLocation?: number; price?: string };
}

export interface SeededShop {
  domain: string;
  accessToken: string;
  locations: { id: string; name: string }[];
  /** Every seeded variant, in seed order. */
  variants: { id: string; sku: string | null; barcode: string | null; inventoryItemId: string; productId: string }[];
}

export interface LevelSnapshot {
  inventoryItemId: string;
  locationId: string;
  locationName: string;
  sku: string | null;
  quantities: Record<string, number>;
  updatedAt: string;
}

export interface OrderSnapshot {
  id: string;
  name: string;
  sourceName: string | null;
  sourceIdentifier: string | null;
  tags: string[];
  financialStatus: string;
  fulfillmentStatus: string;
  cancelledAt: string | null;
  totalPrice: string;
  currency: string;
  lineItems: { id: string; sku: string | null; variantId: string | null; quantity: number; currentQuantity: number; fulfilled: number; price: string }[];
  fulfillmentOrders: { id: string; locationId: string; status: string; lineItems: { id: string; lineItemId: string; remainingQuantity: number; totalQuantity: number }[] }[];
  metafields: { namespace: string; key: string; type: string; value: string }[];
}

export interface FulfillmentSnapshot {
  id: string;
  orderId: string;
  status: string;
  locationId: string;
  tracking: { company: string | null; number: string | null; url: string | null }[];
  lineItems: { lineItemId: string; quantity: number }[];
}

export interface RefundSnapshot {
  id: string;
  orderId: string;
  note: string | null;
  totalRefunded: string;
  lineItems: { lineItemId: string; quantity: number; restockType: string; locationId: string | null }[];
}

/** One webhook delivery attempt as the simulator made it. */
export interface WebhookDelivery {
  topic: WebhookTopic;
  shop: string;
  webhookId: string;
  eventId: string;
  url: string;
  /** HTTP status, or null when the connection failed (then `error` says why). */
  status: number | null;
  error?: string;
  body: unknown;
  sentAt: number;
}

/** A fault for upcoming webhook deliveries; `topic` narrows it, `count` defaults to 1. */
export type WebhookFault =
  | { kind: "duplicate"; count?: number; topic?: WebhookTopic; copies?: number; newWebhookId?: boolean }
  | { kind: "delay"; ms: number; count?: number; topic?: WebhookTopic }
  | { kind: "drop"; count?: number; topic?: WebhookTopic }
  /** Holds the next `count` deliveries and releases them in reverse order once all are held. */
  | { kind: "reorder"; count: number; topic?: WebhookTopic };

export interface RecordedAdminRequest {
  at: number;
  shop: string;
  operationName: string | null;
  query: string;
  variables: unknown;
  status: number;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttled: boolean;
  errors: string[];
}

export interface ShopifyControl {
  reset(): void;
  seedShop(input?: SeedShopInput): SeededShop;
  /** A new Admin API access token for the shop (each `appId` gets its own throttle bucket). */
  issueToken(shop: string, appId?: string): string;
  /** Revokes tokens and sends app/uninstalled. */
  uninstallApp(shop: string): void;
  /** As the merchant in the admin: sets `available` at a location and fires inventory_levels/update. */
  setAvailable(shop: string, input: { sku: string; location?: string; available: number }): LevelSnapshot;
  /** A sale on the Shopify online store: creates an order that decrements stock (orders/create). */
  sellOnShopify(shop: string, input: { lines: { sku: string; quantity: number }[]; tags?: string[] }): OrderSnapshot;
  /**
   * As the merchant: fulfils an order (every remaining unit unless `lines`), one fulfillment per
   * location as the admin does, each firing fulfillments/create. `orderId` is a gid or numeric id.
   */
  fulfill(
    shop: string,
    orderId: string,
    input?: { company?: string; number?: string; url?: string; lines?: { sku?: string; lineItemId?: string; quantity: number }[] },
  ): FulfillmentSnapshot[];
  /** As the merchant: changes a fulfillment's tracking, fires fulfillments/update. */
  updateTracking(shop: string, fulfillmentId: string, input: { company?: string; number?: string; url?: string }): FulfillmentSnapshot;
  /** As the merchant: cancels an order (restocking unfulfilled units), fires orders/cancelled. */
  cancelOrder(shop: string, orderId: string, input?: { reason?: string; restock?: boolean }): OrderSnapshot;
  levels(shop: string, sku?: string): LevelSnapshot[];
  available(shop: string, sku: string, location?: string): number;
  orders(shop: string): OrderSnapshot[];
  order(shop: string, orderId: string): OrderSnapshot | null;
  fulfillments(shop: string, orderId?: string): FulfillmentSnapshot[];
  refunds(shop: string, orderId?: string): RefundSnapshot[];
  /** Sets the bucket of every app on the shop (and the default for new ones). */
  setThrottle(shop: string, options: Partial<ThrottleOptions> & { currentlyAvailable?: number }): void;
  throttleStatus(shop: string, appId?: string): ThrottleStatus;
  injectWebhookFault(fault: WebhookFault): void;
  clearWebhookFaults(): void;
  /** Stops or restarts all deliveries (held ones go out on resume). */
  setWebhooksEnabled(enabled: boolean): void;
  webhookDeliveries(topic?: WebhookTopic): WebhookDelivery[];
  /** Resolves when no delivery is queued, delayed or in flight (held "reorder" batches excepted). */
  webhooksIdle(): Promise<void>;
  requests(): RecordedAdminRequest[];
}

export interface ShopifySimulator {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  /** The Admin GraphQL endpoint for a shop: `${url}/shops/${shop}/admin/api/2026-04/graphql.json`. */
  graphqlUrl(shop: string): string;
  control: ShopifyControl;
  close(): Promise<void>;
}
