import type { MarketplaceError } from "../../marketplace/marketplace-errors";

/**
 * Why a connection test failed, in the merchant's terms, with what to do next. Pure: built from
 * the adapter's typed error, never from status codes or message text.
 */
export interface ConnectionProblem {
  kind: "wrong-credentials" | "not-a-marketplace-api" | "unreachable" | "rate-limited" | "refused";
  title: string;
  /** One sentence on what happened. */
  message: string;
  /** One sentence on what the merchant can do about it. */
  nextStep: string;
}

export function describeConnectionProblem(
  error: MarketplaceError,
  context: { marketplaceName: string; platformName: string; baseUrl: string },
): ConnectionProblem {
  const host = hostOf(context.baseUrl);
  switch (error.kind) {
    case "unauthorized":
      return {
        kind: "wrong-credentials",
        title: "The credentials were not accepted",
        message: `${context.marketplaceName} refused the username and password.`,
        nextStep:
          "Check them against the ones the marketplace sent you. Sandbox and live accounts have different credentials, so also check the environment.",
      };
    case "rate-limited":
      return {
        kind: "rate-limited",
        title: "The marketplace asked us to slow down",
        message: `${context.marketplaceName} is limiting requests from this account right now.`,
        nextStep: `Wait ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} seconds, then try again.`,
      };
    case "unavailable":
      if (error.reason === "malformed-response") return notAnApi(context.platformName, host);
      if (error.reason === "network" || error.reason === "timeout") {
        return {
          kind: "unreachable",
          title: "The marketplace could not be reached",
          message:
            error.reason === "timeout"
              ? `${host} did not answer in time.`
              : `Could not connect to ${host}.`,
          nextStep:
            "Check the address under Advanced (or clear it to use the standard one), then try again in a minute.",
        };
      }
      return {
        kind: "unreachable",
        title: "The marketplace is having problems",
        message:
          error.reason === "locked"
            ? `${context.marketplaceName} said the account is busy with another change.`
            : `${context.marketplaceName} answered with a server error.`,
        nextStep: "This is usually temporary. Try again in a few minutes.",
      };
    case "rejected":
      // A 404 on the login call means the address serves something other than this platform's API.
      if (error.reason === "not-found") return notAnApi(context.platformName, host);
      return {
        kind: "refused",
        title: "The marketplace refused the connection test",
        message: `${context.marketplaceName} said: ${error.message} (${error.code}).`,
        nextStep: "Check the credentials and the environment; if it persists, contact the marketplace's supplier support.",
      };
  }
}

function notAnApi(platformName: string, host: string): ConnectionProblem {
  return {
    kind: "not-a-marketplace-api",
    title: "That address is not the marketplace's API",
    message: `${host} answered, but it does not look like a ${platformName} API.`,
    nextStep:
      "Check the address under Advanced, or clear it to use the standard sandbox or live address.",
  };
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** The one-line form stored as the connection's last error and shown on the home page. */
export function problemSummary(problem: ConnectionProblem): string {
  return `${problem.title}: ${problem.message} ${problem.nextStep}`;
}
