import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { checkAuthorization, TokenAuthority } from "./auth";
import { CARRIERS } from "./carriers";
import type {
  FaultSpec,
  RecordedRequest,
  SeedOrder,
  SeedProduct,
  VirtualstockControl,
  VirtualstockSimulator,
  VirtualstockSimulatorOptions,
} from "./control";
import { handleControlRequest } from "./control-http";
import { charField, validateBody } from "./drf";
import { FaultBook, RateWindow, throttledBody } from "./faults";
import {
  invoiceJson,
  orderJson,
  itemJson,
  pageJson,
  productJson,
  productTreeUrl,
  readPage,
} from "./serialize";
import {
  ACTION_NAMES,
  type ActionName,
  IDENTITY,
  INVOICE_ERROR_TEXT,
  LINE_STATUSES,
  type LineStatus,
  VirtualstockState,
} from "./state";

/**
 * A stateful stand-in for Virtualstock ("The Edge") as a John Lewis supplier sees it, on plain
 * node:http. Behaviour follows ../shared/reference/virtualstock-supplier-api.md and the
 * published Postman collection; every open point is decided in
 * docs/decisions/002-virtualstock-simulator-choices.md.
 */

const DEFAULTS = {
  rateLimitPerMinute: 250,
  latencyMs: 0,
  accessTokenTtlSeconds: 300,
  refreshTokenTtlSeconds: 4 * 60 * 60,
  username: "supplier",
  password: "secret",
};

/** Extras beyond the agreed interface (all optional there). */
export interface VirtualstockControlExtras {
  requestReturn(orderId: string, lines: { lineReference: string; quantity?: number }[]): void;
  setInvoiceStatus(invoiceNumber: string, status: "APPROVED" | "REJECTED"): void;
}

export type FullVirtualstockControl = VirtualstockControl & VirtualstockControlExtras;

interface SimResponse {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

function json(status: number, value: unknown, headers?: Record<string, string>): SimResponse {
  return { status, body: JSON.stringify(value), contentType: "application/json", headers };
}

function plain(status: number, text: string): SimResponse {
  return { status, body: text, contentType: "text/plain; charset=utf-8" };
}

function htmlPage(status: number, title: string): SimResponse {
  return { status, body: `<!doctype html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`, contentType: "text/html; charset=utf-8" };
}

const HTML_TITLES: Record<number, string> = {
  404: "Not Found",
  500: "Server Error (500)",
  502: "502 Bad Gateway",
  503: "503 Service Temporarily Unavailable",
  504: "504 Gateway Time-out",
};

const NOT_FOUND = { detail: "Not found." };

/** requests() keeps the most recent calls only; statusCounts() counts all since the last reset. */
const MAX_RECORDS = 100_000;

interface Ctx {
  method: string;
  base: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  params: string[];
  formatJson: boolean;
}

type Handler = (c: Ctx) => SimResponse;

interface Route {
  pattern: RegExp;
  /** "required": Django's APPEND_SLASH applies; "optional": both spellings reach the view. */
  slash: "required" | "optional";
  /** Token endpoints authenticate with their body, not a header. */
  public?: boolean;
  methods: Record<string, Handler>;
}

type BodyRead = { ok: true; value: unknown; raw: string } | { ok: false; response: SimResponse; raw: string };

function parseBody(raw: string, contentType: string | undefined): BodyRead {
  if (raw.trim() === "") return { ok: true, value: {}, raw };
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(raw)), raw };
  }
  if (type === "" || type === "application/json" || type.endsWith("+json")) {
    try {
      return { ok: true, value: JSON.parse(raw), raw };
    } catch (e) {
      const reason = e instanceof Error ? e.message : "invalid JSON";
      return { ok: false, response: json(400, { detail: `JSON parse error - ${reason}` }), raw };
    }
  }
  return { ok: false, response: json(415, { detail: `Unsupported media type "${type}" in request.` }), raw };
}

class Simulator {
  readonly state: VirtualstockState;
  readonly tokens: TokenAuthority;
  readonly faults = new FaultBook();
  readonly rate: RateWindow;
  latencyMs: number;
  url = "";
  /** Recent calls, oldest dropped beyond MAX_RECORDS so a long demo run stays small. */
  private records: RecordedRequest[] = [];
  private tally: Record<number, number> = {};
  private closed = false;
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly hung = new Set<ServerResponse>();
  private readonly routes: Route[];
  readonly control: FullVirtualstockControl;

