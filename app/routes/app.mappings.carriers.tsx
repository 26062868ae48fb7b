import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { CarrierMappingsCard, type CarrierActionResponse } from "../components/fulfillment/carrier-mappings-card";
import { getCarrierMappings, saveCarrierMapping } from "../sync/fulfillment/carrier-mappings.server";
import { webFlowDeps } from "../sync/fulfillment/web-deps.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  return json({ view: await getCarrierMappings(await webFlowDeps(), shop) });
}

const SaveForm = z.object({
  intent: z.literal("save"),
  shopifyCarrierName: z.string().trim().min(1, "Enter the carrier name as your fulfilments show it.").max(200),
  carrierCode: z.string().trim().min(1, "Choose a marketplace carrier.").max(100),
});

export async function action({ request }: ActionFunctionArgs) {
  const { shop, demo } = await requireShop(request);
  const form = Object.fromEntries(await request.formData());
  const parsed = SaveForm.safeParse(form);
  if (!parsed.success) return json<CarrierActionResponse>({ ok: false, message: parsed.error.issues[0]?.message ?? "Invalid form." }, { status: 400 });
  const result = await saveCarrierMapping(await webFlowDeps(), {
    shop,
    shopifyCarrierName: parsed.data.shopifyCarrierName,
    carrierCode: parsed.data.carrierCode,
    actor: demo ? "demo-merchant" : "merchant",
  });
  if (!result.ok) return json<CarrierActionResponse>({ ok: false, message: result.error.message }, { status: result.error.kind === "marketplace" ? 502 : 400 });
  const { released } = result.value;
  return json<CarrierActionResponse>({
    ok: true,
    message: released > 0 ? `Mapping saved; ${released} waiting parcel${released === 1 ? "" : "s"} sent to the marketplace.` : "Mapping saved.",
  });
}

export default function CarrierMappingsPage() {
  const { view } = useLoaderData<typeof loader>();
  return (
    <Page title="Carrier mapping" subtitle="Which marketplace carrier each carrier name on your Shopify fulfilments means" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <CarrierMappingsCard view={view} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
