import type { Result } from "../../lib/result";
import type { ConnectError, ConnectOutcome } from "./connect-marketplace.server";
import type { FieldErrors } from "./connection-form";
import type { ConnectionProblem } from "./connection-problem";

/**
 * What the settings action answers, in one shape for every intent so the form can read it without
 * narrowing: a toast `message` on success, `fieldErrors` beside inputs, a `problem` banner.
 */
export interface ConnectionActionResponse {
  intent: "connect" | "disconnect" | "invalid";
  ok: boolean;
  message: string | null;
  fieldErrors: FieldErrors | null;
  problem: ConnectionProblem | null;
}

export function connectResponse(
  result: Result<ConnectOutcome, ConnectError>,
  marketplaceName: string,
): ConnectionActionResponse {
  if (result.ok) {
    const account = result.value.info.accountName;
    return {
      intent: "connect",
      ok: true,
      message: `${result.value.updated ? "Reconnected" : "Connected"} to ${marketplaceName} as ${account}`,
      fieldErrors: null,
      problem: null,
    };
  }
  return {
    intent: "connect",
    ok: false,
    message: null,
    fieldErrors: result.error.kind === "invalid-input" ? result.error.fieldErrors : null,
    problem: result.error.kind === "test-failed" ? result.error.problem : null,
  };
}

export function invalidFormResponse(fieldErrors: FieldErrors): ConnectionActionResponse {
  return { intent: "connect", ok: false, message: null, fieldErrors, problem: null };
}

export function disconnectResponse(
  result: Result<void, { kind: "not-connected" }>,
  marketplaceName: string,
): ConnectionActionResponse {
  return {
    intent: "disconnect",
    ok: result.ok,
    message: result.ok
      ? `Disconnected from ${marketplaceName}`
      : `There was no ${marketplaceName} connection to remove`,
    fieldErrors: null,
    problem: null,
  };
}

export const invalidIntentResponse: ConnectionActionResponse = {
  intent: "invalid",
  ok: false,
  message: "The form could not be read. Reload the page and try again.",
  fieldErrors: null,
  problem: null,
};
