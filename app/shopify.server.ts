import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { prisma } from "./db.server";
import { env } from "./env.server";
import { markShopInstalled } from "./sync/shop-lifecycle/mark-shop-installed.server";

/** The Admin API version for every call and for webhook subscriptions in shopify.app.toml. */
export const apiVersion = ApiVersion.April26;

function createShopifyApp() {
  return shopifyApp({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion,
    scopes: env.SCOPES.split(",").map((scope) => scope.trim()),
    appUrl: env.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(prisma),
    distribution: AppDistribution.AppStore,
    future: {
      // Token exchange instead of the OAuth redirect dance (needs scopes in shopify.app.toml).
      unstable_newEmbeddedAuthStrategy: true,
      // Offline tokens expire and are refreshed (Session.refreshToken / refreshTokenExpires).
      expiringOfflineAccessTokens: true,
    },
    hooks: {
      // Token exchange or OAuth completed: the shop is installed (again).
      afterAuth: async ({ session }) => {
        await markShopInstalled(prisma, session.shop);
      },
    },
    logger: { level: env.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Warning },
  });
}

type ShopifyApp = ReturnType<typeof createShopifyApp>;

/**
 * The template's single `shopifyApp({...})` call, made on first use rather than at import: the
 * session storage starts querying the database as soon as it is constructed, and modules that only
 * import this one (route modules in unit tests, the demo before its database is up) should not.
 */
let app: ShopifyApp | undefined;
function shopify(): ShopifyApp {
  return (app ??= createShopifyApp());
}

/** Forwards property reads to the lazily created app's member of the same name. */
function lazyMember<K extends keyof ShopifyApp>(key: K): ShopifyApp[K] {
  return new Proxy({} as object, {
    get: (_target, property) => {
      const member = shopify()[key] as object;
      const value: unknown = Reflect.get(member, property, member);
      return typeof value === "function" ? value.bind(member) : value;
    },
  }) as ShopifyApp[K];
}

export default shopify;
export const authenticate: ShopifyApp["authenticate"] = lazyMember("authenticate");
export const unauthenticated: ShopifyApp["unauthenticated"] = lazyMember("unauthenticated");
export const sessionStorage: ShopifyApp["sessionStorage"] = lazyMember("sessionStorage");
export const login: ShopifyApp["login"] = (request) => shopify().login(request);
export const registerWebhooks: ShopifyApp["registerWebhooks"] = (options) => shopify().registerWebhooks(options);
export const addDocumentResponseHeaders: ShopifyApp["addDocumentResponseHeaders"] = (request, headers) =>
  shopify().addDocumentResponseHeaders(request, headers);
