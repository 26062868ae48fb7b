import { useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineStack, Link, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { formatCount, plural, pluralWord } from "../../lib/plural";
import type { OnboardingProgress } from "../../sync/onboarding/get-onboarding-progress.server";

const RUNNING_STEP: Record<string, string> = {
  none: "Choosing the locations stock is published from",
  locations: "Loading the marketplace's product list",
  catalogue: "Matching marketplace products to your Shopify variants",
  match: "Comparing stock with the marketplace and correcting differences",
  stock: "Releasing orders that waited for a mapping",
};

/**
 * The home page's first-sync card: what the first sync did after connecting (the published
 * locations it chose, products matched) and what is left for the merchant (manual mappings).
 */
export function FirstSyncCard({ progress }: { progress: OnboardingProgress }) {
  const revalidator = useRevalidator();
  const running = progress.state === "running";
  // The first sync takes seconds to a few minutes: keep the card current while it runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 3000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            First sync
          </Text>
          {progress.unmatched > 0 && progress.state === "done" ? (
            <Link url="/app/mappings/skus?filter=unmapped">Map the rest</Link>
          ) : null}
        </InlineStack>
        {progress.state === "failed" && progress.failure ? (
          <Banner tone="critical" title="The first sync stopped">
            <p>{progress.failure.message}</p>
            <p>Once fixed, retry it from "Jobs that need attention".</p>
          </Banner>
        ) : null}
        {progress.state === "running" ? (
          <BlockStack gap="200">
            <Text as="p">{RUNNING_STEP[progress.lastStep ?? "none"] ?? "Working"}…</Text>
            <ProgressBar progress={progressPercent(progress.lastStep)} size="small" />
          </BlockStack>
        ) : null}
        {progress.total > 0 ? (
          <Text as="p">
            {progress.state === "done" ? "First sync: matched" : "Matched so far:"} {formatCount(progress.matched)} of {plural(progress.total, "product", "products")}
            {progress.unmatched > 0
              ? `; ${formatCount(progress.unmatched)} ${pluralWord(progress.unmatched, "needs", "need")} a manual mapping.`
              : "; every product is linked."}
          </Text>
        ) : null}
        {progress.defaultedLocations ? (
          <Text as="p" tone="subdued">
            Stock is published from {progress.defaultedLocations.length > 0 ? progress.defaultedLocations.join(" and ") : "every active location"}{" "}
            (all your active locations).{" "}
            <Link url="/app/inventory">Change on the Inventory page</Link>.
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function progressPercent(lastStep: OnboardingProgress["lastStep"]): number {
  const order = [null, "locations", "catalogue", "match", "stock", "release"];
  return Math.round((order.indexOf(lastStep) / (order.length - 1)) * 100);
}
