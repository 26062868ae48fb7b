import type { Result } from "../../lib/result";
import type { CheckError } from "../connection/connect-marketplace.server";
import type { ConnectionProblem } from "../connection/connection-problem";
import type { ConnectionInfo } from "../../marketplace/marketplace-gateway";

/** What the home page's actions answer: a toast message, and a problem banner when a check failed. */
export interface HomeActionResponse {
  intent: "retry" | "check" | "invalid";
  ok: boolean;
  message: string;
  problem: ConnectionProblem | null;
}

export function retryResponse(result: Result<void, { kind: "not-found" }>): HomeActionResponse {
  return {
    intent: "retry",
    ok: result.ok,
    message: result.ok
      ? "Job queued again"
      : "That failure is no longer there; it may already have been retried",
    problem: null,
  };
}

export function checkResponse(result: Result<ConnectionInfo, CheckError>): HomeActionResponse {
  if (result.ok) {
    return { intent: "check", ok: true, message: `Connection healthy (${result.value.accountName})`, problem: null };
  }
  if (result.error.kind === "not-connected") {
    return { intent: "check", ok: false, message: "There is no connection to check", problem: null };
  }
  return { intent: "check", ok: false, message: result.error.problem.title, problem: result.error.problem };
}

export const invalidHomeAction: HomeActionResponse = {
  intent: "invalid",
  ok: false,
  message: "The request could not be read. Reload the page and try again.",
  problem: null,
};
