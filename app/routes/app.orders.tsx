import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect } from "react";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { DispatchAlertBanner } from "../components/fulfillment/dispatch-alert-banner";
import { OrdersTable, PollStatus } from "../components/orders/orders-table";
import { useToast } from "../components/toast";
import { getDispatchOverview } from "../sync/fulfillment/dispatch-issues.server";
import { webFlowDeps } from "../sync/fulfillment/web-deps.server";
import { getOrdersOverview, syncOrdersNow, type OrdersFilter } from "../sync/orders/orders-page.server";
import { ordersWebDeps } from "../sync/orders/orders-web-deps.server";

const Filter = z.enum(["all", "needs-attention", "awaiting-acknowledgement", "awaiting-dispatch"]).catch("all");

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  const filter = Filter.parse(new URL(request.url).searchParams.get("filter") ?? "all");
  const [overview, dispatch] = await Promise.all([
    getOrdersOverview(ordersWebDeps(), shop, filter),
    webFlowDeps().then((deps) => getDispatchOverview(deps, shop)),
  ]);
  return json({ filter, overview, dispatchCounts: dispatch.counts });
}

const Action = z.object({ intent: z.literal("sync-now") });
type ActionResponse = { ok: boolean; message: string };

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await requireShop(request);
  const parsed = Action.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<ActionResponse>({ ok: false, message: "Invalid request." }, { status: 400 });
  await syncOrdersNow(ordersWebDeps(), shop);
  return json<ActionResponse>({ ok: true, message: "Checking the marketplace for new orders." });
}

export default function OrdersPage() {
  const { filter, overview, dispatchCounts } = useLoaderData<typeof loader>();
  const [, setSearchParams] = useSearchParams();
  const fetcher = useFetcher<ActionResponse>();
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) toast(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, toast]);
  return (
    <Page
      title="Orders"
      subtitle="Marketplace orders in Shopify, acknowledged within their window"
      backAction={{ content: "Home", url: "/app" }}
      primaryAction={{
        content: "Sync now",
        loading: fetcher.state !== "idle",
        onAction: () => fetcher.submit({ intent: "sync-now" }, { method: "post" }),
      }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="300">
            <DispatchAlertBanner counts={dispatchCounts} />
            <PollStatus poll={overview.poll} />
            <OrdersTable overview={overview} filter={filter} onFilter={(f: OrdersFilter) => setSearchParams(f === "all" ? {} : { filter: f })} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
