import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { prisma } from "../db.server";
import { enqueueStockJob } from "../jobs/tasks/inventory-handlers.server";
import { createInventoryReader } from "../shopify-admin/inventory-queries.server";
import { formatDateTime, formatDuration } from "../components/format";
import { PushChart } from "../components/inventory/push-chart";
import { useToast } from "../components/toast";
import { formatCount, plural } from "../lib/plural";
import { getInventoryOverview, updateStockSettings, type ReconciliationRunView } from "../sync/inventory/get-inventory-overview.server";
import { enqueueRefresh } from "../sync/inventory/handle-inventory-webhook.server";
import { requestReconciliation } from "../sync/inventory/stock-jobs.server";
import { adminTransport } from "../sync/inventory/stock-runtime.server";
import { SearchParamField, SearchParamPagination } from "../components/search-param-pagination";

const Query = z.object({ page: z.coerce.number().int().min(1).catch(1), q: z.string().catch("") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, admin } = await requireShop(request);
  const url = new URL(request.url);
  const query = Query.parse({ page: url.searchParams.get("page") ?? 1, q: url.searchParams.get("q") ?? "" });
  const now = new Date();
  const [overview, locations] = await Promise.all([
    getInventoryOverview(prisma, shop, now, query.page, query.q),
    createInventoryReader({ transport: adminTransport(admin) }).listLocations(),
  ]);
  return json({
    overview,
    locations: locations.ok ? locations.value : [],
    locationsError: locations.ok ? null : "Shopify's locations could not be read; try again in a minute.",
    now: now.toISOString(),
  });
}

const Action = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("check-now") }),
  z.object({
    intent: z.literal("settings"),
    locations: z.array(z.string().startsWith("gid://shopify/Location/")),
    globalBuffer: z.coerce.number().int().min(0).max(100_000),
  }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { shop, demo } = await requireShop(request);
  const form = await request.formData();
  const parsed = Action.safeParse({
    intent: form.get("intent"),
    locations: form.getAll("locations"),
    globalBuffer: form.get("globalBuffer") ?? undefined,
  });
  if (!parsed.success) return json({ ok: false, message: "Check the values and try again." }, { status: 400 });
  if (parsed.data.intent === "check-now") {
    const runId = await requestReconciliation({ db: prisma, enqueue: enqueueStockJob }, shop);
    return json({ ok: true, message: "Checking every SKU against the marketplace.", runId });
  }
  await updateStockSettings(prisma, shop, demo ? "demo-merchant" : "merchant", { publishedLocationIds: parsed.data.locations, globalBuffer: parsed.data.globalBuffer }, new Date());
  await enqueueRefresh(enqueueStockJob, shop);
  return json({ ok: true, message: "Saved. Published stock is being recalculated." });
}

/** How often the page re-reads its figures while a check runs (and only then). */
const RUN_POLL_MS = 2000;

function runProgress(run: ReconciliationRunView): number {
  if (run.status === "completed") return 100;
  if (!run.total) return 0;
  return Math.min(100, Math.round((run.checked / run.total) * 100));
}

/** The line beside the run's trigger: progress while it runs, else what it found and what became of it. */
function runSummary(run: ReconciliationRunView): string {
  const products = run.total
    ? `${formatCount(run.checked)} of ${plural(run.total, "marketplace product", "marketplace products")}`
    : plural(run.checked, "marketplace product", "marketplace products");
  // A run counts only differences not already open from an earlier check (those stay in the table).
  const discrepancies = plural(run.discrepancies, "new discrepancy", "new discrepancies");
  switch (run.status) {
    case "running":
      if (run.checked === 0) return `Running since ${formatDateTime(run.startedAt)}: reading stock levels from Shopify.`;
      return `Running: checked ${products}, ${discrepancies} so far.`;
    case "failed":
      return `Failed ${formatDateTime(run.finishedAt ?? run.startedAt)}: ${(run.error ?? "no reason was recorded").replace(/\.$/, "")}. Try Check now again.`;
    case "interrupted":
      return `Started ${formatDateTime(run.startedAt)} and stopped before finishing (checked ${products}). Run Check now to start again.`;
    case "completed": {
      const found =
        run.discrepancies === 0
          ? "no new discrepancies"
          : `${discrepancies} found: ${formatCount(run.corrected)} corrected, ${formatCount(run.pending)} waiting for a push`;
      return `Finished ${formatDateTime(run.finishedAt ?? run.startedAt)}: ${plural(run.checked, "product", "products")} checked, ${found}.`;
    }
  }
}

