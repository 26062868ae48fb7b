import { afterEach, describe, expect, it } from "vitest";
import { call, login, startTestSimulator } from "./test-support";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(opts = {}) {
  const s = await startTestSimulator(opts);
  close = s.sim.close;
  return s;
}

describe("authentication", () => {
  it("issues JWT-shaped access and refresh tokens that open the API", async () => {
    const { sim } = await setup();
    const tokens = await login(sim.url);
    for (const t of [tokens.access, tokens.refresh]) expect(t.split(".")).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(tokens.access.split(".")[1], "base64url").toString());
    expect(claims.token_type).toBe("access");
    expect(claims.exp - claims.iat).toBe(300);
    const res = await call(sim.url, "GET", "/restapi/v4/customers/?format=json", { token: tokens.access });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ count: 1, results: [{ id: 245, name: "John Lewis" }] });
  });

  it("refuses wrong credentials and missing fields", async () => {
    const { sim } = await setup();
    const wrong = await call(sim.url, "POST", "/restapi/v4/token", { body: { username: "supplier", password: "nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ detail: "No active account found with the given credentials" });
    const missing = await call(sim.url, "POST", "/restapi/v4/token", { body: { username: "supplier" } });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ password: ["This field is required."] });
  });

  it("answers 401 with DRF bodies when credentials are missing or bad", async () => {
    const { sim } = await setup();
    const none = await call(sim.url, "GET", "/restapi/v4/orders/");
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ detail: "Authentication credentials were not provided." });
    const bad = await call(sim.url, "GET", "/restapi/v4/orders/", { token: "abc.def.ghi" });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ detail: "Given token not valid for any token type", code: "token_not_valid" });
  });

  it("expires the access token after 5 minutes and refreshes it with either key", async () => {
    const { sim, clock } = await setup();
    const tokens = await login(sim.url);
    clock.advance(299_000);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: tokens.access })).status).toBe(200);
    clock.advance(1_000);
    const expired = await call(sim.url, "GET", "/restapi/v4/orders/", { token: tokens.access });
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: "token_not_valid" });

    const refreshed = await call(sim.url, "POST", "/restapi/v4/token/refresh", { body: { refresh: tokens.refresh } });
    expect(refreshed.status).toBe(200);
    const access = (refreshed.json as { access: string }).access;
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);

    const alias = await call(sim.url, "POST", "/restapi/v4/token/refresh", { body: { refresh_token: tokens.refresh } });
    expect(alias.status).toBe(200);
    expect(alias.json).toHaveProperty("access");
  });

  it("expires the refresh token after 4 hours and rejects an access token as a refresh token", async () => {
    const { sim, clock } = await setup();
    const tokens = await login(sim.url);
    const wrongType = await call(sim.url, "POST", "/restapi/v4/token/refresh", { body: { refresh: tokens.access } });
    expect(wrongType.status).toBe(401);
    expect(wrongType.json).toEqual({ detail: "Token has wrong type", code: "token_not_valid" });
    clock.advance(4 * 3600_000);
    const late = await call(sim.url, "POST", "/restapi/v4/token/refresh", { body: { refresh: tokens.refresh } });
    expect(late.status).toBe(401);
    expect(late.json).toEqual({ detail: "Token is invalid or expired", code: "token_not_valid" });
    const missing = await call(sim.url, "POST", "/restapi/v4/token/refresh", { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ refresh: ["This field is required."] });
  });

  it("honours configured lifetimes", async () => {
    const { sim, clock } = await setup({ accessTokenTtlSeconds: 10 });
    const { access } = await login(sim.url);
    clock.advance(10_000);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(401);
  });

  it("accepts Basic auth with the same credentials", async () => {
    const { sim } = await setup({ username: "acme", password: "pw:with:colons" });
    const good = `Basic ${Buffer.from("acme:pw:with:colons").toString("base64")}`;
    expect((await call(sim.url, "GET", "/api/v4/products/", { authorization: good })).status).toBe(200);
    const bad = await call(sim.url, "GET", "/api/v4/products/", {
      authorization: `Basic ${Buffer.from("acme:wrong").toString("base64")}`,
    });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual({ detail: "Invalid username/password." });
  });

  it("rejects a token signed by another simulator", async () => {
    const { sim } = await setup();
    const other = await startTestSimulator();
    try {
      const foreign = await login(other.sim.url);
      expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: foreign.access })).status).toBe(401);
    } finally {
      await other.sim.close();
    }
  });
});
