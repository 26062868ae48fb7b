import type { PrismaClient } from "@prisma/client";
import { prisma as appPrisma } from "../../db.server";
import { removeShopJobs } from "../../jobs/queue.server";

/**
 * app/uninstalled: the shop's tokens are dead, so its sessions go, its waiting jobs go (they could
 * only fail), and the Shop row is marked uninstalled. Its data stays until shop/redact (48 hours
 * later), so a quick reinstall finds its mappings and settings.
 */
export async function uninstallShop(
  shop: string,
  db: PrismaClient = appPrisma,
): Promise<{ sessionsDeleted: number; jobsRemoved: number }> {
  return db.$transaction(async (tx) => {
    const { count: sessionsDeleted } = await tx.session.deleteMany({ where: { shop } });
    const jobsRemoved = await removeShopJobs(tx, shop);
    const now = new Date();
    await tx.shop.upsert({
      where: { shop },
      create: { shop, uninstalledAt: now },
      update: { uninstalledAt: now },
    });
    return { sessionsDeleted, jobsRemoved };
  });
}
