import { afterEach, describe, expect, it } from "vitest";
import { createRequireShop, type RequireShopDeps } from "./auth.server";
import type { AdminClientOptions } from "./shopify-admin/admin-client.server";
import { createAdminClient } from "./shopify-admin/admin-client.server";

type Calls = { authenticated: number; clients: AdminClientOptions[]; ensured: string[] };

function setup(config: Partial<RequireShopDeps["config"]>) {
  const calls: Calls = { authenticated: 0, clients: [], ensured: [] };
  const deps: RequireShopDeps = {
    config: {
      DEMO_MODE: false,
      NODE_ENV: "development",
      DEMO_SHOP: "demo-shop.myshopify.com",
      SHOPIFY_ADMIN_API_URL: "http://127.0.0.1:4001",
      DEMO_SHOPIFY_ACCESS_TOKEN: "shpat_demo",
      ...config,
    },
    authenticateAdmin: async (request) => {
      calls.authenticated++;
      if (request.headers.get("authorization") !== "Bearer valid") {
        throw new Response(null, { status: 401 });
      }
      return { session: { shop: "real-shop.myshopify.com", accessToken: "shpat_real" } };
    },
    createAdminClient: (options) => {
      calls.clients.push(options);
      return createAdminClient(options);
    },
    ensureShop: async (shop) => {
      calls.ensured.push(shop);
    },
  };
  return { requireShop: createRequireShop(deps), calls };
}

const anonymous = () => new Request("http://127.0.0.1/app");
const signedIn = () => new Request("http://127.0.0.1/app", { headers: { authorization: "Bearer valid" } });

describe("requireShop", () => {
  const originalNodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalNodeEnv;
  });

  it("uses Shopify's authentication and the offline token outside demo mode", async () => {
    const { requireShop, calls } = setup({ DEMO_MODE: false });
    const result = await requireShop(signedIn());
    expect(result.shop).toBe("real-shop.myshopify.com");
    expect(result.demo).toBe(false);
    expect(calls.clients).toEqual([{ shop: "real-shop.myshopify.com", accessToken: "shpat_real" }]);
  });

  it("passes Shopify's refusal through when the request is not signed in", async () => {
    const { requireShop } = setup({ DEMO_MODE: false });
    await expect(requireShop(anonymous())).rejects.toMatchObject({ status: 401 });
  });

  it("signs the demo shop in against the simulator in demo mode", async () => {
    const { requireShop, calls } = setup({ DEMO_MODE: true });
    const result = await requireShop(anonymous());
    expect(result).toMatchObject({ shop: "demo-shop.myshopify.com", demo: true });
    expect(calls.authenticated).toBe(0);
    expect(calls.ensured).toEqual(["demo-shop.myshopify.com"]);
    expect(calls.clients[0]).toEqual({
      shop: "demo-shop.myshopify.com",
      accessToken: "shpat_demo",
      endpoint: "http://127.0.0.1:4001/shops/demo-shop.myshopify.com/admin/api/2026-04/graphql.json",
    });
  });

  it("never takes the demo shortcut when the config claims production, even with DEMO_MODE forced on", async () => {
    const { requireShop, calls } = setup({ DEMO_MODE: true, NODE_ENV: "production" });
    await expect(requireShop(anonymous())).rejects.toMatchObject({ status: 401 });
    expect(calls.authenticated).toBe(1);
    expect(calls.ensured).toEqual([]);
  });

  it("never takes the demo shortcut when the process runs in production, whatever the parsed config says", async () => {
    const { requireShop, calls } = setup({ DEMO_MODE: true, NODE_ENV: "development" });
    process.env.NODE_ENV = "production";
    await expect(requireShop(anonymous())).rejects.toMatchObject({ status: 401 });
    expect(calls.ensured).toEqual([]);
    expect(calls.clients).toEqual([]);
  });
});
