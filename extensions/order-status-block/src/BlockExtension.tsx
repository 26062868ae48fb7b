import { AdminBlock, Badge, Banner, BlockStack, InlineStack, ProgressIndicator, Text, reactExtension, useApi } from "@shopify/ui-extensions-react/admin";
import { useEffect, useState } from "react";
import { countdown, dispatchLabel, parseOrderStatus, type OrderStatus } from "./order-status";

const TARGET = "admin.order-details.block.render";

export default reactExtension(TARGET, () => <MarketplaceStatusBlock />);

type State = { kind: "loading" } | { kind: "error"; message: string } | { kind: "ready"; status: OrderStatus };

function MarketplaceStatusBlock() {
  const { data } = useApi(TARGET);
  const orderGid = data.selected[0]?.id ?? "";
  const orderId = orderGid.split("/").pop() ?? "";
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let cancelled = false;
    // A relative URL reaches the app's backend; the admin adds the session token.
    fetch(`/api/order-status/${orderId}`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`The app answered ${res.status}`);
        const status = parseOrderStatus(await res.json());
        if (!status) throw new Error("The app's answer could not be read");
        if (!cancelled) setState({ kind: "ready", status });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ kind: "error", message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [orderId]);

  if (state.kind === "loading") {
    return (
      <AdminBlock title="Marketplace">
        <ProgressIndicator size="small-200" />
      </AdminBlock>
    );
  }
  if (state.kind === "error") {
    return (
      <AdminBlock title="Marketplace">
        <Banner tone="warning" title="Marketplace status unavailable">
          <Text>{state.message}</Text>
        </Banner>
      </AdminBlock>
    );
  }
  const s = state.status;
  if (!s.linked) {
    return (
      <AdminBlock title="Marketplace">
        <Text>This order did not come from a marketplace.</Text>
      </AdminBlock>
    );
  }
  const now = Date.now();
  return (
    <AdminBlock title={`John Lewis order ${s.reference ?? ""}`}>
      <BlockStack gap="small">
        <InlineStack gap="small" blockAlignment="center">
          <Text fontWeight="bold">Marketplace status</Text>
          <Badge tone="info">{s.marketplaceStatus ?? "unknown"}</Badge>
        </InlineStack>
        {s.deadlines.map((d) => (
          <Text key={d.label}>{`${d.label}: ${countdown(d.at, now)}`}</Text>
        ))}
        {s.dispatches.map((d, i) => (
          <InlineStack key={i} gap="small" blockAlignment="center">
            <Badge tone={d.status === "sent" ? "success" : d.problem ? "critical" : "info"}>{dispatchLabel(d.status)}</Badge>
            <Text>{`${d.units} unit(s), ${d.carrier ?? "no carrier"} ${d.trackingNumber ?? ""}`}</Text>
          </InlineStack>
        ))}
        {[...s.dispatches.flatMap((d) => (d.problem ? [d.problem] : [])), ...s.exceptions].map((message, i) => (
          <Banner key={`e${i}`} tone="critical">
            <Text>{message}</Text>
          </Banner>
        ))}
        {s.tasks.map((t, i) => (
          <Banner key={`t${i}`} tone="warning" title={t.title}>
            <Text>{t.instructions}</Text>
          </Banner>
        ))}
      </BlockStack>
    </AdminBlock>
  );
}
