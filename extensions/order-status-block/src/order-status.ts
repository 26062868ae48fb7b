/**
 * The answer of the app's /api/order-status/<id> route (app/sync/fulfillment/order-status.server.ts
 * OrderMarketplaceStatus), repeated here because an extension is bundled on its own and cannot
 * import app code. Parsed by hand: the extension bundle stays small (no zod).
 */
export interface OrderStatus {
  linked: boolean;
  reference: string | null;
  marketplaceStatus: string | null;
  importStep: string | null;
  deadlines: { label: string; at: string }[];
  dispatches: { status: string; carrier: string | null; trackingNumber: string | null; units: number; problem: string | null }[];
  exceptions: string[];
  tasks: { title: string; instructions: string }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export function parseOrderStatus(body: unknown): OrderStatus | null {
  if (!isObject(body) || typeof body.linked !== "boolean") return null;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isObject) : []);
  return {
    linked: body.linked,
    reference: str(body.reference),
    marketplaceStatus: str(body.marketplaceStatus),
    importStep: str(body.importStep),
    deadlines: list(body.deadlines).map((d) => ({ label: str(d.label) ?? "", at: str(d.at) ?? "" })),
    dispatches: list(body.dispatches).map((d) => ({
      status: str(d.status) ?? "",
      carrier: str(d.carrier),
      trackingNumber: str(d.trackingNumber),
      units: typeof d.units === "number" ? d.units : 0,
      problem: str(d.problem),
    })),
    exceptions: Array.isArray(body.exceptions) ? body.exceptions.filter((e): e is string => typeof e === "string") : [],
    tasks: list(body.tasks).map((t) => ({ title: str(t.title) ?? "", instructions: str(t.instructions) ?? "" })),
  };
}

/** "2 h 5 min left" / "overdue by 3 h": deadlines read as countdowns. */
export function countdown(atIso: string, now: number): string {
  const ms = Date.parse(atIso) - now;
  if (Number.isNaN(ms)) return atIso;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = h >= 48 ? `${Math.floor(h / 24)} days` : h > 0 ? `${h} h ${m} min` : `${m} min`;
  return ms >= 0 ? `${text} left` : `overdue by ${text}`;
}

const STATUS_LABELS: Record<string, string> = {
  sent: "Confirmed",
  pending: "Sending",
  rejected: "Refused",
  "blocked-unmapped-carrier": "Carrier not mapped",
  "blocked-missing-tracking": "No tracking number",
  cancelled: "Cancelled",
};
export const dispatchLabel = (status: string) => STATUS_LABELS[status] ?? status;
