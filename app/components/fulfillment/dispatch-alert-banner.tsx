import { Banner } from "@shopify/polaris";
import type { DispatchOverview } from "../../sync/fulfillment/dispatch-issues.server";

/**
 * For the home and orders pages: parcels that are not going out, at a glance, with the page that
 * fixes them. Renders nothing when every fulfilment is confirmed.
 */
export function DispatchAlertBanner({ counts }: { counts: DispatchOverview["counts"] }) {
  const parts = [
    counts.unmappedCarrier ? `${counts.unmappedCarrier} waiting for a carrier mapping` : null,
    counts.rejected ? `${counts.rejected} refused by the marketplace` : null,
    counts.stuck ? `${counts.stuck} not confirmed in time` : null,
    counts.missingTracking ? `${counts.missingTracking} without a tracking number` : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0 && counts.openTasks === 0) return null;
  const unmappedOnly = parts.length === 1 && counts.unmappedCarrier > 0;
  return (
    <Banner
      tone="critical"
      title={parts.length ? `Dispatches need attention: ${parts.join(", ")}` : `${counts.openTasks} task(s) to do in the marketplace portal`}
      action={unmappedOnly ? { content: "Map carriers", url: "/app/mappings/carriers" } : { content: "Review dispatches", url: "/app/dispatches" }}
    >
      <p>Fulfilled parcels the marketplace has not confirmed count against your dispatch deadline.</p>
    </Banner>
  );
}