export default function InventoryPage() {
  const { overview, locations, locationsError, now } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<{ ok: boolean; message: string }>();
  const { revalidate } = useRevalidator();
  const showToast = useToast();
  const [chosen, setChosen] = useState<string[]>(overview.settings.publishedLocationIds);
  const [buffer, setBuffer] = useState(String(overview.settings.globalBuffer));
  const run = overview.run;
  const running = run?.status === "running";

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) showToast(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, showToast]);
  // While a check runs, re-read the figures a couple of seconds after each load lands: one load at
  // a time, and none once the run has finished (its summary is then final).
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(revalidate, RUN_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, overview, revalidate]);

  return (
    <Page title="Inventory" subtitle="What the marketplace shows for each SKU, and how fast changes reach it">
      <Layout>
        {overview.settings.publishedLocationIds.length === 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="No stock is published yet">
              <p>Choose the Shopify locations whose stock the marketplace may sell, then save.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">Check against the marketplace</Text>
                <fetcher.Form method="post">
                  <input type="hidden" name="intent" value="check-now" />
                  <Button submit loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "check-now"} disabled={running}>
                    Check now
                  </Button>
                </fetcher.Form>
              </InlineStack>
              {run ? (
                <BlockStack gap="100">
                  <ProgressBar
                    progress={runProgress(run)}
                    tone={run.status === "failed" || run.status === "interrupted" ? "critical" : run.status === "completed" ? "success" : "primary"}
                    ariaLabelledBy="reconciliation-summary"
                  />
                  <InlineStack gap="200" blockAlign="center" wrap>
                    <Badge tone={run.status === "failed" || run.status === "interrupted" ? "critical" : run.status === "running" ? "info" : undefined}>{run.triggerLabel}</Badge>
                    <Text as="p" tone={run.status === "failed" || run.status === "interrupted" ? "critical" : "subdued"} id="reconciliation-summary">
                      {runSummary(run)}
                    </Text>
                  </InlineStack>
                  <Text as="p" tone="subdued">Checks also run every hour.</Text>
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">No check has run yet. Checks run every hour, or now with the button.</Text>
              )}
              {/* With no location chosen nothing is published, so "up to date" would mislead (the banner above says what to do). */}
              {overview.settings.publishedLocationIds.length === 0 && overview.pendingCount === 0 ? null : (
                <Text as="p">
                  {overview.pendingCount === 0
                    ? "Every SKU is up to date on the marketplace."
                    : `${plural(overview.pendingCount, "SKU is", "SKUs are")} waiting to be pushed.`}
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Push latency and budget use, last 24 hours</Text>
              {overview.hours.length === 0 ? (
                <Text as="p" tone="subdued">No stock pushes in the last day.</Text>
              ) : (
                <PushChart hours={overview.hours} limitPerMinute={250} now={now} />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <Box padding="400">
                <Text as="h2" variant="headingMd">Open discrepancies ({overview.discrepancies.length})</Text>
              </Box>
              {overview.discrepancies.length === 0 ? (
                <Box paddingInline="400" paddingBlockEnd="400">
                  <Text as="p" tone="subdued">None: the marketplace matched Shopify at the last check.</Text>
                </Box>
              ) : (
                <IndexTable
                  resourceName={{ singular: "discrepancy", plural: "discrepancies" }}
                  itemCount={overview.discrepancies.length}
                  selectable={false}
                  headings={[{ title: "Part number" }, { title: "Should show" }, { title: "Marketplace showed" }, { title: "Open for" }]}
                >
                  {overview.discrepancies.map((d, i) => (
                    <IndexTable.Row id={d.marketplaceSku} key={d.marketplaceSku} position={i}>
                      <IndexTable.Cell>{d.marketplaceSku}</IndexTable.Cell>
                      <IndexTable.Cell>{d.expected}</IndexTable.Cell>
                      <IndexTable.Cell>{d.found}</IndexTable.Cell>
                      <IndexTable.Cell>{formatDuration(d.ageSeconds)}</IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">Published stock</Text>
                <SearchParamField label="Search part numbers" placeholder="Search part numbers" />
              </InlineStack>
            </Box>
            {overview.rows.length === 0 ? (
              <EmptyState heading="Nothing published yet" image="">
                <p>Map marketplace products to Shopify variants on the SKU mapping page; their stock appears here.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "SKU", plural: "SKUs" }}
                itemCount={overview.rows.length}
                selectable={false}
                headings={[{ title: "Part number" }, { title: "Published" }, { title: "Marketplace shows" }, { title: "Last push" }, { title: "Status" }]}
              >
                {overview.rows.map((r, i) => (
                  <IndexTable.Row id={r.marketplaceSku} key={r.marketplaceSku} position={i}>
                    <IndexTable.Cell>{r.marketplaceSku}</IndexTable.Cell>
                    <IndexTable.Cell>{r.desired ?? "not published"}</IndexTable.Cell>
                    <IndexTable.Cell>{r.shown ?? "unknown"}</IndexTable.Cell>
                    <IndexTable.Cell>{r.lastPushedAt ? formatDateTime(r.lastPushedAt) : "never"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      {r.blocked ? (
                        <Badge tone="critical">{r.lastError ?? "Refused"}</Badge>
                      ) : r.waiting ? (
                        <Badge tone={r.lastError ? "warning" : "info"}>{r.lastError ? "Retrying" : "Waiting"}</Badge>
                      ) : (
                        <Badge tone="success">Up to date</Badge>
                      )}
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
            {overview.pageCount > 1 || overview.page > 1 ? <SearchParamPagination page={overview.page} pageCount={overview.pageCount} /> : null}
          </Card>
        </Layout.Section>
        <Layout.AnnotatedSection
          id="stock-settings"
          title="What is published"
          description="Published quantity = available at the chosen locations minus the buffer, never below zero. A per-SKU buffer on the SKU mapping page replaces this one."
        >
          <Card>
            <fetcher.Form method="post">
              <input type="hidden" name="intent" value="settings" />
              {chosen.map((id) => (
                <input key={id} type="hidden" name="locations" value={id} />
              ))}
              <BlockStack gap="300">
                {locationsError ? <Banner tone="critical">{locationsError}</Banner> : null}
                <ChoiceList
                  title="Locations that feed the marketplace"
                  allowMultiple
                  choices={locations.map((l) => ({ label: l.name, value: l.id }))}
                  selected={chosen}
                  onChange={setChosen}
                />
                <TextField label="Units held back per SKU (buffer)" type="number" min={0} autoComplete="off" value={buffer} onChange={setBuffer} name="globalBuffer" />
                <InlineStack align="end">
                  <Button submit variant="primary" loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "settings"}>
                    Save
                  </Button>
                </InlineStack>
              </BlockStack>
            </fetcher.Form>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
