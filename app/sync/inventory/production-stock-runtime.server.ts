/**
 * The worker's stock runtime: the process's shared gateways (one per connection, budgets shared
 * through PostgreSQL with every other process). Loaded only by the worker (a dynamic import), so
 * tests that install their own runtime never need the shared budget's tables.
 */
import { productionGateways, sharedBudgetFor } from "../../jobs/production-gateways.server";
import type { TaskContext } from "../../jobs/task";
import type { StockRuntime } from "./stock-jobs.server";
import { createStockRuntime } from "./stock-runtime.server";

export { URGENT_RESERVE_PER_MINUTE } from "../../jobs/production-gateways.server";

let runtime: StockRuntime | null = null;

/** The process's stock runtime (one, so the first sync, dispatch and stock jobs share its gateways and readers). */
export async function productionStockRuntime(context: Pick<TaskContext, "db">): Promise<StockRuntime> {
  runtime ??= createStockRuntime({ db: context.db, budgetFor: sharedBudgetFor, gateways: productionGateways(context.db) });
  return runtime;
}
