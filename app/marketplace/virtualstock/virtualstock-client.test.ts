import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { RequestBudget, RequestPriority } from "../request-budget";
import { VirtualstockClient } from "./virtualstock-client.server";

/** A scripted Virtualstock: each handler answers one request; calls are recorded. */
function scripted(handlers: ((url: URL, init: RequestInit) => Response | Promise<Response>)[]) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const fetch = async (input: string, init: RequestInit) => {
    const url = new URL(input);
    calls.push({ url, init });
    const handler = handlers.shift();
    if (!handler) throw new Error(`unexpected request ${init.method} ${url.pathname}`);
    return handler(url, init);
  };
  return { fetch, calls };
}
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const tokens = (n: number) => () => json({ access: `access-${n}`, refresh: `refresh-${n}` });
const get = { method: "GET" as const, path: "/restapi/v4/orders/", priority: "routine" as RequestPriority, schema: z.object({ ok: z.literal(true) }) };

function recordingBudget() {
  const taken: RequestPriority[] = [];
  const paused: number[] = [];
  const budget: RequestBudget = {
    take: async (p) => void taken.push(p),
    pause: async (ms) => void paused.push(ms),
  };
  return { budget, taken, paused };
}

describe("VirtualstockClient", () => {
  it("logs in once, sends Bearer, ?format=json, and draws from the budget per HTTP call", async () => {
    const { fetch, calls } = scripted([tokens(1), () => json({ ok: true }), () => json({ ok: true })]);
    const { budget, taken } = recordingBudget();
    const client = new VirtualstockClient({ baseUrl: "http://vs.test/", username: "u", password: "p", fetch, budget });
    expect((await client.request(get)).ok).toBe(true);
    expect((await client.request({ ...get, priority: "urgent" })).ok).toBe(true);
    expect(calls.map((c) => c.url.pathname)).toEqual(["/restapi/v4/token", "/restapi/v4/orders/", "/restapi/v4/orders/"]);
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ username: "u", password: "p" });
    expect(calls[1].url.searchParams.get("format")).toBe("json");
    expect(new Headers(calls[1].init.headers).get("authorization")).toBe("Bearer access-1");
    expect(taken).toEqual(["routine", "routine", "urgent"]);
  });

  it("refreshes after 4 minutes and logs in again when the refresh is refused", async () => {
    let now = 0;
    const { fetch, calls } = scripted([
      tokens(1),
      () => json({ ok: true }),
      (_u, init) => {
        expect(JSON.parse(String(init.body))).toEqual({ refresh: "refresh-1" });
        return json({ access: "access-2" });
      },
      () => json({ ok: true }),
      () => json({ detail: "Token is invalid or expired", code: "token_not_valid" }, 401),
      tokens(3),
      () => json({ ok: true }),
    ]);
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch, now: () => now });
    await client.request(get);
    now = 4 * 60 * 1000 + 1;
    await client.request(get);
    expect(new Headers(calls[3].init.headers).get("authorization")).toBe("Bearer access-2");
    now += 4 * 60 * 1000 + 1;
    expect((await client.request(get)).ok).toBe(true);
    expect(calls.map((c) => c.url.pathname).slice(4)).toEqual(["/restapi/v4/token/refresh", "/restapi/v4/token", "/restapi/v4/orders/"]);
    expect(new Headers(calls[6].init.headers).get("authorization")).toBe("Bearer access-3");
  });

  it("re-authenticates once on a 401 and retries; a second 401 is unauthorized", async () => {
    const { fetch } = scripted([
      tokens(1),
      () => json({ detail: "Given token not valid" }, 401),
      () => json({ access: "access-2" }),
      () => json({ ok: true }),
      () => json({ detail: "Given token not valid" }, 401),
      () => json({ access: "access-3" }),
      () => json({ detail: "You do not have permission" }, 403),
    ]);
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch });
    expect((await client.request(get)).ok).toBe(true);
    expect(await client.request(get)).toEqual({ ok: false, error: { kind: "unauthorized", retryable: false, message: "You do not have permission" } });
  });

  it("wrong credentials are unauthorized", async () => {
    const { fetch } = scripted([() => json({ detail: "No active account found with the given credentials" }, 401)]);
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "bad", fetch });
    const res = await client.request(get);
    expect(res.ok || res.error.kind).toBe("unauthorized");
  });

  it("shares one login between concurrent calls", async () => {
    const { fetch, calls } = scripted([tokens(1), () => json({ ok: true }), () => json({ ok: true })]);
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch });
    await Promise.all([client.request(get), client.request(get)]);
    expect(calls.filter((c) => c.url.pathname === "/restapi/v4/token")).toHaveLength(1);
  });

  it("429 -> rate-limited with the DRF delay, and pauses the budget", async () => {
    const { fetch } = scripted([tokens(1), () => json({ detail: "Request was throttled. Expected available in 12.0 seconds." }, 429)]);
    const { budget, paused } = recordingBudget();
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch, budget });
    expect(await client.request(get)).toEqual({ ok: false, error: { kind: "rate-limited", retryable: true, retryAfterMs: 12000 } });
    expect(paused).toEqual([12000]);
  });

  it("a body that does not parse is malformed-response, not a crash", async () => {
    const { fetch } = scripted([tokens(1), () => new Response("<html>oops", { status: 200 }), () => json({ ok: "yes" })]);
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch });
    expect(await client.request(get)).toMatchObject({ ok: false, error: { kind: "unavailable", reason: "malformed-response" } });
    expect(await client.request(get)).toMatchObject({ ok: false, error: { kind: "unavailable", reason: "malformed-response" } });
  });

  it("times out a hung request and reports network failures", async () => {
    const hang = (_u: URL, init: RequestInit) =>
      new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(new Error("aborted"))));
    const { fetch } = scripted([tokens(1), hang, () => Promise.reject(new TypeError("fetch failed"))]);
    const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch, timeoutMs: 50 });
    expect(await client.request(get)).toMatchObject({ ok: false, error: { kind: "unavailable", reason: "timeout" } });
    expect(await client.request(get)).toMatchObject({ ok: false, error: { kind: "unavailable", reason: "network" } });
  });

  it("never throws when fetch is slow to fail: the timer is cleared", async () => {
    vi.useFakeTimers();
    try {
      const { fetch } = scripted([tokens(1), () => json({ ok: true })]);
      const client = new VirtualstockClient({ baseUrl: "http://vs.test", username: "u", password: "p", fetch });
      expect((await client.request(get)).ok).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
