import type { ActionFunctionArgs } from "@remix-run/node";
import { acknowledgeWebhook } from "../sync/webhooks/acknowledge-webhook.server";
import { CustomersDataRequest, CustomersRedact, ShopRedact } from "../sync/webhooks/webhook-payloads";

/**
 * The mandatory privacy topics (customers/data_request, customers/redact, shop/redact), subscribed
 * through `compliance_topics` in shopify.app.toml. A forged HMAC gets 401 from authenticate.webhook,
 * as the App Store review requires. What each does: app/sync/shop-lifecycle/customer-data.server.ts
 * and redact-shop.server.ts.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  acknowledgeWebhook(request, {
    CUSTOMERS_DATA_REQUEST: CustomersDataRequest,
    CUSTOMERS_REDACT: CustomersRedact,
    SHOP_REDACT: ShopRedact,
  });
