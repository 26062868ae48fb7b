/**
 * The first-sync task (docs/decisions/011-onboarding.md). Registered in app/jobs/tasks.ts with one
 * spread; the handler lives in onboarding-handlers.server.ts.
 */
import { z } from "zod";
import { defineTask } from "../task";

export const onboardingTasks = {
  /**
   * After a shop connects its marketplace: default the published locations, load the marketplace's
   * products, auto-match SKUs, start the stock push and release orders waiting on mappings.
   * Resumable (each step is recorded) and a no-op once finished.
   */
  "onboarding.first-sync": defineTask({
    payload: z.object({ shop: z.string().min(1) }),
    // A throttled or unreachable side is retried with backoff for about half an hour.
    maxAttempts: 8,
    load: () => import("./onboarding-handlers.server").then((m) => m.firstSyncTask),
  }),
};

/** One first sync per shop at a time, and one waiting at most. */
export function firstSyncJobOptions(shop: string) {
  return { jobKey: `onboarding.first-sync:${shop}`, queueName: `onboarding:${shop}`, maxAttempts: 8 };
}
