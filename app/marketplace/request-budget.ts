/**
 * Every marketplace call draws from one request budget per marketplace account, shared by all web
 * and worker processes. Adapters call `take` before each HTTP request and `pause` when the
 * platform answers 429, so one worker's throttling holds every other worker back too.
 */
export type RequestPriority = "urgent" | "routine";

export interface RequestBudget {
  /**
   * Resolves when one request may be sent now. Urgent work (dispatches, acknowledgements,
   * sell-outs) is served before routine work, and routine work leaves a reserve for urgent work.
   */
  take(priority: RequestPriority): Promise<void>;
  /** The platform asked us to wait: nobody draws from this budget for `ms`. */
  pause(ms: number): Promise<void>;
}

/** A budget that never waits: for unit tests and for calls that must not be counted. */
export const unlimitedBudget: RequestBudget = {
  take: async () => {},
  pause: async () => {},
};
