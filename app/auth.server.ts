import { createAdminClient, type AdminClient } from "./shopify-admin/admin-client.server";
import { demoModeAllowed, env, type Env } from "./env.server";
import { shopDomain, type ShopDomain } from "./lib/ids";
import { authenticate } from "./shopify.server";
import { markShopInstalled } from "./sync/shop-lifecycle/mark-shop-installed.server";
import { prisma } from "./db.server";

export type SignedInShop = {
  shop: ShopDomain;
  /** Admin GraphQL for the shop's offline session (the same token the worker uses). */
  admin: AdminClient;
  /** True when the shop is the demo shop talking to the Shopify simulator. */
  demo: boolean;
};

export type RequireShopDeps = {
  config: Pick<Env, "DEMO_MODE" | "NODE_ENV" | "DEMO_SHOP" | "SHOPIFY_ADMIN_API_URL" | "DEMO_SHOPIFY_ACCESS_TOKEN">;
  /** `authenticate.admin`: throws a Response (redirect, 401 with retry header) when not signed in. */
  authenticateAdmin: (request: Request) => Promise<{ session: { shop: string; accessToken?: string } }>;
  createAdminClient: typeof createAdminClient;
  /** Makes sure the shop has its Shop row (the demo shop never goes through the install hook). */
  ensureShop: (shop: ShopDomain) => Promise<void>;
};

/** The Shopify simulator serves each shop's Admin API under `/shops/<shop>`. */
export function simulatorEndpoint(baseUrl: string, shop: string, apiVersion: string): string {
  return `${baseUrl.replace(/\/$/, "")}/shops/${shop}/admin/api/${apiVersion}/graphql.json`;
}

export function createRequireShop(deps: RequireShopDeps): (request: Request) => Promise<SignedInShop> {
  return async (request) => {
    // Checked on every call, not once at startup: see demoModeAllowed.
    if (demoModeAllowed(deps.config)) {
      const shop = shopDomain(deps.config.DEMO_SHOP);
      if (!deps.config.SHOPIFY_ADMIN_API_URL) {
        throw new Error("DEMO_MODE needs SHOPIFY_ADMIN_API_URL (the Shopify simulator); start the app with `npm run demo`.");
      }
      await deps.ensureShop(shop);
      const admin = deps.createAdminClient({
        shop,
        accessToken: deps.config.DEMO_SHOPIFY_ACCESS_TOKEN,
        endpoint: simulatorEndpoint(deps.config.SHOPIFY_ADMIN_API_URL, shop, "2026-04"),
      });
      return { shop, admin, demo: true };
    }
    const { session } = await deps.authenticateAdmin(request);
    if (!session.accessToken) throw new Response("The shop's session has no access token", { status: 401 });
    const shop = shopDomain(session.shop);
    return { shop, admin: deps.createAdminClient({ shop, accessToken: session.accessToken }), demo: false };
  };
}

const knownShops = new Set<string>();

/**
 * Authenticates an admin request (loader or action of an embedded page) and returns the shop with
 * an Admin client. In production this is `authenticate.admin`; with DEMO_MODE outside production, a
 * signed-in demo shop whose Admin API is the Shopify simulator.
 */
export const requireShop = createRequireShop({
  config: env,
  authenticateAdmin: (request) => authenticate.admin(request),
  createAdminClient,
  ensureShop: async (shop) => {
    if (knownShops.has(shop)) return;
    await markShopInstalled(prisma, shop);
    knownShops.add(shop);
  },
});
