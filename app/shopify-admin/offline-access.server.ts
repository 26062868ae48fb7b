/**
 * How a worker reaches a shop's Admin API: the offline session's access token (stored at install),
 * or, in demo mode only, the Shopify simulator with its demo token. One place, so every flow
 * (stock, orders, dispatch, first sync) reaches Shopify the same way.
 */
import type { PrismaClient } from "@prisma/client";
import { env } from "../env.server";
import { ADMIN_API_VERSION } from "./admin-client.server";

export interface OfflineAdminAccess {
  shop: string;
  accessToken: string;
  /** The simulator's endpoint in demo mode; absent for a real shop (the client derives it). */
  endpoint?: string;
}

/** The shop's offline Admin access, or null when there is no token (the app must be reinstalled). */
export async function offlineAdminAccess(db: Pick<PrismaClient, "session">, shop: string): Promise<OfflineAdminAccess | null> {
  const session = await db.session.findFirst({ where: { shop, isOnline: false }, orderBy: { expires: "desc" } });
  const demo = env.DEMO_MODE && env.SHOPIFY_ADMIN_API_URL;
  const accessToken = session?.accessToken ?? (demo ? env.DEMO_SHOPIFY_ACCESS_TOKEN : null);
  if (!accessToken) return null;
  const endpoint = demo ? `${env.SHOPIFY_ADMIN_API_URL}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json` : undefined;
  return { shop, accessToken, endpoint };
}
