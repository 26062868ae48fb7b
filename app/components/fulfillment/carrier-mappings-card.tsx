import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { CarrierMappingsView, CarrierRow } from "../../sync/fulfillment/carrier-mappings.server";
import { useToast } from "../toast";

/** What the carrier mapping page's action answers. */
export type CarrierActionResponse = { ok: true; message: string } | { ok: false; message: string };

function useAnswerToast(fetcher: ReturnType<typeof useFetcher<CarrierActionResponse>>) {
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) toast(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, toast]);
}

function CarrierRowForm({ row, carriers }: { row: CarrierRow; carriers: CarrierMappingsView["carriers"] }) {
  const fetcher = useFetcher<CarrierActionResponse>();
  useAnswerToast(fetcher);
  const initial = row.mapping?.carrierCode ?? row.suggestions[0]?.code ?? "";
  const [code, setCode] = useState(initial);
  const options = [
    { label: "Choose a marketplace carrier", value: "" },
    ...carriers.map((c) => ({ label: `${c.name} (${c.code})`, value: c.code })),
  ];
  const busy = fetcher.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {row.displayName}
          </Text>
          {row.mapping ? <Badge tone="success">Mapped</Badge> : <Badge tone="critical">Not mapped</Badge>}
          {row.blockedDispatches > 0 ? (
            <Badge tone="warning">{`${row.blockedDispatches} parcel${row.blockedDispatches === 1 ? "" : "s"} waiting`}</Badge>
          ) : null}
        </InlineStack>
        {!row.mapping && row.suggestions.length > 0 ? (
          <Text as="p" tone="subdued">
            {`Likely: ${row.suggestions.map((s) => `${s.name} (${s.code})`).join(", ")}`}
          </Text>
        ) : null}
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="shopifyCarrierName" value={row.displayName} />
          <InlineStack gap="200" blockAlign="end">
            <Select label={`Marketplace carrier for ${row.displayName}`} name="carrierCode" options={options} value={code} onChange={setCode} />
            <Button submit variant="primary" loading={busy} disabled={!code || code === row.mapping?.carrierCode}>
              {row.mapping ? "Update mapping" : "Save mapping"}
            </Button>
          </InlineStack>
        </fetcher.Form>
      </BlockStack>
    </Card>
  );
}

function AddCarrierForm({ carriers }: { carriers: CarrierMappingsView["carriers"] }) {
  const fetcher = useFetcher<CarrierActionResponse>();
  useAnswerToast(fetcher);
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="save" />
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            Map a carrier before its first fulfilment
          </Text>
          <InlineStack gap="200" blockAlign="end">
            <TextField label="Carrier name in Shopify" name="shopifyCarrierName" value={name} onChange={setName} autoComplete="off" />
            <Select
              label="Marketplace carrier"
              name="carrierCode"
              options={[{ label: "Choose", value: "" }, ...carriers.map((c) => ({ label: `${c.name} (${c.code})`, value: c.code }))]}
              value={code}
              onChange={setCode}
            />
            <Button submit disabled={!name.trim() || !code} loading={fetcher.state !== "idle"}>
              Add mapping
            </Button>
          </InlineStack>
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

/** The carrier mapping page body: unmapped names first, each with suggestions and a save button. */
export function CarrierMappingsCard({ view }: { view: CarrierMappingsView }) {
  return (
    <BlockStack gap="400">
      {view.carriersError ? (
        <Banner tone="warning" title="The marketplace's carrier list could not be read">
          <p>{`${view.carriersError} Mappings still apply; try again in a few minutes to change them.`}</p>
        </Banner>
      ) : null}
      {view.rows.length === 0 ? (
        <Card>
          <EmptyState heading="No carriers yet" image="">
            <p>Carrier names appear here when your first marketplace order is fulfilled, or add one below.</p>
          </EmptyState>
        </Card>
      ) : (
        view.rows.map((row) => <CarrierRowForm key={row.shopifyCarrier} row={row} carriers={view.carriers} />)
      )}
      {view.carriers.length > 0 ? <AddCarrierForm carriers={view.carriers} /> : null}
    </BlockStack>
  );
}
