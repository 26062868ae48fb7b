/**
 * The worker's (and web process's) marketplace gateways: one per connection for the whole process,
 * shared by every flow, each drawing from its account's request budget in PostgreSQL, which every
 * process shares (docs/decisions/005-jobs-and-request-budget.md).
 */
import type { PrismaClient } from "@prisma/client";
import { createConnectionGateways, type ConnectionGateways } from "../marketplace/connection-gateways.server";
import type { RequestBudget } from "../marketplace/request-budget";
import { sharedPool } from "./pool.server";
import { createSharedRequestBudget } from "./request-budget.server";

/**
 * Requests per minute routine work leaves for urgent calls (acknowledgements, dispatches,
 * sell-outs). Small, because urgent waiters already overtake queued routine ones: the reserve only
 * has to absorb a burst of urgent calls, and every unit reserved slows a stock backlog by 0.4 %.
 */
export const URGENT_RESERVE_PER_MINUTE = 10;

const budgets = new Map<string, RequestBudget>();

/** The process's budget handle for one marketplace account (the state itself lives in PostgreSQL). */
export function sharedBudgetFor(accountKey: string, perMinute: number): RequestBudget {
  const key = `${accountKey}@${perMinute}`;
  let budget = budgets.get(key);
  if (!budget) {
    budget = createSharedRequestBudget({ pool: sharedPool(), accountKey, perMinute, urgentReserve: URGENT_RESERVE_PER_MINUTE });
    budgets.set(key, budget);
  }
  return budget;
}

let gateways: ConnectionGateways | null = null;

/** The process's gateways (created on first use). */
export function productionGateways(db: PrismaClient): ConnectionGateways {
  gateways ??= createConnectionGateways({ db, budgetFor: sharedBudgetFor });
  return gateways;
}