  constructor(private readonly opts: Required<Omit<VirtualstockSimulatorOptions, "port">>) {
    this.state = new VirtualstockState(opts.now);
    this.tokens = new TokenAuthority({
      accessTtlSeconds: opts.accessTokenTtlSeconds,
      refreshTtlSeconds: opts.refreshTokenTtlSeconds,
      userId: IDENTITY.userId,
      now: opts.now,
    });
    this.rate = new RateWindow(opts.rateLimitPerMinute, opts.now);
    this.latencyMs = opts.latencyMs;
    this.routes = this.buildRoutes();
    this.control = this.buildControl();
  }

  // ---- HTTP entry ----------------------------------------------------------------------------

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRaw(req);
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    if (url.pathname === "/__control" || url.pathname.startsWith("/__control/")) {
      // Control bodies are always JSON, whatever Content-Type the caller sent.
      const parsed = parseBody(raw, "application/json");
      const out = parsed.ok
        ? handleControlRequest(this.control, method, url.pathname.slice("/__control".length), parsed.value)
        : { status: 400, body: { error: "invalid JSON body" } };
      send(res, json(out.status, out.body));
      return;
    }
    const base = req.headers.host ? `http://${req.headers.host}` : this.url;
    const parsed = parseBody(raw, req.headers["content-type"]);
    const recorded: RecordedRequest = {
      at: this.opts.now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      body: parsed.ok ? (raw.trim() === "" ? null : parsed.value) : raw,
    };
    this.records.push(recorded);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);

    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (this.closed) return;

    const isToken = /^\/restapi\/v4\/token(\/refresh)?\/?$/.test(url.pathname);
    const fault = this.faults.take(method, url.pathname + url.search, isToken);
    let malformed = false;
    if (fault) {
      switch (fault.kind) {
        case "status":
          this.finish(recorded, fault.status);
          send(res, htmlPage(fault.status, HTML_TITLES[fault.status] ?? `Error ${fault.status}`));
          return;
        case "rate-limit": {
          this.finish(recorded, 429);
          const headers: Record<string, string> = fault.header === false ? {} : { "Retry-After": String(fault.retryAfterSeconds) };
          send(res, json(429, throttledBody(fault.retryAfterSeconds), headers));
          return;
        }
        case "slow":
          await this.sleep(fault.delayMs);
          if (this.closed) return;
          break;
        case "hang":
          // Never answered; close() ends it. Status 0 in the records means "no response".
          this.finish(recorded, 0);
          this.hung.add(res);
          res.on("close", () => this.hung.delete(res));
          return;
        case "malformed-json":
          malformed = true;
          break;
      }
    }

    let response = parsed.ok ? this.route(method, url, base, parsed.value, req.headers.authorization) : parsed.response;
    if (malformed) response = corrupt(response);
    this.finish(recorded, response.status);
    send(res, response);
  }

  private finish(recorded: RecordedRequest, status: number): void {
    recorded.status = status;
    this.tally[status] = (this.tally[status] ?? 0) + 1;
  }

  private route(method: string, url: URL, base: string, body: unknown, authHeader: string | undefined): SimResponse {
    const hadSlash = url.pathname.endsWith("/");
    const trimmed = hadSlash ? url.pathname.slice(0, -1) : url.pathname;
    for (const route of this.routes) {
      const m = route.pattern.exec(trimmed);
      if (!m) continue;
      if (route.slash === "required" && !hadSlash && (method === "GET" || method === "HEAD")) {
        // Django's CommonMiddleware (APPEND_SLASH) redirects before any view runs.
        return { status: 301, body: "", contentType: "text/html; charset=utf-8", headers: { Location: `${base}${url.pathname}/${url.search}` } };
      }
      return this.dispatch(route, method, url, base, body, m.slice(1), hadSlash, authHeader);
    }
    return htmlPage(404, "Not Found");
  }

  private dispatch(
    route: Route,
    method: string,
    url: URL,
    base: string,
    body: unknown,
    params: string[],
    hadSlash: boolean,
    authHeader: string | undefined,
  ): SimResponse {
    // DRF order: authenticate, then throttle, then find the handler for the method.
    if (!route.public) {
      const auth = checkAuthorization(authHeader, this.tokens, this.opts);
      if (!auth.ok) return json(401, auth.body, { "WWW-Authenticate": 'Bearer realm="api"' });
    }
    const wait = this.rate.take();
    if (wait !== null) return json(429, throttledBody(wait), { "Retry-After": String(wait) });
    const handler = route.methods[method];
    const allow = [...Object.keys(route.methods), "OPTIONS"].join(", ");
    // A required trailing slash that is missing on a write: the documented 405 for POST /api/v4/invoices.
    if (!handler || (route.slash === "required" && !hadSlash)) {
      return json(405, { detail: `Method "${method}" not allowed.` }, { Allow: allow });
    }
    return handler({
      method,
      base,
      path: url.pathname,
      query: url.searchParams,
      body,
      params,
      formatJson: url.searchParams.get("format") === "json",
    });
  }

  // ---- routes --------------------------------------------------------------------------------

  private buildRoutes(): Route[] {
    const s = this.state;
    const id = "([^/.]+)";
    const actions = ACTION_NAMES.join("|");
    return [
      { pattern: /^\/restapi\/v4\/token$/, slash: "optional", public: true, methods: { POST: (c) => this.obtainToken(c) } },
      { pattern: /^\/restapi\/v4\/token\/refresh$/, slash: "optional", public: true, methods: { POST: (c) => this.refreshToken(c) } },
      {
        pattern: /^\/restapi\/v4\/customers$/,
        slash: "required",
        methods: { GET: (c) => json(200, pageJson(c.base, c.path, c.query, readPage(c.query, 100, 1000), 1, [this.customer(c.base)])) },
      },
      {
        pattern: new RegExp(`^/restapi/v4/customers/${id}$`),
        slash: "required",
        methods: { GET: (c) => (c.params[0] === String(IDENTITY.customerId) ? json(200, this.customer(c.base)) : json(404, NOT_FOUND)) },
      },
      { pattern: /^\/restapi\/v4\/suppliers$/, slash: "required", methods: { GET: (c) => this.listOrderSuppliers(c) } },
      {
        pattern: new RegExp(`^/restapi/v4/suppliers/${id}$`),
        slash: "required",
        methods: {
          GET: (c) =>
            c.params[0] === String(IDENTITY.orderApiSupplierId) ? json(200, this.orderSupplier(c.base)) : json(404, NOT_FOUND),
        },
      },
      { pattern: /^\/restapi\/v4\/orders$/, slash: "required", methods: { GET: (c) => this.listOrders(c) } },
      {
        pattern: new RegExp(`^/restapi/v4/orders/${id}$`),
        slash: "required",
        methods: {
          GET: (c) => {
            const order = s.findOrder(c.params[0]);
            return order ? json(200, orderJson(c.base, order)) : json(404, NOT_FOUND);
          },
        },
      },
      {
        pattern: new RegExp(`^/restapi/v4/orders/${id}/(${actions})$`),
        slash: "required",
        methods: { POST: (c) => this.orderAction(c, c.params[0], c.params[1] as ActionName) },
      },
      {
        pattern: new RegExp(`^/restapi/v4/items/${id}$`),
        slash: "required",
        methods: {
          GET: (c) => {
            const found = s.findItem(c.params[0]);
            return found ? json(200, itemJson(c.base, found.line)) : json(404, NOT_FOUND);
          },
        },
      },
      { pattern: /^\/restapi\/v4\/order-tracking-carriers$/, slash: "required", methods: { GET: (c) => this.listCarriers(c) } },
      {
        pattern: /^\/api\/v4\/suppliers$/,
        slash: "required",
        methods: {
          GET: (c) =>
            json(200, pageJson(c.base, c.path, c.query, readPage(c.query, 100, 1000), 1, [
              {
                url: productTreeUrl(c.base, `/api/v4/suppliers/${IDENTITY.productApiSupplierId}/`, c.formatJson),
                id: IDENTITY.productApiSupplierId,
                name: IDENTITY.supplierName,
              },
            ])),
        },
      },
      { pattern: /^\/api\/v4\/products$/, slash: "required", methods: { GET: (c) => this.listProducts(c) } },
      {
        // The collection's "Retrieve a product" URL has no trailing slash, so both spellings work.
        pattern: new RegExp(`^/api/v4/products/${id}$`),
        slash: "optional",
        methods: {
          GET: (c) => {
            const p = s.productById(c.params[0]);
            return p
              ? json(200, productJson(c.base, p, c.formatJson, s.isPublishing(p)))
              : json(404, { detail: "Product not found.", code: "PRODUCT_NOT_FOUND" });
          },
        },
      },
      {
        // Documented without a trailing slash; accepted with one too.
        pattern: new RegExp(`^/api/v4/products/${id}/stock$`),
        slash: "optional",
        methods: { PATCH: (c) => this.updateStock(c) },
      },
      {
        pattern: /^\/api\/v4\/invoices$/,
        slash: "required",
        methods: { GET: (c) => this.listInvoices(c), POST: (c) => this.createInvoice(c) },
      },
      {
        pattern: new RegExp(`^/api/v4/invoices/${id}$`),
        slash: "required",
        methods: {
          GET: (c) => {
            const inv = s.findInvoice(c.params[0]);
            return inv ? json(200, invoiceJson(c.base, inv, c.formatJson)) : json(404, NOT_FOUND);
          },
        },
      },
    ];
  }

  private customer(base: string) {
    return { url: `${base}/restapi/v4/customers/${IDENTITY.customerId}/`, id: IDENTITY.customerId, name: IDENTITY.retailerName };
  }

  private orderSupplier(base: string) {
    return {
      url: `${base}/restapi/v4/suppliers/${IDENTITY.orderApiSupplierId}/`,
      id: IDENTITY.orderApiSupplierId,
      name: IDENTITY.supplierName,
      account_id: IDENTITY.supplierAccountId,
    };
  }

  private obtainToken(c: Ctx): SimResponse {
    const v = validateBody(z.object({ username: charField(), password: charField() }), c.body);
    if (!v.ok) return json(400, v.errors);
    if (v.value.username !== this.opts.username || v.value.password !== this.opts.password) {
      return json(401, { detail: "No active account found with the given credentials" });
    }
    return json(200, { refresh: this.tokens.issue("refresh"), access: this.tokens.issue("access") });
  }

  private refreshToken(c: Ctx): SimResponse {
    const b = c.body !== null && typeof c.body === "object" && !Array.isArray(c.body) ? (c.body as Record<string, unknown>) : {};
    // The collection says "refresh"; its Python sample says "refresh_token". Both are accepted.
    const token = b.refresh ?? b.refresh_token;
    if (token === undefined || token === null || token === "") return json(400, { refresh: ["This field is required."] });
    if (typeof token !== "string") return json(400, { refresh: ["Not a valid string."] });
    const check = this.tokens.verify(token, "refresh");
    if (!check.ok) {
      return json(401, {
        detail: check.reason === "wrong-type" ? "Token has wrong type" : "Token is invalid or expired",
        code: "token_not_valid",
      });
    }
    return json(200, { access: this.tokens.issue("access") });
  }

  private listOrderSuppliers(c: Ctx): SimResponse {
    const name = c.query.get("name");
    const account = c.query.get("account_id");
    const match =
      (name === null || name === IDENTITY.supplierName) && (account === null || account === IDENTITY.supplierAccountId);
    const results = match ? [this.orderSupplier(c.base)] : [];
    return json(200, pageJson(c.base, c.path, c.query, readPage(c.query, 100, 1000), results.length, results));
  }

  private listOrders(c: Ctx): SimResponse {
    const status = c.query.get("status");
    if (status !== null && !LINE_STATUSES.includes(status as LineStatus)) {
      return json(400, { status: [`Select a valid choice. ${status} is not one of the available choices.`] });
    }
    const reference = c.query.get("order_reference");
    const part = c.query.get("part_number");
    const supplierId = c.query.get("supplier_id");
    const retailerId = c.query.get("retailer_id");
    const matching = this.state.allOrders().filter(
      (o) =>
        (status === null || o.lines.some((l) => l.status === status)) &&
        (reference === null || o.orderReference === reference) &&
        (part === null || o.lines.some((l) => l.partNumber === part)) &&
        (supplierId === null || supplierId === String(IDENTITY.orderApiSupplierId)) &&
        (retailerId === null || retailerId === String(IDENTITY.customerId)),
    );
    const page = readPage(c.query, 10, 1000);
    const slice = matching.slice(page.offset, page.offset + page.limit).map((o) => orderJson(c.base, o));
    return json(200, pageJson(c.base, c.path, c.query, page, matching.length, slice));
  }

  private orderAction(c: Ctx, orderId: string, action: ActionName): SimResponse {
    const outcome = this.state.applyAction(orderId, action, c.body);
    switch (outcome.kind) {
      case "ok":
        return json(200, { message: outcome.message });
      case "not-found":
        return json(404, NOT_FOUND);
      case "field-errors":
        return json(400, outcome.errors);
      case "rejected":
        return plain(400, outcome.text);
    }
  }

  private listCarriers(c: Ctx): SimResponse {
    // DRF LimitOffsetPagination without a default page size paginates only when `limit` is given.
    if (!c.query.has("limit")) return json(200, CARRIERS);
    const page = readPage(c.query, 1000, 1000);
    return json(200, pageJson(c.base, c.path, c.query, page, CARRIERS.length, CARRIERS.slice(page.offset, page.offset + page.limit)));
  }

  private listProducts(c: Ctx): SimResponse {
    const s = this.state;
    const page = readPage(c.query, 100, 1000);
    const part = c.query.get("part_number");
    const view = (p: NonNullable<ReturnType<VirtualstockState["productByPartNumber"]>>) =>
      productJson(c.base, p, c.formatJson, s.isPublishing(p));
    if (part !== null) {
      const p = s.productByPartNumber(part);
      const all = p ? [p] : [];
      return json(200, pageJson(c.base, c.path, c.query, page, all.length, all.slice(page.offset, page.offset + page.limit).map(view)));
    }
    return json(200, pageJson(c.base, c.path, c.query, page, s.productCount(), s.productPage(page.offset, page.limit).map(view)));
  }

  private updateStock(c: Ctx): SimResponse {
    const out = this.state.updateStock(c.params[0], c.body);
    switch (out.kind) {
      case "ok":
        return json(200, {
          url: productTreeUrl(c.base, `/api/v4/products/${out.product.restId}/`, c.formatJson),
          part_number: out.product.partNumber,
          supplier_free_stock: out.product.stock,
          stock_updated_at: out.product.stockUpdatedAt,
        });
      case "not-found":
        return json(404, { detail: "Product not found.", code: "PRODUCT_NOT_FOUND" });
      case "publishing":
        return json(409, { detail: "Can't update a product which is in a publishing status." });
      case "field-errors":
        return json(400, out.errors);
    }
  }

  private listInvoices(c: Ctx): SimResponse {
    const filters = ["status", "invoice_number", "retailer_order_reference", "payment_reference"] as const;
    const wanted = filters.map((f) => [f, c.query.get(f)] as const).filter(([, v]) => v !== null);
    const all = this.state.allInvoices().filter((inv) =>
      wanted.every(([f, v]) => {
        const actual = {
          status: inv.status,
          invoice_number: inv.invoiceNumber,
          retailer_order_reference: inv.retailerOrderReference,
          payment_reference: inv.paymentReference,
        }[f];
        return actual === v;
      }),
    );
    const page = readPage(c.query, 100, 1000);
    const results = all.slice(page.offset, page.offset + page.limit).map((i) => invoiceJson(c.base, i, c.formatJson));
    return json(200, pageJson(c.base, c.path, c.query, page, all.length, results));
  }

  private createInvoice(c: Ctx): SimResponse {
    const out = this.state.createInvoice(c.body);
    switch (out.kind) {
      case "created":
        return json(201, invoiceJson(c.base, out.invoice, c.formatJson));
      case "field-errors":
        return json(400, out.errors);
      case "error":
        return json(400, { detail: INVOICE_ERROR_TEXT[out.code], code: out.code });
    }
  }

  // ---- control -------------------------------------------------------------------------------

  private buildControl(): FullVirtualstockControl {
    const s = this.state;
    return {
      reset: () => {
        s.reset();
        this.faults.clear();
        this.records = [];
        this.tally = {};
        this.rate.reset();
        this.rate.limitPerMinute = this.opts.rateLimitPerMinute;
        this.latencyMs = this.opts.latencyMs;
      },
      seedProducts: (products: SeedProduct[]) => s.seedProducts(products),
      seedOrder: (order: SeedOrder) => {
        const seeded = s.seedOrder(order);
        return { id: seeded.id, orderReference: seeded.orderReference, url: `${this.url}${seeded.url}` };
      },
      requestCancellation: (orderId, lines) => s.requestCancellation(orderId, lines),
      requestReturn: (orderId, lines) => s.requestReturn(orderId, lines),
      renamePartNumber: (a, b) => s.renamePartNumber(a, b),
      setPartialCancellationAllowed: (allowed) => {
        s.partialCancellationAllowed = allowed;
      },
      setRateLimit: (perMinute) => {
        this.rate.limitPerMinute = perMinute;
      },
      setLatency: (ms) => {
        this.latencyMs = ms;
      },
      injectFault: (fault: FaultSpec) => {
        if (fault.kind === "expire-tokens") this.tokens.revokeAll();
        else this.faults.inject(fault);
      },
      clearFaults: () => this.faults.clear(),
      getProduct: (partNumber) => {
        const p = s.productByPartNumber(partNumber);
        return p ? { partNumber: p.partNumber, stock: p.stock, stockUpdatedAt: p.stockUpdatedAt, updates: p.updates } : null;
      },
      getOrder: (orderId) => {
        const order = s.findOrder(orderId);
        if (!order) return null;
        return { ...orderJson(this.url, order), simulator: structuredClone(order) };
      },
      lineStatuses: (orderId) => {
        const order = s.findOrder(orderId);
        return order ? Object.fromEntries(order.lines.map((l) => [l.lineReference, l.status])) : {};
      },
      actionsFor: (orderId) => s.actionsFor(orderId).map((a) => ({ ...a })),
      requests: () => this.records.map((r) => ({ ...r, query: { ...r.query } })),
      statusCounts: () => ({ ...this.tally }),
      seedRemittance: (input) => s.seedRemittance(input),
      setInvoiceStatus: (invoiceNumber, status) => s.setInvoiceStatus(invoiceNumber, status),
    };
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pending.add(entry);
    });
  }

  shutdown(): void {
    this.closed = true;
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.resolve();
    }
    this.pending.clear();
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }
}

