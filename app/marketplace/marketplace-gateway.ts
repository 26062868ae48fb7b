import type { Money } from "../lib/money";
import type { Result } from "../lib/result";
import type {
  MarketplaceLineId,
  MarketplaceOrderId,
  MarketplaceOrderRef,
  MarketplaceSku,
} from "../lib/ids";
import type { MarketplaceError } from "./marketplace-errors";
import type { RequestPriority } from "./request-budget";

/**
 * The marketplace port: what the app needs from any marketplace, in the product's language.
 * One adapter per platform (Virtualstock for John Lewis, Mirakl for most other UK marketplaces)
 * implements it; platform quirks (paths, field names, status codes, id spaces, pagination styles)
 * stay inside the adapter.
 */
export interface MarketplaceGateway {
  readonly platform: MarketplacePlatform;
  /** What this platform can and cannot do through its API; flows branch on this, never on `platform`. */
  readonly capabilities: MarketplaceCapabilities;

  /** Authenticates and makes one cheap read, to prove credentials and URL before they are saved. */
  testConnection(): Promise<Result<ConnectionInfo, MarketplaceError>>;

  /** Orders that have at least one line in `lineStatus`, one page at a time. */
  listOrders(query: ListOrdersQuery): Promise<Result<Page<MarketplaceOrder>, MarketplaceError>>;
  getOrder(id: MarketplaceOrderId): Promise<Result<MarketplaceOrder, MarketplaceError>>;

  /**
   * Accepts order lines with the delivery date we promise (Virtualstock "acknowledge", Mirakl OR21
   * accept). Lines listed with `accept: false` are refused where the platform allows it.
   */
  acknowledgeOrder(input: AcknowledgeInput): Promise<Result<void, MarketplaceError>>;

  /** Puts lines on backorder with a new dispatch date, where `capabilities.backorder` is true. */
  backorderLines(input: BackorderInput): Promise<Result<void, MarketplaceError>>;

  /** Confirms that these lines (and quantities) left in one parcel, with carrier and tracking. */
  dispatchLines(input: DispatchInput): Promise<Result<void, MarketplaceError>>;

  /**
   * Cancels lines. `stage` says whether the goods already left; `initiatedBy` whether the
   * marketplace asked for it (we acknowledge) or the merchant did. Where the platform has no API call
   * for the case, the result is `{ outcome: "manual-action-required" }` with what to do in the portal.
   */
  cancelLines(input: CancelInput): Promise<Result<CancelOutcome, MarketplaceError>>;

  /** The carriers the platform accepts in `dispatchLines`, by code. */
  listCarriers(): Promise<Result<MarketplaceCarrier[], MarketplaceError>>;

  /**
   * Sets the quantity on sale for each SKU. Platforms without a batch call (Virtualstock) make one
   * request per item; the result reports each item, so one bad SKU does not fail the rest. A
   * platform-wide failure (auth, rate limit before any item) is the error of the whole call.
   */
  pushStock(
    updates: StockUpdate[],
    options?: CallOptions,
  ): Promise<Result<StockPushReport, MarketplaceError>>;

  /** What the marketplace currently shows as available, one page at a time (for reconciliation). */
  listStock(query: PageQuery): Promise<Result<Page<MarketplaceStockLevel>, MarketplaceError>>;

  /** Money documents (invoices, payouts, accounting lines) for a finance reconciliation. */
  listSettlementLines(
    query: SettlementQuery,
  ): Promise<Result<Page<SettlementLine>, MarketplaceError>>;
}

export type MarketplacePlatform = "virtualstock" | "mirakl";

/** Per-call options for operations whose urgency depends on the caller. */
export interface CallOptions {
  /**
   * The request budget priority for this call's HTTP requests (default `routine`). A stock push
   * for a sell-out is `urgent`: overselling costs more than a late routine update.
   */
  priority?: RequestPriority;
}

export interface MarketplaceCapabilities {
  /** Most stock updates one request can carry (Virtualstock: 1; Mirakl STO01/OF24: thousands). */
  stockItemsPerRequest: number;
  /** The platform's documented request budget, per account per minute. */
  requestsPerMinute: number;
  /** Whether lines can be refused at acknowledgement time (Mirakl yes, Virtualstock no). */
  refuseAtAcknowledgement: boolean;
  /** Whether the platform has a backorder call (Virtualstock yes, Mirakl no). */
  backorder: boolean;
  /** How a merchant-initiated cancellation is done before and after dispatch. */
  merchantCancelBeforeDispatch: "api" | "portal";
  merchantCancelAfterDispatch: "api" | "portal";
  /** Whether lines can be cancelled for part of their quantity. */
  partialCancellation: boolean;
  /**
   * Whether some lines (or part of a line) can be dispatched while the rest waits. Virtualstock:
   * yes. Mirakl: only where the operator enables multi-shipment (ST01); OR24 ships the whole
   * order. Absent means yes.
   */
  partialDispatch?: boolean;
  /** Whether product data and prices can be pushed through the API (Mirakl yes; JL agrees content directly). */
  listingsApi: boolean;
}

export interface ConnectionInfo {
  /** A name for the account the credentials belong to, to show the merchant. */
  accountName: string;
  /** Extra facts worth showing (retailers reachable, supplier ids), as label/value pairs. */
  details: { label: string; value: string }[];
}

export interface PageQuery {
  /** Opaque cursor from a previous page's `nextCursor`; absent for the first page. */
  cursor?: string;
  /** Page size hint; adapters clamp it to what the platform allows. */
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** Present when there is another page. */
  nextCursor?: string;
  /** Total matching items when the platform reports it. */
  total?: number;
}

