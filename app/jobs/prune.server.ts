import type { TaskHandler } from "./task";

/** Webhook deliveries are kept this long for diagnosis, then deleted. */
export const WEBHOOK_RETENTION_DAYS = 30;

/**
 * Housekeeping: deletes handled webhook deliveries past retention and request-budget waiters left
 * by processes that died (they stopped counting when they expired).
 */
export const pruneTask: TaskHandler<Record<string, never>> = async (_payload, { db, now }) => {
  const cutoff = new Date(now().getTime() - WEBHOOK_RETENTION_DAYS * 24 * 3600_000);
  await db.webhookDelivery.deleteMany({
    where: { receivedAt: { lt: cutoff }, status: { in: ["processed", "skipped"] } },
  });
  await db.requestBudgetWaiter.deleteMany({ where: { expiresAt: { lt: now() } } });
};
