/**
 * Every Virtualstock fact we had to decide rather than read in the documentation, in one place.
 * Each value is an assumption to confirm with John Lewis or Virtualstock; the reasons are recorded
 * in docs/decisions/003-virtualstock-adapter-choices.md. Reference:
 * ../shared/reference/virtualstock-supplier-api.md (sections in brackets below).
 */

/** Token endpoints, exactly as the Postman collection spells them (no trailing slash). [§1] */
export const TOKEN_PATH = "/restapi/v4/token";
export const TOKEN_REFRESH_PATH = "/restapi/v4/token/refresh";

/**
 * The refresh call's key. The collection's request sample sends `refresh` and reads `access`;
 * its Python sample says `refresh_token` / `access_token`. We send `refresh` and accept either
 * key in the answer. [§1, §13.11]
 */
export const REFRESH_REQUEST_KEY = "refresh";

/** Access tokens live 5 min; we reuse one for 4 min, as the public JL integration (TF) does. [§1] */
export const ACCESS_TOKEN_REUSE_MS = 4 * 60 * 1000;
/** Refresh tokens live 4 h; we stop using one 10 minutes early and log in again instead. [§1] */
export const REFRESH_TOKEN_REUSE_MS = 4 * 60 * 60 * 1000 - 10 * 60 * 1000;

/** Per-request timeout unless the caller configures one. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * How long to wait after a 429 that carries neither a `Retry-After` header nor the DRF text
 * "Expected available in N seconds": the limit is a fixed 60 s window, so a full window is the
 * longest we could need. [§1]
 */
export const DEFAULT_RATE_LIMIT_RETRY_MS = 60_000;

/** The documented per-account budget (HN tells its vendors 150; JL's value is unknown). [§1] */
export const REQUESTS_PER_MINUTE = 250;

/**
 * `fulfillment_route` on acknowledgements: the case Patchworks and Zynk document for JL.
 * (The TropicFeel code sends "Direct to Customer"; confirm with JL.) [§3]
 */
export const FULFILLMENT_ROUTE = "Direct to customer";

/** `sub_status` on acknowledgements: what the public JL integration sends. [§3] */
export const ACKNOWLEDGE_SUB_STATUS = "Pending";

/** `sub_status` on backorders (required there): the collection's example for BACKORDER. [§3] */
export const BACKORDER_SUB_STATUS = "Out of Stock";

/**
 * A promised date given to us without a time is sent as noon UK time: far from midnight, so no
 * time-zone or daylight-saving shift can move it to another day. The collection's samples use noon.
 */
export const DATE_ONLY_TIME = "12:00:00";

/**
 * Stock updates: the fast stock-only endpoint, spelled as the collection spells it (no trailing
 * slash, unlike every other path). [§6]
 */
export const productStockPath = (productRestId: string) => `/api/v4/products/${productRestId}/stock`;

/** Page size for product listing: large pages keep a full stock reconciliation within budget. */
export const PRODUCT_PAGE_SIZE = 1000;
/** Default page size for orders and invoices (DRF clamps larger values to its own maximum). */
export const DEFAULT_PAGE_SIZE = 100;
/** The carrier list is one call: the collection's HN sample asks for 1000 at once. [§4] */
export const CARRIER_PAGE_SIZE = 1000;

/**
 * Settlement: Virtualstock documents only `POST /api/v4/invoices/` (create). Reading invoices back
 * with `GET` on the same path is a simulator decision, not a documented endpoint; JL may not use
 * the Invoicing module at all, and no remittance API exists. [§8]
 */
export const INVOICES_PATH = "/api/v4/invoices/";

/**
 * 400 texts that mean "the line is not in a state that allows this". Virtualstock asks clients to
 * branch on codes, but these errors come as plain text without one. [§2 "Documented 400 texts"]
 */
export const INVALID_STATE_TEXTS: readonly RegExp[] = [
  /not allowed to change state/i,
  /partial cancellation not allowed/i,
];

/**
 * The order list's `status` filter is documented as the order's status, an aggregate of its lines
 * whose rule is not published. We filter with it and then keep only orders that really have a line
 * in the requested state.
 */
export const ORDER_STATUS_FILTER_IS_AGGREGATE = true;

/** What the merchant must do where Virtualstock has no API call for a cancellation. [§5] */
export const MANUAL_CANCEL_BEFORE_DISPATCH =
  "Virtualstock has no API call for a cancellation the supplier starts. Cancel the line in the Virtualstock (The Edge) portal, or ask John Lewis to raise a cancellation request, which is then acknowledged automatically.";
export const MANUAL_CANCEL_AFTER_DISPATCH =
  'The goods have left: John Lewis records this as "CANCELLED POST-DISPATCH". Set that status on the line in the Virtualstock (The Edge) portal; there is no API call for it.';
