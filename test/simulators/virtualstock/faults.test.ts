import { afterEach, describe, expect, it } from "vitest";
import { call, login, startTestSimulator } from "./test-support";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(opts = {}) {
  const s = await startTestSimulator({ rateLimitPerMinute: 0, ...opts });
  close = s.sim.close;
  const { access } = await login(s.sim.url);
  return { ...s, access };
}

describe("fault injection", () => {
  it("answers 5xx for `count` matching calls, leaving token calls alone without a path", async () => {
    const { sim, access } = await setup();
    sim.control.injectFault({ kind: "status", status: 503, count: 2 });
    expect((await call(sim.url, "POST", "/restapi/v4/token", { body: { username: "supplier", password: "secret" } })).status).toBe(200);
    const first = await call(sim.url, "GET", "/restapi/v4/orders/", { token: access });
    expect(first.status).toBe(503);
    expect(first.json).toBeUndefined(); // an HTML error page, as a proxy would send
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(503);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
  });

  it("matches by path substring and method", async () => {
    const { sim, access } = await setup();
    sim.control.seedProducts([{ partNumber: "A" }]);
    sim.control.injectFault({ kind: "status", status: 500, path: "/stock", method: "PATCH" });
    expect((await call(sim.url, "GET", "/api/v4/products/", { token: access })).status).toBe(200);
    const page = (await call(sim.url, "GET", "/api/v4/products/?part_number=A", { token: access })).json as { results: { url: string }[] };
    const path = new URL(page.results[0].url).pathname;
    expect((await call(sim.url, "PATCH", `${path}stock`, { token: access, body: { supplier_free_stock: 1 } })).status).toBe(500);
    expect(sim.control.getProduct("A")?.updates).toBe(0);
    sim.control.injectFault({ kind: "status", status: 502, path: "/restapi/v4/token" });
    expect((await call(sim.url, "POST", "/restapi/v4/token", { body: { username: "supplier", password: "secret" } })).status).toBe(502);
  });

  it("throttles with and without Retry-After", async () => {
    const { sim, access } = await setup();
    sim.control.injectFault({ kind: "rate-limit", retryAfterSeconds: 7 });
    sim.control.injectFault({ kind: "rate-limit", retryAfterSeconds: 3, header: false });
    const a = await call(sim.url, "GET", "/restapi/v4/orders/", { token: access });
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("7");
    expect(a.json).toEqual({ detail: "Request was throttled. Expected available in 7.0 seconds." });
    const b = await call(sim.url, "GET", "/restapi/v4/orders/", { token: access });
    expect(b.status).toBe(429);
    expect(b.headers.get("retry-after")).toBeNull();
  });

  it("delays slow calls and adds configured latency to every call", async () => {
    const { sim, access } = await setup();
    sim.control.injectFault({ kind: "slow", delayMs: 150 });
    let t = performance.now();
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    t = performance.now();
    await call(sim.url, "GET", "/restapi/v4/orders/", { token: access });
    expect(performance.now() - t).toBeLessThan(140);
    sim.control.setLatency(100);
    t = performance.now();
    await call(sim.url, "GET", "/restapi/v4/orders/", { token: access });
    expect(performance.now() - t).toBeGreaterThanOrEqual(90);
  });

  it("hangs a call until the client gives up, and close() ends hung calls quickly", async () => {
    const { sim, access } = await setup();
    sim.control.injectFault({ kind: "hang", count: 2 });
    const aborted = fetch(`${sim.url}/restapi/v4/orders/`, {
      headers: { Authorization: `Bearer ${access}` },
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toThrow();
    const pending = fetch(`${sim.url}/restapi/v4/orders/`, { headers: { Authorization: `Bearer ${access}` } });
    await new Promise((r) => setTimeout(r, 50));
    const t = performance.now();
    await sim.close();
    expect(performance.now() - t).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
    expect(sim.control.statusCounts()[0]).toBe(2);
  });

  it("sends a truncated JSON body after doing the work", async () => {
    const { sim, access } = await setup();
    const order = sim.control.seedOrder({ lines: [{ partNumber: "A" }] });
    sim.control.injectFault({ kind: "malformed-json", path: "/acknowledge/" });
    const res = await call(sim.url, "POST", `/restapi/v4/orders/${order.id}/acknowledge/`, {
      token: access,
      body: { items: [{ part_number: "A", line_ref: "1", quantity: 1 }] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(() => JSON.parse(res.text)).toThrow();
    expect(sim.control.lineStatuses(order.id)).toEqual({ "1": "ORDER_ACK" });
  });

  it("expires every token issued so far, leaving a fresh login working", async () => {
    const { sim, access } = await setup();
    const { refresh } = await login(sim.url);
    sim.control.injectFault({ kind: "expire-tokens" });
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(401);
    expect((await call(sim.url, "POST", "/restapi/v4/token/refresh", { body: { refresh } })).status).toBe(401);
    const fresh = await login(sim.url);
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: fresh.access })).status).toBe(200);
  });

  it("clears armed faults", async () => {
    const { sim, access } = await setup();
    sim.control.injectFault({ kind: "status", status: 500, count: 5 });
    sim.control.clearFaults();
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
  });

  it("records every call with its status", async () => {
    const { sim, access } = await setup();
    await call(sim.url, "GET", "/restapi/v4/orders/?status=ORDER", { token: access });
    await call(sim.url, "GET", "/restapi/v4/orders/999/", { token: access });
    const reqs = sim.control.requests();
    expect(reqs.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/restapi/v4/token", 200],
      ["GET", "/restapi/v4/orders/", 200],
      ["GET", "/restapi/v4/orders/999/", 404],
    ]);
    expect(reqs[1].query).toEqual({ status: "ORDER" });
    expect(reqs[0].body).toEqual({ username: "supplier", password: "secret" });
    expect(sim.control.statusCounts()).toEqual({ 200: 2, 404: 1 });
  });
});
