import { startVirtualstockSimulator } from "./server";
import type { VirtualstockSimulatorOptions } from "./control";

/** Shared helpers for the simulator's own tests: a settable clock and a small HTTP client. */

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function fakeClock(start = Date.UTC(2025, 5, 2, 8, 0, 0)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

export async function startTestSimulator(opts: VirtualstockSimulatorOptions = {}) {
  const clock = fakeClock();
  const sim = await startVirtualstockSimulator({ now: clock.now, ...opts });
  return { sim, clock };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; authorization?: string; body?: unknown; rawBody?: string; redirect?: RequestRedirect } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.authorization) headers.Authorization = opts.authorization;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: opts.redirect ?? "manual" });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(baseUrl: string, username = "supplier", password = "secret"): Promise<{ access: string; refresh: string }> {
  const res = await call(baseUrl, "POST", "/restapi/v4/token", { body: { username, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.json as { access: string; refresh: string };
}
