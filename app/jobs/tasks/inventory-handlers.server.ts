/**
 * Task handlers of the stock flow: adapt the worker's context to the flow's job logic. The
 * process's StockRuntime (one marketplace gateway per connection, one Admin reader per shop) is
 * created on first use; tests and the benchmark install their own with `setStockRuntime`.
 */
import type { TaskContext, TaskHandler } from "../task";
import { addJob } from "../queue.server";
import type { EnqueueStockJob } from "../../sync/inventory/ports";
import type { ReconciliationTrigger } from "../../sync/inventory/reconcile-stock.server";
import {
  runPushJob,
  runReconcileAllJob,
  runReconcileJob,
  runRefreshJob,
  type StockJobContext,
  type StockRuntime,
} from "../../sync/inventory/stock-jobs.server";

let runtime: StockRuntime | null = null;
let runtimeFactory: ((context: TaskContext) => Promise<StockRuntime>) | null = null;

/** Installs the process's stock runtime (the worker entry point, tests, the benchmark). */
export function setStockRuntime(value: StockRuntime | ((context: TaskContext) => Promise<StockRuntime>)): void {
  if (typeof value === "function") {
    runtimeFactory = value;
    runtime = null;
  } else {
    runtime = value;
  }
}

/** Adds stock jobs through the queue's shared pool. */
export const enqueueStockJob: EnqueueStockJob = (task, payload, options) => addJob(undefined, task, payload, options);

async function stockContext(context: TaskContext): Promise<StockJobContext> {
  if (!runtime) {
    const factory = runtimeFactory ?? (await import("../../sync/inventory/production-stock-runtime.server")).productionStockRuntime;
    runtime = await factory(context);
  }
  return { db: context.db, clock: { now: context.now }, enqueue: enqueueStockJob, runtime };
}

export const refreshTask: TaskHandler<{ shop: string }> = async (payload, context) =>
  runRefreshJob(await stockContext(context), payload.shop);

export const pushTask: TaskHandler<{ shop: string }> = async (payload, context) =>
  runPushJob(await stockContext(context), payload.shop, context.signal);

export const reconcileTask: TaskHandler<{ shop: string; runId?: string; trigger: ReconciliationTrigger }> = async (
  payload,
  context,
) => runReconcileJob(await stockContext(context), payload);

export const reconcileAllTask: TaskHandler<Record<string, never>> = async (_payload, context) => {
  await runReconcileAllJob(await stockContext(context));
};
