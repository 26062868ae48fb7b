import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { requireShop } from "../auth.server";
import { DemoShell } from "../components/demo-shell";
import { EmbeddedShell } from "../components/embedded-shell";
import { env } from "../env.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, demo } = await requireShop(request);
  return json({ apiKey: env.SHOPIFY_API_KEY, demo, shop });
}

export default function AppLayout() {
  const { apiKey, demo, shop } = useLoaderData<typeof loader>();
  // Demo mode runs in a normal browser tab without the admin, so it draws its own Polaris frame.
  return demo ? (
    <DemoShell shop={shop}>
      <Outlet />
    </DemoShell>
  ) : (
    <EmbeddedShell apiKey={apiKey}>
      <Outlet />
    </EmbeddedShell>
  );
}

// The library's boundary turns its auth responses (bounce pages, redirects out of the iframe) into
// what the admin expects; without it they would render as a generic error.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
