import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  ResourceItem,
  ResourceList,
  Text,
} from "@shopify/polaris";
import { useEffect } from "react";
import type { ConnectionView } from "../sync/connection/get-connection.server";
import type {
  JobFailureView,
  QueueStats,
  Section,
} from "../sync/monitoring/get-home-overview.server";
import type { HomeActionResponse } from "../sync/monitoring/home-responses";
import { formatDateTime, formatDuration } from "./format";
import { useToast } from "./toast";
import { ConnectionTitle } from "./connection-title";

/** Toasts the answer of a home-page fetcher once it arrives. */
function useResponseToast(fetcher: ReturnType<typeof useFetcher<HomeActionResponse>>) {
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) {
      toast(fetcher.data.message, { isError: !fetcher.data.ok });
    }
  }, [fetcher.state, fetcher.data, toast]);
}

export function NotConnectedCard() {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Marketplace connection
          </Text>
          <Badge tone="attention">Not connected</Badge>
        </InlineStack>
        <Text as="p">
          Connect your John Lewis Marketplace account to start syncing orders, stock and dispatches.
          You need the API username and password John Lewis gave you.
        </Text>
        <InlineStack>
          <Button variant="primary" url="/app/settings">
            Connect a marketplace
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export function ConnectionHealthCard({ connection }: { connection: ConnectionView }) {
  const fetcher = useFetcher<HomeActionResponse>();
  useResponseToast(fetcher);
  const problem = fetcher.state === "idle" ? (fetcher.data?.problem ?? null) : null;
  return (
    <Card>
      <BlockStack gap="300">
        <ConnectionTitle connection={connection} />
        <Text as="p">
          {connection.accountName ? `${connection.accountName}, ` : ""}
          {connection.environment === "live" ? "live" : "sandbox"} environment.
        </Text>
        <Text as="p" tone="subdued">
          {connection.lastCheckedAt
            ? `Last checked ${formatDateTime(connection.lastCheckedAt)}`
            : "Not checked yet"}
        </Text>
        {problem ? (
          <Banner tone="critical" title={problem.title}>
            <BlockStack gap="100">
              <p>{problem.message}</p>
              <p>{problem.nextStep}</p>
            </BlockStack>
          </Banner>
        ) : connection.lastError ? (
          <Banner tone="critical" title="The last check failed">
            <p>{connection.lastError}</p>
          </Banner>
        ) : null}
        <InlineStack gap="200" align="end">
          <Button url="/app/settings">Settings</Button>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="check" />
            <input type="hidden" name="marketplaceId" value={connection.marketplaceId} />
            <Button submit loading={fetcher.state !== "idle"}>
              Check connection now
            </Button>
          </fetcher.Form>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: "critical" | "subdued" }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
      <BlockStack gap="100">
        <Text as="p" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg" tone={tone}>
          {value}
        </Text>
      </BlockStack>
    </Box>
  );
}

export function QueueCard({ queue }: { queue: Section<QueueStats> }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Sync queue
        </Text>
        {queue.ok ? (
          <>
            <InlineGrid columns={2} gap="300">
              <Stat label="Waiting" value={String(queue.value.pending)} />
              <Stat label="Running" value={String(queue.value.running)} />
              <Stat
                label="Oldest waiting"
                value={
                  queue.value.oldestPendingAgeSeconds === null
                    ? "None"
                    : formatDuration(queue.value.oldestPendingAgeSeconds)
                }
              />
              <Stat
                label="Failed (24 h)"
                value={String(queue.value.failedLast24h)}
                tone={queue.value.failedLast24h > 0 ? "critical" : undefined}
              />
            </InlineGrid>
            <Text as="p" tone="subdued">
              {queue.value.pending === 0 && queue.value.running === 0
                ? "Nothing waiting: the app is up to date."
                : "Jobs run in order per shop; the marketplace's rate limit sets the pace."}
            </Text>
          </>
        ) : (
          <Banner tone="warning" title="Queue status unavailable">
            <p>{queue.message}</p>
          </Banner>
        )}
      </BlockStack>
    </Card>
  );
}

export function FailuresCard({ failures }: { failures: Section<JobFailureView[]> }) {
  return (
    <Card padding="0">
      <Box padding="400">
        <Text as="h2" variant="headingMd">
          Needs attention
        </Text>
      </Box>
      {!failures.ok ? (
        <Box padding="400" paddingBlockStart="0">
          <Banner tone="warning" title="Failures unavailable">
            <p>{failures.message}</p>
          </Banner>
        </Box>
      ) : failures.value.length === 0 ? (
        <Box padding="400" paddingBlockStart="0">
          <Text as="p" tone="subdued">
            No failed jobs. Everything the app tried has worked.
          </Text>
        </Box>
      ) : (
        <ResourceList
          resourceName={{ singular: "failed job", plural: "failed jobs" }}
          items={failures.value}
          renderItem={(failure) => <FailureRow failure={failure} />}
        />
      )}
    </Card>
  );
}

function FailureRow({ failure }: { failure: JobFailureView }) {
  const fetcher = useFetcher<HomeActionResponse>();
  useResponseToast(fetcher);
  return (
    <ResourceItem id={failure.id} onClick={() => {}} accessibilityLabel={`Failed job ${failure.taskName}`}>
      <InlineStack align="space-between" blockAlign="center" wrap={false} gap="400">
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" variant="bodyMd" fontWeight="semibold">
              {failure.taskName}
            </Text>
            {failure.retriedAt ? <Badge tone="info">Retried</Badge> : null}
          </InlineStack>
          <Text as="p">{failure.reason}</Text>
          <Text as="p" tone="subdued" variant="bodySm">
            Gave up after {failure.attempts} {failure.attempts === 1 ? "attempt" : "attempts"},{" "}
            {formatDateTime(failure.failedAt)}
          </Text>
        </BlockStack>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="retry" />
          <input type="hidden" name="failureId" value={failure.id} />
          <Button submit loading={fetcher.state !== "idle"}>
            Retry
          </Button>
        </fetcher.Form>
      </InlineStack>
    </ResourceItem>
  );
}