function readRaw(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // A client that went away mid-body gets no answer anyway; carry on with what arrived.
    req.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function send(res: ServerResponse, r: SimResponse): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(r.body, "utf8");
  res.writeHead(r.status, {
    "Content-Type": r.contentType,
    "Content-Length": String(body.length),
    Vary: "Accept, Accept-Language, Cookie",
    ...r.headers,
  });
  res.end(body);
}

/** A body cut short: the first half of it, which is never valid JSON for an object or a list. */
function corrupt(r: SimResponse): SimResponse {
  const cut = r.body.slice(0, Math.max(1, Math.floor(r.body.length / 2)));
  let body = cut;
  try {
    JSON.parse(cut);
    body = `<${cut}`;
  } catch {
    // already unparseable
  }
  return { ...r, body, contentType: "application/json" };
}

/** Starts a simulator on 127.0.0.1 (a random port unless `port` is given). */
export async function startVirtualstockSimulator(
  options: VirtualstockSimulatorOptions = {},
): Promise<VirtualstockSimulator & { control: FullVirtualstockControl }> {
  const sim = new Simulator({
    rateLimitPerMinute: options.rateLimitPerMinute ?? DEFAULTS.rateLimitPerMinute,
    latencyMs: options.latencyMs ?? DEFAULTS.latencyMs,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? DEFAULTS.refreshTokenTtlSeconds,
    username: options.username ?? DEFAULTS.username,
    password: options.password ?? DEFAULTS.password,
    now: options.now ?? Date.now,
  });
  const server = createServer((req, res) => {
    sim.handle(req, res).catch((e: unknown) => {
      // A simulator bug must be loud in test output, not a silent hang.
      console.error("virtualstock simulator: unhandled error", e);
      send(res, htmlPage(500, "Server Error (500)"));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sim.url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url: sim.url,
    control: sim.control,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        sim.shutdown();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
