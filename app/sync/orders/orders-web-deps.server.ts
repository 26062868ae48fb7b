/** The orders page's ports, wired once for the web process. */
import { prisma } from "../../db.server";
import { enqueueOrderImport, enqueueOrderPoll } from "../../jobs/tasks/orders-handlers.server";
import type { OrdersPageDeps } from "./orders-page.server";

export function ordersWebDeps(): OrdersPageDeps {
  return {
    db: prisma,
    enqueueImport: enqueueOrderImport,
    enqueuePoll: (shop) => enqueueOrderPoll(shop, "manual"),
    now: () => new Date(),
  };
}
