import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DropZone,
  EmptyState,
  IndexTable,
  InlineStack,
  Layout,
  List,
  Page,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { prisma } from "../db.server";
import { enqueueStockJob } from "../jobs/tasks/inventory-handlers.server";
import { createInventoryReader } from "../shopify-admin/inventory-queries.server";
import { useToast } from "../components/toast";
import { formatCount, plural, pluralWord } from "../lib/plural";
import { enqueueRefresh } from "../sync/inventory/handle-inventory-webhook.server";
import {
  autoMatchSkus,
  fixSkuMapping,
  importMappingCsv,
  listSkuMappings,
  type MappingFilter,
  type MappingRowView,
} from "../sync/inventory/manage-sku-mappings.server";
import { adminTransport } from "../sync/inventory/stock-runtime.server";
import { SearchParamField, SearchParamPagination } from "../components/search-param-pagination";

const FILTERS: { id: MappingFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "unmapped", label: "Unmapped" },
  { id: "duplicates", label: "Duplicates" },
  { id: "unknown", label: "Unknown to marketplace" },
];

const Query = z.object({
  filter: z.enum(["all", "unmapped", "duplicates", "unknown"]).catch("all"),
  page: z.coerce.number().int().min(1).catch(1),
  q: z.string().catch(""),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const query = Query.parse({ filter: url.searchParams.get("filter") ?? "all", page: url.searchParams.get("page") ?? 1, q: url.searchParams.get("q") ?? "" });
  return json({ list: await listSkuMappings(prisma, shop, query.filter, query.page, query.q), filter: query.filter });
}

/** How a part number got its variant, in the merchant's words (SkuMapping.matchMethod). */
const MATCH_LABELS: Record<string, string> = {
  sku: "Matched by SKU",
  barcode: "Matched by barcode",
  csv: "From mapping sheet",
  manual: "Set by hand",
};

type ActionResponse = { ok: boolean; message: string; details?: string[] };

const Fix = z.object({
  marketplaceSku: z.string().min(1),
  shopifySku: z.string().max(255),
  bufferOverride: z.union([z.literal("").transform(() => null), z.coerce.number().int().min(0).max(100_000)]),
});

export async function action({ request }: ActionFunctionArgs) {
  const { shop, admin, demo } = await requireShop(request);
  const actor = demo ? "demo-merchant" : "merchant";
  const shopify = createInventoryReader({ transport: adminTransport(admin) });
  const deps = { db: prisma, shopify, now: new Date() };
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const shopifyDown = (message: string): ActionResponse => ({ ok: false, message: `Shopify could not be read (${message}); try again in a minute.` });

  let response: ActionResponse;
  if (intent === "auto-match") {
    const result = await autoMatchSkus(deps, shop, actor);
    if (!result.ok) return json(shopifyDown(result.error.kind));
    const issues = result.value.issues.filter((i) => i.kind !== "unmatched");
    response = {
      ok: true,
      message: `Linked ${plural(result.value.linked, "product", "products")}.${issues.length ? ` ${formatCount(issues.length)} ${pluralWord(issues.length, "needs", "need")} a decision.` : ""}`,
      details: issues.slice(0, 20).map((i) =>
        i.kind === "ambiguous" ? `${i.marketplaceSku}: matches ${plural(i.variantGids.length, "variant", "variants")} by ${i.method}` : i.kind === "shared-variant" ? `${i.marketplaceSkus.join(", ")}: all match the same variant` : "",
      ),
    };
  } else if (intent === "import-csv") {
    const file = form.get("csv");
    if (!(file instanceof File) || file.size === 0) return json({ ok: false, message: "Choose the CSV file John Lewis sent." }, { status: 400 });
    if (file.size > 20 * 1024 * 1024) return json({ ok: false, message: "The file is over 20 MB; split it and import each part." }, { status: 400 });
    const result = await importMappingCsv(deps, shop, actor, await file.text());
    if (!result.ok) return json(shopifyDown(result.error.kind));
    response = {
      ok: result.value.errors.length === 0,
      message: `Linked ${plural(result.value.linked, "product", "products")} from the sheet.${result.value.errors.length ? ` ${plural(result.value.errors.length, "row", "rows")} could not be used.` : ""}`,
      details: result.value.errors.slice(0, 50).map((e) => `Line ${e.line}: ${e.message}`),
    };
  } else if (intent === "fix") {
    const parsed = Fix.safeParse({ marketplaceSku: form.get("marketplaceSku"), shopifySku: form.get("shopifySku") ?? "", bufferOverride: form.get("bufferOverride") ?? "" });
    if (!parsed.success) return json({ ok: false, message: "The buffer must be a whole number of units, or empty." }, { status: 400 });
    const result = await fixSkuMapping(deps, shop, actor, parsed.data);
    if (!result.ok) return json({ ok: false, message: result.error.kind === "shopify" ? "Shopify could not be read; try again." : result.error.message });
    response = { ok: true, message: parsed.data.shopifySku ? `${parsed.data.marketplaceSku} now follows ${parsed.data.shopifySku}.` : `${parsed.data.marketplaceSku} is unlinked.` };
  } else {
    return json({ ok: false, message: "Unknown action." }, { status: 400 });
  }
  // New links are published at once: their items are queued for a stock read.
  await enqueueRefresh(enqueueStockJob, shop);
  return json(response);
}

function MappingRow({ row, position }: { row: MappingRowView; position: number }) {
  const fetcher = useFetcher<ActionResponse>();
  const showToast = useToast();
  const [sku, setSku] = useState(row.shopifySku ?? "");
  const [buffer, setBuffer] = useState(row.bufferOverride == null ? "" : String(row.bufferOverride));
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) showToast(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, showToast]);
  const dirty = sku !== (row.shopifySku ?? "") || buffer !== (row.bufferOverride == null ? "" : String(row.bufferOverride));
  return (
    <IndexTable.Row id={row.marketplaceSku} position={position}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">{row.marketplaceSku}</Text>
          {row.title ? <Text as="span" tone="subdued" variant="bodySm">{row.title}</Text> : null}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <TextField label="Shopify SKU" labelHidden autoComplete="off" value={sku} onChange={setSku} placeholder="Shopify SKU" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <TextField label="Buffer" labelHidden type="number" min={0} autoComplete="off" value={buffer} onChange={setBuffer} placeholder="Global" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          {row.variantGid ? <Badge tone="success">{MATCH_LABELS[row.matchMethod] ?? "Linked"}</Badge> : <Badge tone="attention">Unmapped</Badge>}
          {row.duplicate === "shared-variant" ? <Badge tone="critical">Variant used twice</Badge> : null}
          {row.duplicate === "shared-sku" ? <Badge tone="critical">SKU on two variants</Badge> : null}
          {!row.marketplaceKnown ? <Badge tone="warning">Not on marketplace</Badge> : null}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Button
          disabled={!dirty}
          loading={fetcher.state !== "idle"}
          onClick={() => fetcher.submit({ intent: "fix", marketplaceSku: row.marketplaceSku, shopifySku: sku, bufferOverride: buffer }, { method: "post" })}
        >
          Save
        </Button>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}

