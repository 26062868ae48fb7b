/**
 * Expected failures of a marketplace call, as values. Every adapter maps its platform's HTTP
 * statuses, error bodies and transport faults onto this closed union; nothing above the adapter
 * branches on status codes or message text.
 */
export type MarketplaceError =
  /** The platform said "too many requests"; wait `retryAfterMs` before the next call to it. */
  | { kind: "rate-limited"; retryable: true; retryAfterMs: number }
  /**
   * The platform could not serve the call now: 5xx, timeout, network failure, a body that is not
   * what the platform documents, or a resource that is temporarily locked (Virtualstock 409 while a
   * product is publishing). `retryAfterMs` is a hint when the platform or the adapter has one.
   */
  | { kind: "unavailable"; retryable: true; reason: UnavailableReason; message: string; retryAfterMs?: number }
  /** The platform refused the request on its merits; sending it again unchanged will fail again. */
  | { kind: "rejected"; retryable: false; reason: RejectionReason; code: string; message: string; status: number }
  /** The credentials are wrong, expired beyond refresh, or lack access. The merchant must act. */
  | { kind: "unauthorized"; retryable: false; message: string };

export type UnavailableReason = "server-error" | "timeout" | "network" | "malformed-response" | "locked";
export type RejectionReason =
  /** The order, line or product does not exist (e.g. a JL part number that changed). */
  | "not-found"
  /** The object is not in a state that allows this (e.g. cancelling a dispatched line). */
  | "invalid-state"
  /** A field was missing or invalid. */
  | "validation"
  /** The platform does not offer this operation through its API (portal-only). */
  | "unsupported"
  | "other";

export const rateLimited = (retryAfterMs: number): MarketplaceError => ({
  kind: "rate-limited",
  retryable: true,
  retryAfterMs,
});
export const unavailable = (
  reason: UnavailableReason,
  message: string,
  retryAfterMs?: number,
): MarketplaceError => ({ kind: "unavailable", retryable: true, reason, message, retryAfterMs });
export const rejected = (
  reason: RejectionReason,
  code: string,
  message: string,
  status: number,
): MarketplaceError => ({ kind: "rejected", retryable: false, reason, code, message, status });
export const unauthorized = (message: string): MarketplaceError => ({
  kind: "unauthorized",
  retryable: false,
  message,
});

/** One line a merchant can read in a banner or an activity timeline. */
export function describeMarketplaceError(error: MarketplaceError): string {
  switch (error.kind) {
    case "rate-limited":
      return `The marketplace asked us to slow down; retrying in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
    case "unavailable":
      return `The marketplace is unavailable (${error.reason}): ${error.message}`;
    case "rejected":
      return `The marketplace rejected the request (${error.code}): ${error.message}`;
    case "unauthorized":
      return `The marketplace refused our credentials: ${error.message}`;
  }
}
