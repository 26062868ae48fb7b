import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { requireShop } from "../auth.server";
import {
  ConnectionHealthCard,
  FailuresCard,
  NotConnectedCard,
  QueueCard,
} from "../components/home-cards";
import { DispatchAlertBanner } from "../components/fulfillment/dispatch-alert-banner";
import { FirstSyncCard } from "../components/onboarding/first-sync-card";
import { prisma } from "../db.server";
import { retryJobFailure } from "../jobs/queue.server";
import { checkConnection } from "../sync/connection/connect-marketplace.server";
import { connectionDeps } from "../sync/connection/connection-deps.server";
import { getDispatchOverview } from "../sync/fulfillment/dispatch-issues.server";
import { webFlowDeps } from "../sync/fulfillment/web-deps.server";
import { getHomeOverview } from "../sync/monitoring/get-home-overview.server";
import { homeOverviewDeps } from "../sync/monitoring/home-deps.server";
import { getOnboardingProgress } from "../sync/onboarding/get-onboarding-progress.server";
import {
  checkResponse,
  invalidHomeAction,
  retryResponse,
  type HomeActionResponse,
} from "../sync/monitoring/home-responses";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  const [overview, dispatch, firstSync] = await Promise.all([
    getHomeOverview(homeOverviewDeps(), shop),
    webFlowDeps().then((deps) => getDispatchOverview(deps, shop)),
    getOnboardingProgress(prisma, shop),
  ]);
  return json({ ...overview, dispatchCounts: dispatch.counts, firstSync });
}

const HomeAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), failureId: z.string().min(1) }),
  z.object({ intent: z.literal("check"), marketplaceId: z.string().min(1) }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await requireShop(request);
  const parsed = HomeAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<HomeActionResponse>(invalidHomeAction, { status: 400 });
  if (parsed.data.intent === "retry") {
    return json<HomeActionResponse>(retryResponse(await retryJobFailure(shop, parsed.data.failureId)));
  }
  return json<HomeActionResponse>(
    checkResponse(await checkConnection(connectionDeps(), shop, parsed.data.marketplaceId)),
  );
}

export default function HomePage() {
  const { connections, queue, failures, dispatchCounts, firstSync } = useLoaderData<typeof loader>();
  return (
    <Page title="JL Marketplace Sync">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <DispatchAlertBanner counts={dispatchCounts} />
            {connections.length === 0 ? (
              <NotConnectedCard />
            ) : (
              connections.map((connection) => (
                <ConnectionHealthCard key={connection.marketplaceId} connection={connection} />
              ))
            )}
            {firstSync && connections.length > 0 ? <FirstSyncCard progress={firstSync} /> : null}
            <FailuresCard failures={failures} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <QueueCard queue={queue} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
