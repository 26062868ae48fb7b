import type { z } from "zod";
import { err, ok, type Result } from "../../lib/result";
import {
  unauthorized,
  unavailable,
  type MarketplaceError,
} from "../marketplace-errors";
import { unlimitedBudget, type RequestBudget, type RequestPriority } from "../request-budget";
import {
  ACCESS_TOKEN_REUSE_MS,
  DEFAULT_TIMEOUT_MS,
  REFRESH_REQUEST_KEY,
  REFRESH_TOKEN_REUSE_MS,
  TOKEN_PATH,
  TOKEN_REFRESH_PATH,
} from "./platform-choices";
import { mapVirtualstockError } from "./virtualstock-errors";
import { RefreshResponse, TokenResponse } from "./virtualstock-schemas";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface VirtualstockClientOptions {
  /** e.g. https://api.sandbox.virtualstock.com (a trailing slash is ignored). */
  baseUrl: string;
  username: string;
  password: string;
  /** Shared request budget for this account; every HTTP call draws from it. */
  budget?: RequestBudget;
  /** Per-request timeout in ms, covering the response body too (default 10 s). */
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Clock for token ages and Retry-After dates (default Date.now). */
  now?: () => number;
}

export interface VirtualstockRequest<T> {
  method: "GET" | "POST" | "PATCH";
  /** Path with its trailing slash as Virtualstock spells it; `format=json` is added here. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  priority: RequestPriority;
  /** Parses the 2xx body (undefined when the body is empty). */
  schema: z.ZodType<T>;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

interface Token {
  value: string;
  obtainedAt: number;
}

/**
 * Virtualstock's HTTP client: JWT login and refresh, `Bearer` auth, per-request timeouts, the
 * request budget, and every answer either zod-parsed or mapped onto `MarketplaceError`. Nothing
 * here throws for a platform failure.
 */
export class VirtualstockClient {
  private readonly baseUrl: string;
  private readonly budget: RequestBudget;
  private readonly timeoutMs: number;
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private access: Token | null = null;
  private refresh: Token | null = null;
  private pendingToken: Promise<Result<string, MarketplaceError>> | null = null;

