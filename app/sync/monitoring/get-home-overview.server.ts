import type { ShopDomain } from "../../lib/ids";
import type { ConnectionView } from "../connection/get-connection.server";

/** Queue depth as the home page shows it. */
export interface QueueStats {
  pending: number;
  running: number;
  failedLast24h: number;
  oldestPendingAgeSeconds: number | null;
}

/** A job that gave up, with the reason the merchant reads and a retry. */
export interface JobFailureView {
  id: string;
  taskName: string;
  reason: string;
  attempts: number;
  /** ISO-8601. */
  failedAt: string;
  retriedAt: string | null;
}

export interface HomeOverviewDeps {
  listConnections(shop: ShopDomain): Promise<ConnectionView[]>;
  getQueueStats(shop: ShopDomain): Promise<QueueStats>;
  listJobFailures(
    shop: ShopDomain,
    options: { limit: number },
  ): Promise<
    { id: string; taskName: string; reason: string; attempts: number; failedAt: Date; retriedAt: Date | null }[]
  >;
}

/** A section that could not be loaded says so, instead of failing the whole page. */
export type Section<T> = { ok: true; value: T } | { ok: false; message: string; detail: string };

export interface HomeOverview {
  connections: ConnectionView[];
  queue: Section<QueueStats>;
  failures: Section<JobFailureView[]>;
}

export const FAILURES_SHOWN = 20;

/**
 * Everything the home page shows. The queue lives in the job engine's own tables, which exist only
 * once a worker has started; until then (or if the engine is down) the queue sections carry an
 * error the page shows in place, while the connection status still loads.
 */
export async function getHomeOverview(deps: HomeOverviewDeps, shop: ShopDomain): Promise<HomeOverview> {
  const [connections, queue, failures] = await Promise.all([
    deps.listConnections(shop),
    section(QUEUE_UNAVAILABLE, () => deps.getQueueStats(shop)),
    section(QUEUE_UNAVAILABLE, async () =>
      (await deps.listJobFailures(shop, { limit: FAILURES_SHOWN })).map(
        (failure): JobFailureView => ({
          id: failure.id,
          taskName: failure.taskName,
          reason: failure.reason,
          attempts: failure.attempts,
          failedAt: failure.failedAt.toISOString(),
          retriedAt: failure.retriedAt?.toISOString() ?? null,
        }),
      ),
    ),
  ]);
  return { connections, queue, failures };
}

const QUEUE_UNAVAILABLE =
  "The job queue could not be read. If you just installed or restarted the app, make sure the worker is running, then reload.";

async function section<T>(message: string, load: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, message, detail: error instanceof Error ? error.message : String(error) };
  }
}
