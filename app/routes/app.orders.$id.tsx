import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect } from "react";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { deadlineCountdown } from "../components/orders/deadline";
import { OrderExceptions, OrderTimeline, type OrderAction } from "../components/orders/order-timeline";
import { useNow } from "../components/orders/orders-table";
import { useToast } from "../components/toast";
import { getOrderDetail, retryOrder } from "../sync/orders/orders-page.server";
import { ordersWebDeps } from "../sync/orders/orders-web-deps.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  const detail = await getOrderDetail(ordersWebDeps(), shop, z.string().min(1).parse(params.id));
  if (!detail) throw new Response("Order not found", { status: 404 });
  return json({ detail });
}

const Action = z.object({ intent: z.enum(["retry", "create-anyway"]) });
type ActionResponse = { ok: boolean; message: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop } = await requireShop(request);
  const parsed = Action.safeParse(Object.fromEntries(await request.formData()));
  const id = z.string().min(1).safeParse(params.id);
  if (!parsed.success || !id.success) return json<ActionResponse>({ ok: false, message: "Invalid request." }, { status: 400 });
  const result = await retryOrder(ordersWebDeps(), shop, id.data, { force: parsed.data.intent === "create-anyway" });
  if (!result.ok) {
    return json<ActionResponse>({ ok: false, message: result.error.kind === "not-found" ? "That order no longer exists." : "This order is already imported and acknowledged." });
  }
  return json<ActionResponse>({ ok: true, message: parsed.data.intent === "create-anyway" ? "Creating the order anyway." : "Importing the order again." });
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <BlockStack gap="100">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span">{children}</Text>
    </BlockStack>
  );
}

export default function OrderPage() {
  const { detail } = useLoaderData<typeof loader>();
  const { order } = detail;
  const fetcher = useFetcher<ActionResponse>();
  const toast = useToast();
  const now = useNow();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) toast(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, toast]);
  const deadline = deadlineCountdown({ acknowledgeBy: order.acknowledgeBy, acknowledgedAt: order.acknowledgedAt, nowMs: now });
  return (
    <Page
      title={order.reference}
      titleMetadata={<Badge tone={deadline.tone}>{deadline.label}</Badge>}
      backAction={{ content: "Orders", url: "/app/orders" }}
      secondaryActions={order.shopifyOrderUrl ? [{ content: `Open ${order.shopifyOrderName ?? "order"} in Shopify`, url: order.shopifyOrderUrl, target: "_top" }] : []}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <OrderExceptions detail={detail} busy={fetcher.state !== "idle"} onAction={(a: OrderAction) => fetcher.submit({ intent: a }, { method: "post" })} />
            <Card>
              <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                <Fact label="Marketplace">{order.marketplaceStatus.replace(/-/g, " ")}</Fact>
                <Fact label="Shopify">{order.shopifyOrderName ?? (order.needsAttention ? "Not created" : "Being created")}</Fact>
                <Fact label="Promised dispatch">{order.promisedDispatchDate ?? "—"}</Fact>
                <Fact label="Promised delivery">{order.promisedDeliveryDate ?? "—"}</Fact>
              </InlineGrid>
            </Card>
            <OrderTimeline timeline={detail.timeline} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
