import type { TaskContext, TaskOutcome } from "../../jobs/task";
import type { ShopDomain } from "../../lib/ids";
import { fulfillmentWebhookHandlers } from "../../jobs/tasks/fulfillment";

/** A recorded delivery as its handler receives it. */
export type RecordedDelivery = {
  id: string;
  shop: ShopDomain;
  topic: string;
  webhookId: string;
  /** The fields the route parsed and stored; handlers parse them again with their own schema. */
  payload: unknown;
  triggeredAt: Date | null;
};

export type WebhookHandler = (delivery: RecordedDelivery, context: TaskContext) => Promise<TaskOutcome>;

/**
 * Topic -> handler, run by the `webhook.process` job. Flow helpers register their topics here
 * (loaded lazily, like tasks). A topic without a handler is recorded and marked "skipped".
 */
export const webhookHandlers: Partial<Record<string, () => Promise<WebhookHandler>>> = {
  ...fulfillmentWebhookHandlers,
  INVENTORY_LEVELS_UPDATE: () => import("../inventory/handle-inventory-webhook.server").then((m) => m.handleInventoryLevelsUpdateDelivery),
  SHOP_REDACT: () => import("../shop-lifecycle/redact-shop.server").then((m) => m.handleShopRedact),
  CUSTOMERS_REDACT: () => import("../shop-lifecycle/customer-data.server").then((m) => m.handleCustomersRedact),
  CUSTOMERS_DATA_REQUEST: () =>
    import("../shop-lifecycle/customer-data.server").then((m) => m.handleCustomersDataRequest),
};
