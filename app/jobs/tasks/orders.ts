/**
 * The orders flow's tasks and schedule (issue 6). Registered in app/jobs/tasks.ts and
 * app/jobs/cron.ts with one spread each; the handlers live in orders-handlers.server.ts.
 */
import { z } from "zod";
import { defineTask } from "../task";

const Shop = z.object({ shop: z.string().min(1) });

export const ordersTasks = {
  /** Lists new marketplace orders, records them and queues one import per order. */
  "orders.poll": defineTask({
    payload: Shop.extend({ trigger: z.enum(["schedule", "manual"]).default("schedule") }),
    maxAttempts: 3,
    load: () => import("./orders-handlers.server").then((m) => m.pollTask),
  }),
  /** The scheduled fan-out: one poll per shop with a marketplace connection. */
  "orders.poll-all": defineTask({
    payload: z.object({}),
    maxAttempts: 3,
    load: () => import("./orders-handlers.server").then((m) => m.pollAllTask),
  }),
  /** Imports one order: create in Shopify exactly once, then acknowledge (resumable steps). */
  "orders.import": defineTask({
    payload: Shop.extend({ orderId: z.string().min(1) }),
    // Each attempt resumes where the last stopped; the poll re-queues whatever is still open.
    maxAttempts: 12,
    load: () => import("./orders-handlers.server").then((m) => m.importTask),
  }),
};

/** Every minute (and again half a minute later, see pollAllTask): a new order is in Shopify and acknowledged within about a minute. */
export const ordersCronItems = [
  {
    task: "orders.poll-all" as const,
    match: "* * * * *",
    identifier: "orders.poll-all",
    options: { backfillPeriod: 0, jobKey: "orders.poll-all", maxAttempts: 3 },
  },
];
