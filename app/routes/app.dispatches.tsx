import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "../auth.server";
import { DispatchIssuesCard, type DispatchActionResponse } from "../components/fulfillment/dispatch-issues-card";
import { completeMerchantTask, getDispatchOverview, retryDispatch } from "../sync/fulfillment/dispatch-issues.server";
import { webFlowDeps } from "../sync/fulfillment/web-deps.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireShop(request);
  return json({ overview: await getDispatchOverview(await webFlowDeps(), shop) });
}

const Form = z.object({ intent: z.enum(["retry", "task-done"]), id: z.string().min(1).max(100) });

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await requireShop(request);
  const parsed = Form.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json<DispatchActionResponse>({ ok: false, message: "Invalid request." }, { status: 400 });
  const deps = await webFlowDeps();
  if (parsed.data.intent === "task-done") {
    const done = await completeMerchantTask(deps, shop, parsed.data.id);
    return json<DispatchActionResponse>(done.ok ? { ok: true, message: "Task marked as done." } : { ok: false, message: "That task is already done." });
  }
  const result = await retryDispatch(deps, shop, parsed.data.id);
  if (!result.ok) {
    return json<DispatchActionResponse>({ ok: false, message: result.error.kind === "not-found" ? "That parcel no longer exists." : result.error.message });
  }
  return json<DispatchActionResponse>(
    result.value.status === "pending"
      ? { ok: true, message: "Sending the dispatch to the marketplace again." }
      : { ok: false, message: "Still blocked: fix the carrier or tracking first." },
  );
}

export default function DispatchesPage() {
  const { overview } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Dispatches"
      subtitle="Fulfilments not yet confirmed to the marketplace, and why"
      backAction={{ content: "Home", url: "/app" }}
      secondaryActions={[{ content: "Carrier mapping", url: "/app/mappings/carriers" }]}
    >
      <Layout>
        <Layout.Section>
          <DispatchIssuesCard overview={overview} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
