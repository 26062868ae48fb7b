import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { ConnectionForm } from "../components/connection-form";
import {
  connectMarketplace,
  disconnectMarketplace,
} from "../sync/connection/connect-marketplace.server";
import { connectionDeps } from "../sync/connection/connection-deps.server";
import { parseConnectionForm } from "../sync/connection/connection-form";
import {
  connectResponse,
  disconnectResponse,
  invalidFormResponse,
  invalidIntentResponse,
  type ConnectionActionResponse,
} from "../sync/connection/connection-responses";
import { listConnections } from "../sync/connection/get-connection.server";
import { marketplaceOptions } from "../sync/connection/marketplace-options";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  const connections = await listConnections(connectionDeps(), shop);
  return json({ options: marketplaceOptions, connections });
}

const Intent = z.object({
  intent: z.enum(["connect", "disconnect"]),
  marketplaceId: z.string().min(1),
});

export async function action({ request }: ActionFunctionArgs) {
  const { shop, demo } = await requireShop(request);
  const form = await request.formData();
  const intent = Intent.safeParse({ intent: form.get("intent"), marketplaceId: form.get("marketplaceId") });
  if (!intent.success) return json<ConnectionActionResponse>(invalidIntentResponse, { status: 400 });
  const { marketplaceId } = intent.data;
  const marketplaceName = marketplaceOptions.find((o) => o.id === marketplaceId)?.name ?? marketplaceId;
  const actor = demo ? "demo-merchant" : "merchant";

  if (intent.data.intent === "disconnect") {
    const result = await disconnectMarketplace(connectionDeps(), shop, marketplaceId, actor);
    return json<ConnectionActionResponse>(disconnectResponse(result, marketplaceName));
  }
  const input = parseConnectionForm(form, marketplaceOptions);
  if (!input.ok) return json<ConnectionActionResponse>(invalidFormResponse(input.error), { status: 400 });
  const result = await connectMarketplace(connectionDeps(), shop, input.value, actor);
  return json<ConnectionActionResponse>(connectResponse(result, marketplaceName));
}

export default function SettingsPage() {
  const { options, connections } = useLoaderData<typeof loader>();
  return (
    <Page title="Settings">
      <Layout>
        <Layout.AnnotatedSection
          id="marketplace-connection"
          title="Marketplace connection"
          description="The marketplace account this store sells through. The credentials are tested before they are saved, and passwords are stored encrypted."
        >
          <ConnectionForm options={options} connections={connections} />
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
