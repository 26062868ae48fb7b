import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  AppProvider,
  BlockStack,
  Button,
  Card,
  FormLayout,
  List,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import enTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { env } from "../../env.server";
import { login } from "../../shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  // The demo has no Shopify login: its shop is already signed in.
  if (env.DEMO_MODE) throw redirect("/app");
  const url = new URL(request.url);
  // Opened from the admin (or an install link): go straight into the app with Shopify's parameters.
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return json({ showForm: Boolean(login) });
}

/** The public landing page: what the app does, and a shop-domain login for merchants. */
export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  const [shop, setShop] = useState("");
  return (
    <AppProvider i18n={enTranslations}>
      <Page narrowWidth title="JL Marketplace Sync">
        <BlockStack gap="400">
          <Card>
            <BlockStack gap="300">
              <Text as="p">
                Sell through John Lewis Marketplace from your Shopify store: marketplace orders appear
                in Shopify, stock stays in step, and dispatches flow back to John Lewis.
              </Text>
              <List>
                <List.Item>Orders imported and acknowledged automatically.</List.Item>
                <List.Item>Stock pushed from your Shopify locations, with a safety buffer.</List.Item>
                <List.Item>Tracking sent to the marketplace when you fulfil.</List.Item>
              </List>
            </BlockStack>
          </Card>
          {showForm ? (
            <Card>
              <Form method="post" action="/auth/login">
                <FormLayout>
                  <TextField
                    label="Shop domain"
                    name="shop"
                    value={shop}
                    onChange={setShop}
                    autoComplete="on"
                    helpText="e.g. my-shop.myshopify.com"
                  />
                  <Button submit variant="primary">
                    Log in
                  </Button>
                </FormLayout>
              </Form>
            </Card>
          ) : null}
        </BlockStack>
      </Page>
    </AppProvider>
  );
}
