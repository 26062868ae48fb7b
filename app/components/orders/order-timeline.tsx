import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { OrderDetail } from "../../sync/orders/orders-page.server";
import { formatDateTime } from "../format";
import { reasonLabel } from "./deadline";

export type OrderAction = "retry" | "create-anyway";

/** Open exceptions with the actions that fix them. */
export function OrderExceptions({
  detail,
  busy,
  onAction,
}: {
  detail: OrderDetail;
  busy: boolean;
  onAction: (action: OrderAction) => void;
}) {
  const open = detail.exceptions.filter((e) => !e.resolvedAt);
  if (open.length === 0) return null;
  const actions = new Set(open.flatMap((e) => e.fixActions));
  const skus = [...new Set(open.flatMap((e) => (e.sku && e.fixActions.includes("map-sku") ? [e.sku] : [])))];
  return (
    <Banner tone="critical" title="This order needs your attention before it can be imported">
      <BlockStack gap="200">
        {open.map((e) => (
          <Text as="p" key={e.id}>
            <Text as="span" fontWeight="semibold">
              {reasonLabel(e.reason)}
              {e.lineId ? ` (line ${e.lineId})` : ""}:
            </Text>{" "}
            {e.message}
          </Text>
        ))}
        <InlineStack gap="200">
          {skus.map((sku) => (
            <Button key={sku} url={`/app/mappings/skus?q=${encodeURIComponent(sku)}`}>
              {`Map ${sku}`}
            </Button>
          ))}
          {actions.has("retry") || actions.has("map-sku") ? (
            <Button variant="primary" loading={busy} onClick={() => onAction("retry")}>
              Retry
            </Button>
          ) : null}
          {actions.has("create-anyway") ? (
            <Button loading={busy} onClick={() => onAction("create-anyway")}>
              Create anyway
            </Button>
          ) : null}
        </InlineStack>
        {actions.has("create-anyway") ? (
          <Text as="p" variant="bodySm" tone="subdued">
            Create anyway: unmapped lines become custom items (no stock is taken), options go on the line, stock policy is ignored and an
            address Shopify refuses goes into the order note.
          </Text>
        ) : null}
      </BlockStack>
    </Banner>
  );
}

const TARGET_LABEL: Record<string, string> = { marketplace: "Marketplace", shopify: "Shopify", app: "App" };

/** Every call made for the order and its outcome, oldest first. */
export function OrderTimeline({ timeline }: { timeline: OrderDetail["timeline"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Activity
        </Text>
        {timeline.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing has been sent for this order yet.
          </Text>
        ) : (
          timeline.map((a) => (
            <Box key={a.id} paddingBlockEnd="200" borderBlockEndWidth="025" borderColor="border-secondary">
              <InlineStack gap="200" blockAlign="center" wrap={false}>
                <Badge tone={a.outcome === "ok" ? "success" : a.outcome === "failed" ? "critical" : undefined}>{a.outcome}</Badge>
                <Text as="span" fontWeight="semibold">
                  {TARGET_LABEL[a.target] ?? a.target} · {a.action}
                </Text>
                <Text as="span" tone="subdued" variant="bodySm">
                  {formatDateTime(a.at)}
                  {a.durationMs !== null ? ` · ${a.durationMs} ms` : ""}
                </Text>
              </InlineStack>
              {a.detail ? (
                <Text as="p" variant="bodySm">
                  {a.detail}
                </Text>
              ) : null}
            </Box>
          ))
        )}
      </BlockStack>
    </Card>
  );
}
