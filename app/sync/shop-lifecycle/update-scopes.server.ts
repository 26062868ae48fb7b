import type { PrismaClient } from "@prisma/client";
import { prisma as appPrisma } from "../../db.server";

/** app/scopes_update: the merchant granted or revoked scopes; the stored session must say so. */
export async function updateSessionScopes(
  sessionId: string,
  scopes: string[],
  db: PrismaClient = appPrisma,
): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId }, data: { scope: scopes.join(",") } });
}
