import { Badge, InlineStack, Text } from "@shopify/polaris";
import type { ConnectionView } from "../sync/connection/get-connection.server";

/** A connection's marketplace name with its health badge, as the home and settings pages show it. */
export function ConnectionTitle({ connection }: { connection: Pick<ConnectionView, "marketplaceName" | "status"> }) {
  const healthy = connection.status === "connected";
  return (
    <InlineStack align="space-between" blockAlign="center">
      <Text as="h2" variant="headingMd">
        {connection.marketplaceName}
      </Text>
      <Badge tone={healthy ? "success" : "critical"}>{healthy ? "Connected" : "Failing"}</Badge>
    </InlineStack>
  );
}
