import { Badge, BlockStack, Card, EmptyState, IndexTable, InlineStack, Link, Tabs, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatMinorToDecimal } from "../../lib/money";
import { plural } from "../../lib/plural";
import type { OrderListRow, OrdersFilter, OrdersOverview } from "../../sync/orders/orders-page.server";
import { formatDateTime } from "../format";
import { deadlineCountdown, reasonLabel } from "./deadline";

export const FILTERS: { id: OrdersFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "needs-attention", label: "Needs attention" },
  { id: "awaiting-acknowledgement", label: "Awaiting acknowledgement" },
  { id: "awaiting-dispatch", label: "Awaiting dispatch" },
];

/** Re-renders every `ms` so countdowns move without a reload. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function ShopifySide({ row }: { row: OrderListRow }) {
  if (row.shopifyOrderName && row.shopifyOrderUrl) {
    return (
      <Link url={row.shopifyOrderUrl} target="_top" removeUnderline>
        {row.shopifyOrderName}
      </Link>
    );
  }
  if (row.needsAttention) return <Badge tone="critical">Not created</Badge>;
  return <Badge tone="attention">Creating</Badge>;
}

function MarketplaceSide({ row }: { row: OrderListRow }) {
  const tone = row.marketplaceStatus === "awaiting-acknowledgement" ? "attention" : row.marketplaceStatus === "backordered" ? "warning" : "success";
  return <Badge tone={tone}>{row.marketplaceStatus.replace(/-/g, " ")}</Badge>;
}

export function OrdersTable({ overview, filter, onFilter }: { overview: OrdersOverview; filter: OrdersFilter; onFilter: (f: OrdersFilter) => void }) {
  const now = useNow();
  const tabs = FILTERS.map((f) => ({ id: f.id, content: `${f.label} (${overview.counts[f.id]})` }));
  const selected = Math.max(0, FILTERS.findIndex((f) => f.id === filter));
  return (
    <Card padding="0">
      <Tabs tabs={tabs} selected={selected} onSelect={(i) => onFilter(FILTERS[i].id)} />
      {overview.rows.length === 0 ? (
        <EmptyState heading="No orders here" image="">
          <p>New marketplace orders appear here within a minute of being placed.</p>
        </EmptyState>
      ) : (
        <IndexTable
          resourceName={{ singular: "order", plural: "orders" }}
          itemCount={overview.rows.length}
          selectable={false}
          headings={[{ title: "Order" }, { title: "Placed" }, { title: "Acknowledgement" }, { title: "Marketplace" }, { title: "Shopify" }, { title: "Total", alignment: "end" }, { title: "Attention" }]}
        >
          {overview.rows.map((row, index) => {
            const deadline = deadlineCountdown({ acknowledgeBy: row.acknowledgeBy, acknowledgedAt: row.acknowledgedAt, nowMs: now });
            return (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <Link url={`/app/orders/${row.id}`} removeUnderline>
                    <Text as="span" fontWeight="semibold">
                      {row.reference}
                    </Text>
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{formatDateTime(row.orderedAt)}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={deadline.tone}>{deadline.label}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <MarketplaceSide row={row} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <ShopifySide row={row} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {row.totalMinor === null ? "—" : `${formatMinorToDecimal(row.totalMinor)} ${row.currency}`}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="100">
                    {row.openReasons.map((r) => (
                      <Badge key={r} tone="critical">
                        {reasonLabel(r)}
                      </Badge>
                    ))}
                  </InlineStack>
                </IndexTable.Cell>
              </IndexTable.Row>
            );
          })}
        </IndexTable>
      )}
    </Card>
  );
}

export function PollStatus({ poll }: { poll: OrdersOverview["poll"] }) {
  return (
    <BlockStack gap="100">
      <Text as="p" variant="bodySm" tone="subdued">
        New orders are checked every {poll.everySeconds < 60 ? plural(poll.everySeconds, "second", "seconds") : plural(Math.round(poll.everySeconds / 60), "minute", "minutes")}.{" "}
        {poll.lastPollAt ? `Last check ${formatDateTime(poll.lastPollAt)}: ${poll.lastFound} awaiting, ${poll.lastNew} new.` : "Not checked yet."}
      </Text>
      {poll.lastOutcome === "failed" && poll.lastError ? (
        <Text as="p" variant="bodySm" tone="critical">
          The last check failed: {poll.lastError}
        </Text>
      ) : null}
    </BlockStack>
  );
}