export default function SkuMappingsPage() {
  const { list, filter } = useLoaderData<typeof loader>();
  const [, setParams] = useSearchParams();
  const bulk = useFetcher<ActionResponse>();
  const showToast = useToast();
  const [file, setFile] = useState<File | null>(null);
  useEffect(() => {
    if (bulk.state === "idle" && bulk.data) showToast(bulk.data.message, { isError: !bulk.data.ok });
  }, [bulk.state, bulk.data, showToast]);

  const selectedTab = Math.max(0, FILTERS.findIndex((f) => f.id === filter));
  const uploadCsv = () => {
    if (!file) return;
    const data = new FormData();
    data.set("intent", "import-csv");
    data.set("csv", file);
    bulk.submit(data, { method: "post", encType: "multipart/form-data" });
  };

  return (
    <Page
      title="SKU mapping"
      subtitle="Each John Lewis part number follows one Shopify variant's stock"
      primaryAction={{ content: "Auto-match", loading: bulk.state !== "idle" && bulk.formData?.get("intent") === "auto-match", onAction: () => bulk.submit({ intent: "auto-match" }, { method: "post" }) }}
    >
      <Layout>
        {bulk.data?.details?.length ? (
          <Layout.Section>
            <Banner tone={bulk.data.ok ? "info" : "warning"} title={bulk.data.message}>
              <List>
                {bulk.data.details.map((d) => (
                  <List.Item key={d}>{d}</List.Item>
                ))}
              </List>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Import John Lewis's mapping sheet (CSV)</Text>
              <DropZone accept=".csv,text/csv" allowMultiple={false} onDrop={(files) => setFile(files[0] ?? null)} label="Mapping sheet">
                {file ? <Box padding="300"><Text as="p">{file.name}</Text></Box> : <DropZone.FileUpload actionHint="Columns: part number and your SKU or EAN" />}
              </DropZone>
              <InlineStack align="end">
                <Button disabled={!file} loading={bulk.state !== "idle" && bulk.formData?.get("intent") === "import-csv"} onClick={uploadCsv}>
                  Import
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Tabs
              tabs={FILTERS.map((f) => ({ id: f.id, content: `${f.label} (${list.counts[f.id]})` }))}
              selected={selectedTab}
              onSelect={(i) => setParams((p) => (p.set("filter", FILTERS[i].id), p.set("page", "1"), p))}
            />
            <Box padding="300">
              <SearchParamField label="Search" placeholder="Search part numbers, SKUs, titles" />
            </Box>
            {list.rows.length === 0 ? (
              <EmptyState heading={filter === "all" ? "No marketplace products yet" : "Nothing here"} image="">
                <p>{filter === "all" ? "Run Check now on the Inventory page to list the marketplace's products, then auto-match or import the sheet." : "No product in this list."}</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "product", plural: "products" }}
                itemCount={list.rows.length}
                selectable={false}
                headings={[{ title: "Part number" }, { title: "Shopify SKU" }, { title: "Buffer" }, { title: "Status" }, { title: "" }]}
              >
                {list.rows.map((row, i) => (
                  <MappingRow key={`${row.marketplaceSku}:${row.updatedAt}`} row={row} position={i} />
                ))}
              </IndexTable>
            )}
            {list.pageCount > 1 || list.page > 1 ? <SearchParamPagination page={list.page} pageCount={list.pageCount} /> : null}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
