import type { CronItem } from "graphile-worker";
import type { TaskName } from "./tasks";
import { inventoryCronItems } from "./tasks/inventory";
import { fulfillmentCronItems } from "./tasks/fulfillment";
import { ordersCronItems } from "./tasks/orders";

/**
 * Scheduled jobs (polling, reconciliation, housekeeping) on graphile-worker's crontab: each item
 * enqueues one job when its pattern matches; every worker process runs the same list and
 * graphile-worker makes sure each tick is scheduled once. Flows append their items here. Use a
 * stable `identifier` (it is the key for backfilling and de-duplication) and a `jobKey` where a
 * slow run must not pile up behind itself.
 */
export type AppCronItem = CronItem & { task: TaskName; identifier: string };

export const cronItems: AppCronItem[] = [
  {
    task: "maintenance.prune",
    match: "17 3 * * *",
    identifier: "maintenance.prune",
    options: { backfillPeriod: 0, jobKey: "maintenance.prune", maxAttempts: 3 },
  },
  ...inventoryCronItems,
  ...fulfillmentCronItems,
  ...ordersCronItems,
];