export interface ListOrdersQuery extends PageQuery {
  lineStatus: OrderLineStatus;
  /** Restrict to one retailer order number. */
  reference?: MarketplaceOrderRef;
}

/**
 * Line states common to both platforms. Adapters map platform states onto these; the original
 * platform value is kept in `platformStatus` for display and support.
 */
export type OrderLineStatus =
  | "awaiting-acknowledgement"
  | "acknowledged"
  | "backordered"
  | "cancellation-requested"
  | "cancelled"
  | "dispatched"
  | "refused"
  | "return-requested"
  | "returned"
  | "closed";

export interface MarketplaceOrder {
  id: MarketplaceOrderId;
  /** The order number the retailer and the customer see. */
  reference: MarketplaceOrderRef;
  /** Naive platform dates are read as UK local time and given here as ISO-8601 UTC. */
  createdAt: string;
  currency: string;
  lines: MarketplaceOrderLine[];
  shippingAddress: PostalAddress | null;
  /** Customer email where the platform shares it. */
  email: string | null;
  /** When the marketplace wants the acknowledgement by, where it says. */
  acknowledgeBy: string | null;
  /** Retailer-defined delivery service (e.g. "standard", "express"). */
  deliveryService: string | null;
  /** Test orders placed by the marketplace during onboarding. */
  test: boolean;
  /** Free text from the retailer. */
  comment: string | null;
  platformStatus: string;
}

export interface MarketplaceOrderLine {
  lineId: MarketplaceLineId;
  sku: MarketplaceSku;
  /** Other product references the marketplace sends (retailer SKU, EAN), for mapping. */
  alternateSkus: string[];
  title: string;
  quantity: number;
  status: OrderLineStatus;
  platformStatus: string;
  /** What the marketplace pays for one unit; null when the platform omits it. */
  unitPrice: Money | null;
  /** Tax for the whole line, and its rate in percent as a decimal string ("20.00"). */
  tax: Money | null;
  taxRate: string | null;
  /** Line total including tax. */
  total: Money | null;
  /** The delivery date promised to the customer for this line, where given. */
  promisedDeliveryDate: string | null;
  /** Quantity the marketplace asks to cancel (lines in `cancellation-requested`). */
  cancelRequestedQuantity: number | null;
  /** Options or personalisation the customer chose; a non-empty list cannot be mapped silently. */
  options: { name: string; value: string }[];
}

export interface PostalAddress {
  fullName: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2 ("GB"). */
  countryCode: string;
  phone: string | null;
}

export interface OrderLineRef {
  lineId: MarketplaceLineId;
  sku: MarketplaceSku;
  quantity: number;
}

export interface AcknowledgeInput {
  orderId: MarketplaceOrderId;
  lines: (OrderLineRef & { accept: boolean })[];
  /** Dates are ISO-8601 (date or date-time). */
  promisedDispatchDate: string;
  promisedDeliveryDate: string;
  /** Our own reference, sent where the platform has a free-text field. */
  comment?: string;
}

export interface BackorderInput {
  orderId: MarketplaceOrderId;
  lines: OrderLineRef[];
  expectedDispatchDate: string;
  expectedDeliveryDate: string;
  reason: string;
}

export interface Shipment {
  /** The marketplace's carrier code (after the merchant's carrier mapping). */
  carrierCode: string;
  carrierName?: string;
  trackingNumber: string;
  trackingUrl?: string;
  dispatchedAt: string;
  expectedDeliveryDate?: string;
}

export interface DispatchInput {
  orderId: MarketplaceOrderId;
  lines: OrderLineRef[];
  shipment: Shipment;
}

export interface CancelInput {
  orderId: MarketplaceOrderId;
  lines: OrderLineRef[];
  stage: "before-dispatch" | "after-dispatch";
  initiatedBy: "marketplace" | "merchant";
  reason: string;
}

export type CancelOutcome =
  | { outcome: "cancelled" }
  | { outcome: "manual-action-required"; instructions: string };

export interface MarketplaceCarrier {
  code: string;
  name: string;
}

export interface StockUpdate {
  sku: MarketplaceSku;
  /** Units to offer, already net of any buffer; never negative. */
  quantity: number;
}

export interface StockPushReport {
  items: StockPushItemResult[];
}

export type StockPushItemResult =
  | { sku: MarketplaceSku; ok: true }
  | { sku: MarketplaceSku; ok: false; error: MarketplaceError };

export interface MarketplaceStockLevel {
  sku: MarketplaceSku;
  quantity: number;
  title: string | null;
  /** Other references the marketplace holds for the product (EAN, retailer SKU), for auto-matching. */
  alternateSkus: string[];
  updatedAt: string | null;
}

export interface SettlementQuery extends PageQuery {
  /** ISO-8601 bounds on the document date. */
  from?: string;
  to?: string;
}

/** One money line: part of an invoice, a payout, a commission, a refund or a fee. */
export interface SettlementLine {
  documentId: string;
  documentType: "invoice" | "credit-note" | "payout" | "commission" | "refund" | "fee" | "other";
  documentStatus: string;
  documentDate: string;
  orderId: MarketplaceOrderId | null;
  orderReference: MarketplaceOrderRef | null;
  lineId: MarketplaceLineId | null;
  sku: MarketplaceSku | null;
  quantity: number | null;
  /** Signed: what the marketplace owes the merchant is positive. Net of tax. */
  amount: Money;
  tax: Money | null;
  /** The payout this line was (or will be) paid in, where the platform says. */
  payoutId: string | null;
  description: string;
}
