import {
  rateLimited,
  rejected,
  unauthorized,
  unavailable,
  type MarketplaceError,
} from "../marketplace-errors";
import { DEFAULT_RATE_LIMIT_RETRY_MS, INVALID_STATE_TEXTS } from "./platform-choices";

/**
 * Maps a non-2xx Virtualstock answer onto the port's error union. Pure: status, the headers we
 * read and the raw body text in, an error value out. 401/403 arrive here only after the client has
 * re-authenticated once.
 */
export function mapVirtualstockError(
  status: number,
  headers: { get(name: string): string | null },
  bodyText: string,
  nowMs: number,
): MarketplaceError {
  const body = parseJson(bodyText);
  const messages = collectMessages(body, bodyText);
  const message = messages.join("; ") || `HTTP ${status}`;
  const code = bodyCode(body);

  if (status === 429) return rateLimited(retryAfterMs(headers.get("retry-after"), bodyText, nowMs));
  if (status === 401 || status === 403) return unauthorized(message);
  if (status === 409) return unavailable("locked", message);
  if (status >= 500) return unavailable("server-error", message);
  if (status === 404) return rejected("not-found", code ?? "NOT_FOUND", message, status);
  if (status === 400 || status === 422) {
    if (INVALID_STATE_TEXTS.some((re) => messages.some((m) => re.test(m)))) {
      return rejected("invalid-state", code ?? "INVALID_STATE", message, status);
    }
    // DRF field errors ({"field": ["This field is required."]}) and plain business texts alike
    // mean the request itself is wrong.
    return rejected("validation", code ?? "VALIDATION_ERROR", message, status);
  }
  return rejected("other", code ?? `HTTP_${status}`, message, status);
}

/**
 * How long a 429 asks us to wait: the `Retry-After` header (seconds or an HTTP date), else the
 * seconds in DRF's "Expected available in 12.0 seconds.", else a full rate window.
 */
export function retryAfterMs(header: string | null, bodyText: string, nowMs: number): number {
  if (header !== null && header.trim() !== "") {
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const m = /available in (\d+(?:\.\d+)?) seconds?/i.exec(bodyText);
  if (m) return Math.ceil(Number(m[1]) * 1000);
  return DEFAULT_RATE_LIMIT_RETRY_MS;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function bodyCode(body: unknown): string | null {
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const code = (body as Record<string, unknown>).code;
    if (typeof code === "string" && code !== "") return code;
  }
  return null;
}

/**
 * Human-readable texts from the shapes DRF and Virtualstock use: `{"detail": "..."}`, field errors
 * `{"field": ["..."]}`, `["..."]`, or plain text.
 */
function collectMessages(body: unknown, raw: string): string[] {
  if (body === undefined) return [];
  if (typeof body === "string") return [body.trim().slice(0, 500)];
  if (Array.isArray(body)) return body.flatMap((b) => collectMessages(b, raw));
  if (body !== null && typeof body === "object") {
    const out: string[] = [];
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (key === "code") continue;
      const inner = collectMessages(value, raw);
      const isGeneral = key === "detail" || key === "message" || key === "non_field_errors";
      out.push(...inner.map((m) => (isGeneral ? m : `${key}: ${m}`)));
    }
    return out;
  }
  if (typeof body === "number" || typeof body === "boolean") return [String(body)];
  return raw ? [raw.slice(0, 500)] : [];
}
