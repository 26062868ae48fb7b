import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Collapsible,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { credentialFieldName } from "../sync/connection/connection-form";
import type { ConnectionActionResponse } from "../sync/connection/connection-responses";
import type { ConnectionView } from "../sync/connection/get-connection.server";
import {
  connectionEnvironments,
  type ConnectionEnvironment,
  type MarketplaceOption,
} from "../sync/connection/marketplace-option";
import { formatDateTime } from "./format";
import { useToast } from "./toast";
import { ConnectionTitle } from "./connection-title";

interface Props {
  options: readonly MarketplaceOption[];
  connections: readonly ConnectionView[];
}

/** The marketplace connection card: status of the saved connection and the form to (re)connect. */
export function ConnectionForm({ options, connections }: Props) {
  const [marketplaceId, setMarketplaceId] = useState(
    connections[0]?.marketplaceId ?? options[0]?.id ?? "",
  );
  const option = options.find((candidate) => candidate.id === marketplaceId);
  const connection = connections.find((candidate) => candidate.marketplaceId === marketplaceId) ?? null;
  // Owned here, not by the fields: a successful save remounts the fields (see their key), and the
  // toast must survive that.
  const fetcher = useFetcher<ConnectionActionResponse>();
  const disconnectFetcher = useFetcher<ConnectionActionResponse>();
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.intent === "connect" && fetcher.data.ok && fetcher.data.message) {
      toast(fetcher.data.message);
    }
  }, [fetcher.state, fetcher.data, toast]);
  useEffect(() => {
    const data = disconnectFetcher.data;
    if (disconnectFetcher.state === "idle" && data?.message) toast(data.message, { isError: !data.ok });
  }, [disconnectFetcher.state, disconnectFetcher.data, toast]);
  if (!option) {
    return (
      <Banner tone="critical" title="No marketplaces are configured">
        <p>The app has no marketplace catalogue entries. This is a deployment problem.</p>
      </Banner>
    );
  }
  return (
    <BlockStack gap="400">
      {connection ? <ConnectionStatusCard connection={connection} fetcher={disconnectFetcher} /> : null}
      <ConnectionFields
        // A new marketplace or a fresh save resets the fields (and clears typed passwords).
        key={`${marketplaceId}|${connection?.lastCheckedAt ?? "new"}`}
        options={options}
        option={option}
        connection={connection}
        onMarketplaceChange={setMarketplaceId}
        fetcher={fetcher}
      />
    </BlockStack>
  );
}

type ConnectionFetcher = ReturnType<typeof useFetcher<ConnectionActionResponse>>;

function ConnectionStatusCard({ connection, fetcher }: { connection: ConnectionView; fetcher: ConnectionFetcher }) {
  return (
    <Card>
      <BlockStack gap="300">
        <ConnectionTitle connection={connection} />
        <Text as="p">
          {connection.accountName ? `Account: ${connection.accountName}. ` : ""}
          {connection.environment === "live" ? "Live" : "Sandbox"} environment at {connection.baseUrl}.
        </Text>
        {connection.lastCheckedAt ? (
          <Text as="p" tone="subdued">
            Last checked {formatDateTime(connection.lastCheckedAt)}
          </Text>
        ) : null}
        {connection.lastError ? (
          <Banner tone="critical" title="The last check failed">
            <p>{connection.lastError}</p>
          </Banner>
        ) : null}
        <InlineStack align="end">
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="disconnect" />
            <input type="hidden" name="marketplaceId" value={connection.marketplaceId} />
            <Button submit tone="critical" loading={fetcher.state !== "idle"}>
              Disconnect
            </Button>
          </fetcher.Form>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

interface FieldsProps {
  options: readonly MarketplaceOption[];
  option: MarketplaceOption;
  connection: ConnectionView | null;
  onMarketplaceChange(id: string): void;
  fetcher: ConnectionFetcher;
}

function ConnectionFields({ options, option, connection, onMarketplaceChange, fetcher }: FieldsProps) {
  const environments = connectionEnvironments.filter((environment) => option.baseUrls[environment]);
  const [environment, setEnvironment] = useState<ConnectionEnvironment>(
    connection?.environment ?? environments[0] ?? "sandbox",
  );
  const [baseUrl, setBaseUrl] = useState(connection?.baseUrlIsCustom ? connection.baseUrl : "");
  const [credentials, setCredentials] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      option.credentialFields.map((field) => [
        field.key,
        field.secret ? "" : (connection?.publicCredentials[field.key] ?? ""),
      ]),
    ),
  );
  const response = fetcher.data?.intent === "connect" ? fetcher.data : null;
  const fieldErrors = fetcher.state === "idle" ? (response?.fieldErrors ?? {}) : {};
  const problem = fetcher.state === "idle" ? (response?.problem ?? null) : null;
  const [advancedOpen, setAdvancedOpen] = useState(Boolean(connection?.baseUrlIsCustom));
  const advancedVisible = advancedOpen || Boolean(fieldErrors.baseUrl);

  const busy = fetcher.state !== "idle";
  const standardUrl = option.baseUrls[environment];
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="connect" />
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {connection ? "Change connection" : "Connect a marketplace"}
          </Text>
          {problem ? (
            <Banner tone="critical" title={problem.title}>
              <BlockStack gap="100">
                <p>{problem.message}</p>
                <p>{problem.nextStep}</p>
              </BlockStack>
            </Banner>
          ) : null}
          <FormLayout>
            <Select
              label="Marketplace"
              name="marketplaceId"
              options={options.map((candidate) => ({ label: candidate.name, value: candidate.id }))}
              value={option.id}
              onChange={onMarketplaceChange}
              error={fieldErrors.marketplaceId}
            />
            <Select
              label="Environment"
              name="environment"
              options={environments.map((value) => ({
                label: value === "live" ? "Live" : "Sandbox (testing)",
                value,
              }))}
              value={environment}
              onChange={(value) => setEnvironment(value === "live" ? "live" : "sandbox")}
              helpText={standardUrl ? `Standard address: ${standardUrl}` : undefined}
              error={fieldErrors.environment}
            />
            {option.credentialFields.map((field) => {
              const saved = field.secret && connection?.secretsSet[field.key];
              return (
                <TextField
                  key={field.key}
                  label={field.label}
                  name={credentialFieldName(field.key)}
                  type={field.secret ? "password" : "text"}
                  autoComplete="off"
                  value={credentials[field.key] ?? ""}
                  onChange={(value) => setCredentials((current) => ({ ...current, [field.key]: value }))}
                  placeholder={saved ? "Saved (leave blank to keep it)" : undefined}
                  helpText={field.helpText}
                  error={fieldErrors[credentialFieldName(field.key)]}
                />
              );
            })}
          </FormLayout>
          <Box>
            <Button
              variant="plain"
              disclosure={advancedVisible ? "up" : "down"}
              onClick={() => setAdvancedOpen((open) => !open)}
              ariaExpanded={advancedVisible}
              ariaControls="connection-advanced"
            >
              Advanced
            </Button>
          </Box>
          <Collapsible id="connection-advanced" open={advancedVisible}>
            <TextField
              label="API base URL"
              name="baseUrl"
              type="url"
              autoComplete="off"
              value={baseUrl}
              onChange={setBaseUrl}
              placeholder={standardUrl}
              helpText="Leave blank to use the standard address. Set it to reach a test server, such as the demo's marketplace simulator."
              error={fieldErrors.baseUrl}
            />
          </Collapsible>
          <InlineStack align="end">
            <Button submit variant="primary" loading={busy}>
              {connection ? "Test and save" : "Test and connect"}
            </Button>
          </InlineStack>
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}