  constructor(private readonly options: VirtualstockClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.budget = options.budget ?? unlimitedBudget;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  /** Sends one API call, re-authenticating once on 401/403. */
  async request<T>(req: VirtualstockRequest<T>): Promise<Result<T, MarketplaceError>> {
    let token = await this.accessToken(req.priority);
    if (!token.ok) return token;
    let res = await this.send(req, token.value);
    if (res.ok && (res.value.status === 401 || res.value.status === 403)) {
      // The token may have been revoked or expired early: forget it, authenticate again, retry once.
      if (this.access?.value === token.value) this.access = null;
      token = await this.accessToken(req.priority);
      if (!token.ok) return token;
      res = await this.send(req, token.value);
    }
    if (!res.ok) return res;
    const { status, headers, text } = res.value;
    if (status < 200 || status >= 300) return err(await this.errorFor(status, headers, text));
    return parseBody(text, req.schema, `${req.method} ${req.path}`);
  }

  /** Authenticates now (login or refresh), e.g. to test credentials. */
  async authenticate(priority: RequestPriority): Promise<Result<void, MarketplaceError>> {
    const token = await this.accessToken(priority);
    return token.ok ? ok(undefined) : token;
  }

  private async accessToken(priority: RequestPriority): Promise<Result<string, MarketplaceError>> {
    const now = this.now();
    if (this.access && now - this.access.obtainedAt < ACCESS_TOKEN_REUSE_MS) return ok(this.access.value);
    // One login or refresh at a time: concurrent calls share its outcome.
    if (!this.pendingToken) {
      this.pendingToken = this.obtainToken(priority).finally(() => {
        this.pendingToken = null;
      });
    }
    return this.pendingToken;
  }

  private async obtainToken(priority: RequestPriority): Promise<Result<string, MarketplaceError>> {
    const refresh = this.refresh;
    if (refresh && this.now() - refresh.obtainedAt < REFRESH_TOKEN_REUSE_MS) {
      const refreshed = await this.post(TOKEN_REFRESH_PATH, { [REFRESH_REQUEST_KEY]: refresh.value }, priority);
      if (!refreshed.ok) return refreshed;
      const { status, headers, text } = refreshed.value;
      if (status >= 200 && status < 300) {
        const access = parseBody(text, RefreshResponse, "token refresh");
        if (!access.ok) return access;
        this.access = { value: access.value, obtainedAt: this.now() };
        return ok(access.value);
      }
      // Throttling and outages are not a bad refresh token: report them rather than log in.
      if (status === 429 || status >= 500) return err(await this.errorFor(status, headers, text));
      // Otherwise the refresh token is no longer accepted: log in again.
      this.refresh = null;
    }
    return this.login(priority);
  }

  private async login(priority: RequestPriority): Promise<Result<string, MarketplaceError>> {
    const res = await this.post(
      TOKEN_PATH,
      { username: this.options.username, password: this.options.password },
      priority,
    );
    if (!res.ok) return res;
    const { status, headers, text } = res.value;
    if (status === 400 || status === 401 || status === 403) {
      this.access = null;
      this.refresh = null;
      return err(
        unauthorized(
          "Virtualstock refused the username and password. Check them, or ask John Lewis for new credentials.",
        ),
      );
    }
    if (status < 200 || status >= 300) return err(await this.errorFor(status, headers, text));
    const tokens = parseBody(text, TokenResponse, "token");
    if (!tokens.ok) return tokens;
    const obtainedAt = this.now();
    this.access = { value: tokens.value.access, obtainedAt };
    this.refresh = { value: tokens.value.refresh, obtainedAt };
    return ok(tokens.value.access);
  }

  private post(path: string, body: unknown, priority: RequestPriority) {
    return this.exchange(`${this.baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    }, priority);
  }

  private send<T>(req: VirtualstockRequest<T>, token: string) {
    const url = new URL(`${this.baseUrl}${req.path}`);
    url.searchParams.set("format", "json");
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: "application/json",
    };
    if (req.body !== undefined) headers["content-type"] = "application/json";
    return this.exchange(url.toString(), {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    }, req.priority);
  }

  /**
   * One HTTP exchange: waits for the budget, then sends with a timeout that also covers reading
   * the body (a server can stall after the headers). Transport faults become `unavailable`.
   */
  private async exchange(
    url: string,
    init: RequestInit,
    priority: RequestPriority,
  ): Promise<Result<RawResponse, MarketplaceError>> {
    await this.budget.take(priority);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.fetchImpl(url, { ...init, signal: controller.signal });
      const text = await response.text();
      return ok({ status: response.status, headers: response.headers, text });
    } catch (cause) {
      if (controller.signal.aborted) {
        return err(unavailable("timeout", `No answer from Virtualstock within ${this.timeoutMs} ms.`));
      }
      const message = cause instanceof Error ? cause.message : String(cause);
      return err(unavailable("network", `Could not reach Virtualstock: ${message}`));
    } finally {
      clearTimeout(timer);
    }
  }

  private async errorFor(status: number, headers: Headers, text: string): Promise<MarketplaceError> {
    const error = mapVirtualstockError(status, headers, text, this.now());
    // Hold every caller of this account back, not just this one.
    if (error.kind === "rate-limited") await this.budget.pause(error.retryAfterMs);
    return error;
  }
}

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string): Result<T, MarketplaceError> {
  let json: unknown = undefined;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      return err(unavailable("malformed-response", `${what}: the answer is not JSON.`));
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "unknown";
    return err(unavailable("malformed-response", `${what}: unexpected answer (${where}).`));
  }
  return ok(parsed.data);
}

