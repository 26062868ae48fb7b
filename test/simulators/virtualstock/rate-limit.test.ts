import { afterEach, describe, expect, it } from "vitest";
import { call, login, startTestSimulator } from "./test-support";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("rate limit", () => {
  it("answers the 251st call in a minute with 429, a DRF body and Retry-After, then resets next window", async () => {
    const { sim, clock } = await startTestSimulator();
    close = sim.close;
    clock.set(Date.UTC(2025, 5, 2, 8, 0, 48)); // 12 s before the next minute
    const { access } = await login(sim.url); // the token call counts: 1
    for (let i = 0; i < 249; i++) {
      const r = await call(sim.url, "GET", "/restapi/v4/customers/", { token: access });
      expect(r.status).toBe(200);
    }
    const over = await call(sim.url, "GET", "/restapi/v4/customers/", { token: access });
    expect(over.status).toBe(429);
    expect(over.json).toEqual({ detail: "Request was throttled. Expected available in 12.0 seconds." });
    expect(over.headers.get("retry-after")).toBe("12");
    // Token calls are throttled too.
    expect((await call(sim.url, "POST", "/restapi/v4/token", { body: { username: "supplier", password: "secret" } })).status).toBe(429);
    clock.advance(12_000);
    expect((await call(sim.url, "GET", "/restapi/v4/customers/", { token: access })).status).toBe(200);
    expect(sim.control.statusCounts()).toEqual({ 200: 251, 429: 2 });
  });

  it("does not count calls refused for authentication, and can be changed or turned off", async () => {
    const { sim } = await startTestSimulator({ rateLimitPerMinute: 3 });
    close = sim.close;
    for (let i = 0; i < 5; i++) expect((await call(sim.url, "GET", "/restapi/v4/orders/")).status).toBe(401);
    const { access } = await login(sim.url);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(429);
    sim.control.setRateLimit(0);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
  });
});
