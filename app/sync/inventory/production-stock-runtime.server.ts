/**
 * The worker's stock runtime: request budgets shared through PostgreSQL with every other process.
 * Loaded only by the worker (a dynamic import), so tests that install their own runtime never
 * need the shared budget's tables.
 */
import { sharedPool } from "../../jobs/pool.server";
import { createSharedRequestBudget } from "../../jobs/request-budget.server";
import type { TaskContext } from "../../jobs/task";
import type { RequestBudget } from "../../marketplace/request-budget";
import type { StockRuntime } from "./stock-jobs.server";
import { createStockRuntime } from "./stock-runtime.server";

/**
 * Requests per minute routine work leaves for urgent calls (acknowledgements, dispatches,
 * sell-outs). Small, because urgent waiters already overtake queued routine ones: the reserve only
 * has to absorb a burst of urgent calls, and every unit reserved slows a stock backlog by 0.4 %.
 */
export const URGENT_RESERVE_PER_MINUTE = 10;

/** The worker's runtime: budgets shared through PostgreSQL with every other process. */
export async function productionStockRuntime(context: Pick<TaskContext, "db">): Promise<StockRuntime> {
  const budgets = new Map<string, RequestBudget>();
  return createStockRuntime({
    db: context.db,
    budgetFor: (accountKey, perMinute) => {
      let budget = budgets.get(accountKey);
      if (!budget) {
        budget = createSharedRequestBudget({ pool: sharedPool(), accountKey, perMinute, urgentReserve: URGENT_RESERVE_PER_MINUTE });
        budgets.set(accountKey, budget);
      }
      return budget;
    },
  });
}
