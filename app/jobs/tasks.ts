import { z } from "zod";
import { defineTask } from "./task";
import { inventoryTasks } from "./tasks/inventory";
import { fulfillmentTasks } from "./tasks/fulfillment";
import { ordersTasks } from "./tasks/orders";
import { onboardingTasks } from "./tasks/onboarding";

/**
 * The task registry: job name -> payload schema + handler. Flow helpers add their tasks here.
 *
 * Every shop-scoped payload carries `shop`: the queue's per-shop statistics, the uninstall cleanup
 * and the dead-letter records find a job's shop through it.
 */
export const tasks = {
  /** Runs the flow handler registered for a recorded webhook delivery (app/sync/webhooks). */
  "webhook.process": defineTask({
    payload: z.object({ shop: z.string().min(1), deliveryId: z.string().min(1) }),
    load: () => import("../sync/webhooks/process-webhook.server").then((m) => m.processWebhookTask),
  }),
  /** Daily housekeeping: old webhook deliveries and abandoned request-budget waiters. */
  "maintenance.prune": defineTask({
    payload: z.object({}),
    load: () => import("./prune.server").then((m) => m.pruneTask),
  }),
  ...inventoryTasks,
  ...fulfillmentTasks,
  ...ordersTasks,
  ...onboardingTasks,
};

export type TaskRegistry = Record<string, ReturnType<typeof defineTask>>;
export type TaskName = keyof typeof tasks;
/** What `enqueueJob` accepts for a task (the schema's input type). */
export type TaskPayload<N extends TaskName> = z.input<(typeof tasks)[N]["payload"]>;
