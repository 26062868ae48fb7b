/**
 * Worker-side Admin GraphQL client (graphql-request) for jobs that run outside a Remix request.
 * It paces itself on Shopify's calculated-cost bucket, read from `extensions.cost.throttleStatus`
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): it waits before sending when
 * the last known bucket cannot cover the request, retries THROTTLED after
 * (requested - available) / restoreRate seconds, and retries 5xx, 429 and network failures with
 * bounded exponential backoff. Top-level GraphQL errors come back as a typed error value;
 * mutation `userErrors` are data and are left to the caller (see `checkUserErrors`).
 */
import { ClientError, GraphQLClient } from "graphql-request";
import { z } from "zod";
import { err, ok, type Result } from "../lib/result";

export const ADMIN_API_VERSION = "2026-04";

const ThrottleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number(),
});
const CostSchema = z.object({
  requestedQueryCost: z.number().nullable(),
  actualQueryCost: z.number().nullable(),
  throttleStatus: ThrottleStatusSchema,
});
const ExtensionsSchema = z.object({ cost: CostSchema }).partial().passthrough();
const GraphQLErrorSchema = z
  .object({
    message: z.string(),
    path: z.array(z.union([z.string(), z.number()])).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export type QueryCost = z.infer<typeof CostSchema>;
export type ThrottleStatus = z.infer<typeof ThrottleStatusSchema>;
export interface AdminGraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Why a request failed. `retryable` failures were already retried up to `maxRetries`. */
export type AdminApiError =
  | { kind: "graphql"; retryable: false; errors: AdminGraphQLError[]; cost: QueryCost | null }
  | { kind: "throttled"; retryable: true; retryAfterMs: number }
  | { kind: "unavailable"; retryable: true; status: number | null; message: string }
  | { kind: "unauthorized"; retryable: false; status: number };

export interface AdminResponse<T> {
  data: T;
  cost: QueryCost | null;
}

export interface AdminRequestOptions {
  /** Passed as `$idempotencyKey`: documents use `@idempotent(key: $idempotencyKey)`. Reuse it on retries. */
  idempotencyKey?: string;
  /** Expected cost, to wait before sending; defaults to the last requested cost of the same document. */
  estimatedCost?: number;
  signal?: AbortSignal;
}

export interface AdminClientOptions {
  /** The shop's myshopify domain, e.g. `example.myshopify.com`. */
  shop: string;
  accessToken: string;
  /** Defaults to `https://{shop}/admin/api/2026-04/graphql.json`; the simulator gives its own URL. */
  endpoint?: string;
  /** Retries after the first attempt, for throttling and transient failures (default 4). */
  maxRetries?: number;
  /** First backoff for 5xx/network failures, doubled per attempt (default 500 ms). */
  backoffBaseMs?: number;
  /** Upper bound of any single wait (default 30 s). */
  maxWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface AdminClient {
  request<T>(document: string, variables?: Record<string, unknown>, options?: AdminRequestOptions): Promise<Result<AdminResponse<T>, AdminApiError>>;
  /** The bucket as of the last response, projected to now; null before the first response. */
  throttleStatus(): ThrottleStatus | null;
}

export function adminEndpoint(shop: string): string {
  return `https://${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const maxRetries = options.maxRetries ?? 4;
  const backoffBase = options.backoffBaseMs ?? 500;
  const maxWait = options.maxWaitMs ?? 30_000;
  const client = new GraphQLClient(options.endpoint ?? adminEndpoint(options.shop), {
    headers: { "X-Shopify-Access-Token": options.accessToken },
    errorPolicy: "all",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let bucket: { status: ThrottleStatus; at: number } | null = null;
  const lastCost = new Map<string, number>();

  const projected = (): ThrottleStatus | null => {
    if (!bucket) return null;
    const elapsed = Math.max(0, now() - bucket.at) / 1000;
    const s = bucket.status;
    return { ...s, currentlyAvailable: Math.min(s.maximumAvailable, s.currentlyAvailable + elapsed * s.restoreRate) };
  };
  const waitFor = (needed: number, status: ThrottleStatus) =>
    Math.min(maxWait, Math.ceil((Math.max(0, needed - status.currentlyAvailable) / Math.max(status.restoreRate, 1)) * 1000));

  async function request<T>(document: string, variables: Record<string, unknown> = {}, opts: AdminRequestOptions = {}): Promise<Result<AdminResponse<T>, AdminApiError>> {
    const vars = opts.idempotencyKey === undefined ? variables : { ...variables, idempotencyKey: opts.idempotencyKey };
    let last: AdminApiError = { kind: "unavailable", retryable: true, status: null, message: "not attempted" };
    let justWaited = false;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const estimate = opts.estimatedCost ?? lastCost.get(document);
      const status = projected();
      // After a retry wait the projection is already covered; waiting again would double the delay.
      if (!justWaited && estimate !== undefined && status && estimate > status.currentlyAvailable) await sleep(waitFor(estimate, status));
      justWaited = false;

      let raw: { data?: unknown; errors?: unknown; extensions?: unknown };
      try {
        raw = await client.rawRequest<T>({ query: document, variables: vars, signal: opts.signal });
      } catch (e) {
        if (e instanceof ClientError) {
          const httpStatus = e.response.status;
          if (httpStatus === 401 || httpStatus === 403) return err({ kind: "unauthorized", retryable: false, status: httpStatus });
          if (httpStatus === 429) {
            const retryAfter = Number(e.response.headers?.get?.("retry-after") ?? "1");
            last = { kind: "throttled", retryable: true, retryAfterMs: Math.min(maxWait, (Number.isFinite(retryAfter) ? retryAfter : 1) * 1000) };
            if (attempt < maxRetries) await sleep(last.retryAfterMs);
            justWaited = true;
            continue;
          }
          if (httpStatus >= 500) {
            last = { kind: "unavailable", retryable: true, status: httpStatus, message: `HTTP ${httpStatus}` };
          } else {
            const errors = z.array(GraphQLErrorSchema).safeParse(e.response.errors);
            return err({ kind: "graphql", retryable: false, errors: errors.success ? errors.data : [{ message: `HTTP ${httpStatus}: ${String(e.response.body ?? "")}`.slice(0, 500) }], cost: null });
          }
        } else {
          if (opts.signal?.aborted) throw e;
          last = { kind: "unavailable", retryable: true, status: null, message: (e as Error).message };
        }
        if (attempt < maxRetries) await sleep(Math.min(maxWait, backoffBase * 2 ** attempt));
        justWaited = true;
        continue;
      }

      const ext = ExtensionsSchema.safeParse(raw.extensions ?? {});
      const cost = ext.success ? (ext.data.cost ?? null) : null;
      if (cost) {
        bucket = { status: cost.throttleStatus, at: now() };
        if (cost.requestedQueryCost !== null) lastCost.set(document, cost.requestedQueryCost);
      }
      const parsedErrors = z.array(GraphQLErrorSchema).safeParse(raw.errors ?? []);
      const errors = parsedErrors.success ? parsedErrors.data : [{ message: "Unreadable errors in the response" }];
      if (errors.some((x) => x.extensions?.code === "THROTTLED")) {
        const requested = cost?.requestedQueryCost ?? estimate ?? 0;
        if (cost && requested > cost.throttleStatus.maximumAvailable) {
          // No amount of waiting helps: the query must be made cheaper (smaller pages) or run as a bulk operation.
          return err({ kind: "graphql", retryable: false, errors: [{ message: `Query cost ${requested} exceeds the bucket size ${cost.throttleStatus.maximumAvailable}`, extensions: { code: "THROTTLED" } }], cost });
        }
        const retryAfterMs = cost ? waitFor(requested, cost.throttleStatus) : backoffBase * 2 ** attempt;
        last = { kind: "throttled", retryable: true, retryAfterMs };
        if (attempt < maxRetries) await sleep(retryAfterMs);
        justWaited = true;
        continue;
      }
      if (errors.length > 0) return err({ kind: "graphql", retryable: false, errors, cost });
      return ok({ data: raw.data as T, cost });
    }
    return err(last);
  }

  return { request, throttleStatus: projected };
}

/** A mutation's `userErrors` entry (some payloads add `code`). */
export interface ShopifyUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export interface UserErrorsFailure {
  kind: "user-errors";
  retryable: false;
  userErrors: ShopifyUserError[];
}

/**
 * Turns a mutation payload into a Result: ok when it exists and has no userErrors. Pass the
 * error list's field name for payloads that use another one (orderCancel: `orderCancelUserErrors`).
 */
export function checkUserErrors<P extends object>(payload: P | null | undefined, field: string = "userErrors"): Result<P, UserErrorsFailure> {
  if (!payload) return err({ kind: "user-errors", retryable: false, userErrors: [{ message: "The mutation returned no payload" }] });
  const list = (payload as Record<string, unknown>)[field];
  const userErrors = Array.isArray(list) ? (list as ShopifyUserError[]) : [];
  return userErrors.length ? err({ kind: "user-errors", retryable: false, userErrors }) : ok(payload);
}
