import type { PrismaClient } from "@prisma/client";

/** Records that the shop has (re)installed the app: creates its Shop row or clears `uninstalledAt`. */
export async function markShopInstalled(db: Pick<PrismaClient, "shop">, shop: string): Promise<void> {
  await db.shop.upsert({
    where: { shop },
    create: { shop },
    update: { uninstalledAt: null },
  });
}
