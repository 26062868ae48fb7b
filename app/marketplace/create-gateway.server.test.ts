import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../lib/result";
import { startVirtualstockSimulator } from "../../test/simulators/virtualstock/server";
import type { VirtualstockSimulator } from "../../test/simulators/virtualstock/control";
import { marketplaceCatalog, findMarketplace } from "./catalog";
import { createMarketplaceGateway, MarketplaceConfigurationError } from "./create-gateway.server";
import { unlimitedBudget } from "./request-budget";

describe("createMarketplaceGateway", () => {
  let sim: VirtualstockSimulator;
  beforeAll(async () => {
    sim = await startVirtualstockSimulator({ rateLimitPerMinute: 0 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("builds a working John Lewis gateway from catalogue data and credentials", async () => {
    const gw = createMarketplaceGateway({
      marketplaceId: "john-lewis",
      baseUrl: sim.url,
      credentials: { username: "supplier", password: "secret" },
      budget: unlimitedBudget,
    });
    expect(gw.platform).toBe("virtualstock");
    expect(unwrap(await gw.testConnection()).accountName).toBe("supplier");
  });

  it("refuses unknown marketplaces and missing credentials loudly", () => {
    const base = { baseUrl: sim.url, budget: unlimitedBudget };
    expect(() => createMarketplaceGateway({ ...base, marketplaceId: "nope", credentials: {} })).toThrow(MarketplaceConfigurationError);
    expect(() => createMarketplaceGateway({ ...base, marketplaceId: "john-lewis", credentials: { username: "u" } })).toThrow(/"password"/);
  });

  it("describes John Lewis as data, with its password marked secret", () => {
    const jl = findMarketplace("john-lewis");
    expect(jl?.environments.sandbox?.baseUrl).toBe("https://api.sandbox.virtualstock.com");
    expect(jl?.credentialFields.map((f) => [f.key, f.secret])).toEqual([["username", false], ["password", true]]);
    expect(new Set(marketplaceCatalog.map((m) => m.id)).size).toBe(marketplaceCatalog.length);
  });
});
