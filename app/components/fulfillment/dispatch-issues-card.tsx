import { Link as RemixLink, useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, EmptyState, InlineStack, Text } from "@shopify/polaris";
import { useEffect } from "react";
import type { DispatchIssue, DispatchOverview, MerchantTaskView } from "../../sync/fulfillment/dispatch-issues.server";
import { formatDateTime } from "../format";
import { useToast } from "../toast";

export type DispatchActionResponse = { ok: true; message: string } | { ok: false; message: string };

const problemLabel: Record<DispatchIssue["problem"], { label: string; tone: "critical" | "warning" | "attention" }> = {
  "unmapped-carrier": { label: "Carrier not mapped", tone: "critical" },
  "missing-tracking": { label: "No tracking number", tone: "warning" },
  rejected: { label: "Refused by the marketplace", tone: "critical" },
  stuck: { label: "Not confirmed in time", tone: "attention" },
};

function useAnswerToast(fetcher: ReturnType<typeof useFetcher<DispatchActionResponse>>) {
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) toast(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, toast]);
}

function IssueAction({ issue }: { issue: DispatchIssue }) {
  const fetcher = useFetcher<DispatchActionResponse>();
  useAnswerToast(fetcher);
  if (issue.problem === "unmapped-carrier") {
    return (
      <RemixLink to="/app/mappings/carriers">
        Map the carrier
      </RemixLink>
    );
  }
  if (!issue.retryable) return <Text as="span" tone="subdued">Fix it in Shopify</Text>;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="retry" />
      <input type="hidden" name="id" value={issue.id} />
      <Button submit size="slim" loading={fetcher.state !== "idle"} accessibilityLabel={`Retry order ${issue.marketplaceOrderRef ?? issue.marketplaceOrderId}`}>
        Retry
      </Button>
    </fetcher.Form>
  );
}

function TaskItem({ task }: { task: MerchantTaskView }) {
  const fetcher = useFetcher<DispatchActionResponse>();
  useAnswerToast(fetcher);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          {task.title}
        </Text>
        <Text as="p">{task.instructions}</Text>
        <InlineStack align="space-between" blockAlign="center">
          <Text as="span" tone="subdued">
            {formatDateTime(task.createdAt)}
          </Text>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="task-done" />
            <input type="hidden" name="id" value={task.id} />
            <Button submit size="slim" loading={fetcher.state !== "idle"}>
              Mark as done
            </Button>
          </fetcher.Form>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

/** Parcels waiting, refused or stuck, with the reason and what to do; then the portal tasks. */
export function DispatchIssuesCard({ overview }: { overview: DispatchOverview }) {
  return (
    <BlockStack gap="400">
      <Card padding="0">
        {overview.issues.length === 0 ? (
          <EmptyState heading="Every fulfilment is confirmed" image="">
            <p>{`${overview.counts.sentLast24h} parcel${overview.counts.sentLast24h === 1 ? "" : "s"} confirmed to the marketplace in the last 24 hours.`}</p>
          </EmptyState>
        ) : (
          // One block per parcel rather than a table: the reason is a sentence and must wrap.
          <BlockStack>
            {overview.issues.map((issue, index) => (
              <Box key={issue.id} padding="400" borderBlockStartWidth={index === 0 ? undefined : "025"} borderColor="border">
                <BlockStack gap="200">
                  <InlineStack align="space-between" blockAlign="center" gap="300">
                    <InlineStack gap="300" blockAlign="center">
                      <Text as="span" fontWeight="semibold">
                        {issue.marketplaceOrderRef ?? issue.marketplaceOrderId}
                      </Text>
                      <Badge tone={problemLabel[issue.problem].tone}>{problemLabel[issue.problem].label}</Badge>
                    </InlineStack>
                    <IssueAction issue={issue} />
                  </InlineStack>
                  <Text as="p" breakWord>
                    {issue.reason}
                  </Text>
                  <Text as="p" tone="subdued">
                    {`${issue.carrierName ?? "No carrier"} / ${issue.trackingNumber ?? "no tracking number"} · fulfilled ${formatDateTime(issue.fulfilledAt)}`}
                  </Text>
                </BlockStack>
              </Box>
            ))}
          </BlockStack>
        )}
      </Card>
      {overview.tasks.length > 0 ? (
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            To do in the marketplace portal
          </Text>
          {overview.tasks.map((t) => (
            <TaskItem key={t.id} task={t} />
          ))}
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}
