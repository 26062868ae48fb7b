/**
 * The Virtualstock simulator's in-process handle and test-control surface. Tests, the contract
 * suite, benchmarks and the demo seed data and inject faults through this interface (or its HTTP
 * twin under /__control/, for a simulator in another process). The implementation lives in
 * server.ts; this file is the agreement between the simulator and its users.
 */
export interface VirtualstockSimulatorOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Requests per fixed 60 s window per supplier before 429 (default 250, as documented). 0 = no limit. */
  rateLimitPerMinute?: number;
  /** Artificial latency added to every API call, in ms (default 0). */
  latencyMs?: number;
  /** Access token lifetime (default 300 s) and refresh token lifetime (default 4 h), in seconds. */
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** Credentials the supplier logs in with (default "supplier" / "secret"). */
  username?: string;
  password?: string;
  /** Clock for token expiry, rate windows and timestamps; defaults to Date.now. */
  now?: () => number;
}

export interface SeedProduct {
  partNumber: string;
  /** Supplier stock shown on the marketplace (default 0). */
  stock?: number;
  name?: string;
  retailerSku?: string | null;
  supplierSku?: string | null;
  /** EAN or our SKU as JL holds it (tradedCode). */
  tradedCode?: string | null;
  /** A product in "Publishing" answers stock updates with 409 until this many ms have passed. */
  publishingForMs?: number;
}

export interface SeedOrderLine {
  partNumber: string;
  quantity?: number;
  /** Decimal string, e.g. "30.90"; null to mimic JL samples with no prices. */
  unitCostPrice?: string | null;
  taxRate?: string;
  name?: string;
  lineReference?: string;
}

export interface SeedOrder {
  orderReference?: string;
  /** Naive ISO date-time (UK local), default now. */
  orderDate?: string;
  lines: SeedOrderLine[];
  shippingAddress?: Partial<{
    full_name: string;
    line_1: string;
    line_2: string | null;
    city: string;
    state: string | null;
    postal_code: string;
    country: string;
    phone: string | null;
    email: string | null;
  }>;
  currencyCode?: string;
  testFlag?: boolean;
  deliveryServiceCode?: string | null;
  comment?: string | null;
}

export interface SeededOrder {
  /** The ORDER_URI number. */
  id: string;
  orderReference: string;
  url: string;
}

/** A fault applied to the next matching API calls (not to /__control or the token endpoints unless `path` says so). */
export type FaultSpec =
  | { kind: "status"; status: 500 | 502 | 503 | 504; count?: number; path?: string; method?: string }
  | { kind: "rate-limit"; retryAfterSeconds: number; count?: number; path?: string; method?: string; header?: boolean }
  | { kind: "slow"; delayMs: number; count?: number; path?: string; method?: string }
  | { kind: "hang"; count?: number; path?: string; method?: string }
  | { kind: "malformed-json"; count?: number; path?: string; method?: string }
  | { kind: "expire-tokens" };

/** One API call as the simulator saw it, for assertions. */
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  body: unknown;
}

export interface VirtualstockControl {
  reset(): void;
  seedProducts(products: SeedProduct[]): void;
  seedOrder(order: SeedOrder): SeededOrder;
  /** The retailer asks to cancel lines (line status -> CANCEL). Quantity defaults to the whole line. */
  requestCancellation(orderId: string, lines: { lineReference: string; quantity?: number; reasonCode?: number }[]): void;
  /** The retailer changes a product's part number (JL stock numbers can change). */
  renamePartNumber(oldPartNumber: string, newPartNumber: string): void;
  /** Retailer setting: refuse partial cancellation (400 "Partial cancellation not allowed item N"). */
  setPartialCancellationAllowed(allowed: boolean): void;
  setRateLimit(perMinute: number): void;
  setLatency(ms: number): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Current state, for assertions. */
  getProduct(partNumber: string): { partNumber: string; stock: number; stockUpdatedAt: string | null; updates: number } | null;
  getOrder(orderId: string): unknown;
  /** Line statuses of an order, by line reference. */
  lineStatuses(orderId: string): Record<string, string>;
  /**
   * Every acknowledge/dispatch/cancel_acknowledge/backorder body received for an order (also
   * return_acknowledge), accepted or not; `status` is the HTTP status it was answered with.
   */
  actionsFor(orderId: string): { action: string; body: unknown; at: number; status?: number }[];
  requests(): RecordedRequest[];
  /** Counts of responses by status code since the last reset. */
  statusCounts(): Record<number, number>;
  /** Invoices and the payment they add up to. */
  seedRemittance(input: { orderIds: string[]; paymentReference?: string; paidOn?: string }): { paymentReference: string };
  /** The retailer opens a return on dispatched lines (DISPATCH -> RMA). Quantity defaults to what was dispatched. */
  requestReturn?(orderId: string, lines: { lineReference: string; quantity?: number }[]): void;
  /** The retailer approves or rejects an invoice awaiting approval (portal-only in reality). */
  setInvoiceStatus?(invoiceNumber: string, status: "APPROVED" | "REJECTED"): void;
}

export interface VirtualstockSimulator {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  control: VirtualstockControl;
  close(): Promise<void>;
}
