/**
 * What the home page shows about the first sync: the step reached (from the onboarding's AuditLog
 * rows) and live product counts, so the numbers drop as the merchant maps the rest by hand.
 */
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { FIRST_SYNC_STEPS, ONBOARDING_ENTITY, ONBOARDING_ENTITY_ID, type FirstSyncStep } from "./run-first-sync.server";

export type OnboardingState = "running" | "done" | "failed";

export interface OnboardingProgress {
  state: OnboardingState;
  /** The last finished step, null before the first. */
  lastStep: FirstSyncStep | null;
  /** Set when the first sync chose the published locations itself (names, for the card). */
  defaultedLocations: string[] | null;
  /** Present when `state` is "failed". */
  failure: { step: string; message: string } | null;
  total: number;
  matched: number;
  unmatched: number;
  startedAt: string;
}

const StepRow = z.object({ step: z.enum(FIRST_SYNC_STEPS), defaulted: z.boolean().optional(), names: z.array(z.string()).optional() });
const FailedRow = z.object({ step: z.string(), message: z.string() });

/** Null when the shop never started a first sync (not connected yet). */
export async function getOnboardingProgress(db: PrismaClient, shop: string): Promise<OnboardingProgress | null> {
  const rows = await db.auditLog.findMany({
    where: { shop, entity: ONBOARDING_ENTITY, entityId: ONBOARDING_ENTITY_ID },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { action: true, after: true, at: true },
  });
  if (rows.length === 0) return null;

  let lastStep: FirstSyncStep | null = null;
  let defaultedLocations: string[] | null = null;
  let failure: OnboardingProgress["failure"] = null;
  for (const row of rows) {
    if (row.action === "onboarding.step") {
      const step = StepRow.safeParse(row.after);
      if (!step.success) continue;
      lastStep = step.data.step;
      if (step.data.step === "locations" && step.data.defaulted) defaultedLocations = step.data.names ?? [];
      failure = null;
    } else if (row.action === "onboarding.failed") {
      const failed = FailedRow.safeParse(row.after);
      failure = failed.success ? failed.data : { step: "unknown", message: "The first sync stopped." };
    }
  }
  const [total, matched] = await Promise.all([
    db.skuMapping.count({ where: { shop, marketplaceKnown: true } }),
    db.skuMapping.count({ where: { shop, marketplaceKnown: true, variantGid: { not: null } } }),
  ]);
  return {
    state: failure ? "failed" : lastStep === "release" ? "done" : "running",
    lastStep,
    defaultedLocations,
    failure,
    total,
    matched,
    unmatched: total - matched,
    startedAt: rows[0].at.toISOString(),
  };
}
