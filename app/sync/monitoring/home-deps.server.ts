import { getQueueStats, listJobFailures } from "../../jobs/queue.server";
import { connectionDeps } from "../connection/connection-deps.server";
import { listConnections } from "../connection/get-connection.server";
import type { HomeOverviewDeps } from "./get-home-overview.server";

/** The production wiring of the home page's query. */
export function homeOverviewDeps(): HomeOverviewDeps {
  const connections = connectionDeps();
  return {
    listConnections: (shop) => listConnections(connections, shop),
    getQueueStats,
    listJobFailures,
  };
}
