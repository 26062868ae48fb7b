import { formatDuration } from "../format";

export type DeadlineTone = "critical" | "warning" | "success" | "info";

/**
 * How an acknowledgement deadline reads on the orders page: a countdown while it is open, "overdue"
 * once passed, and the time it was met once the order is acknowledged.
 */
export function deadlineCountdown(input: { acknowledgeBy: string; acknowledgedAt: string | null; nowMs: number }): { label: string; tone: DeadlineTone } {
  const due = Date.parse(input.acknowledgeBy);
  if (input.acknowledgedAt) {
    const spare = (due - Date.parse(input.acknowledgedAt)) / 1000;
    return spare >= 0 ? { label: `Met with ${formatDuration(spare)} to spare`, tone: "success" } : { label: `Met ${formatDuration(-spare)} late`, tone: "warning" };
  }
  const left = (due - input.nowMs) / 1000;
  if (left <= 0) return { label: `Overdue by ${formatDuration(-left)}`, tone: "critical" };
  if (left < 2 * 3600) return { label: `${formatDuration(left)} left`, tone: "warning" };
  return { label: `${formatDuration(left)} left`, tone: "info" };
}

/** Merchant wording for exception reasons. */
export const REASON_LABELS: Record<string, string> = {
  "unknown-sku": "Unknown part number",
  "unmapped-variant": "Part number not linked",
  "missing-variant": "Variant deleted",
  "archived-variant": "Product archived",
  "custom-options": "Custom options",
  "address-invalid": "Address incomplete",
  "address-rejected": "Address refused by Shopify",
  "insufficient-stock": "Not enough stock",
  "currency-mismatch": "Currency mismatch",
  "no-lines": "No open lines",
  "shopify-rejected": "Refused by Shopify",
  "marketplace-rejected": "Refused by the marketplace",
};

export function reasonLabel(reason: string): string {
  return REASON_LABELS[reason] ?? reason;
}
