import type { FaultSpec } from "./control";

/** A fault that answers requests (every kind but "expire-tokens", which acts once when injected). */
export type RequestFault = Exclude<FaultSpec, { kind: "expire-tokens" }>;

interface Armed {
  spec: RequestFault;
  remaining: number;
}

/**
 * Faults armed by tests, consumed by matching requests in the order they were injected. Without a
 * `path`, a fault skips the token endpoints so that "the next call fails" means the next business
 * call, not the login in front of it; with a `path`, it is a plain substring match on path+query.
 */
export class FaultBook {
  private armed: Armed[] = [];

  inject(spec: RequestFault): void {
    this.armed.push({ spec, remaining: spec.count ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The first armed fault matching this request, with one use consumed; null when none. */
  take(method: string, pathAndQuery: string, isTokenEndpoint: boolean): RequestFault | null {
    for (const a of this.armed) {
      if (a.remaining <= 0) continue;
      const { path, method: m } = a.spec;
      if (m && m.toUpperCase() !== method.toUpperCase()) continue;
      if (path === undefined ? isTokenEndpoint : !pathAndQuery.includes(path)) continue;
      a.remaining -= 1;
      this.armed = this.armed.filter((x) => x.remaining > 0);
      return a.spec;
    }
    return null;
  }

  pending(): RequestFault[] {
    return this.armed.map((a) => a.spec);
  }
}

/**
 * Fixed 60 s windows aligned to the clock minute, as the collection describes ("you can call the
 * API 250 times in the first few seconds of the minute, but have to then wait until the next
 * minute"). Refused calls do not count, as in DRF, where a throttled request is not recorded.
 */
export class RateWindow {
  private windowStart = -1;
  private used = 0;

  constructor(
    public limitPerMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts one call; returns null when allowed, else whole seconds until the next window. */
  take(): number | null {
    const t = this.now();
    const start = Math.floor(t / 60_000) * 60_000;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    if (this.limitPerMinute > 0 && this.used >= this.limitPerMinute) {
      return Math.max(1, Math.ceil((start + 60_000 - t) / 1000));
    }
    this.used += 1;
    return null;
  }

  reset(): void {
    this.windowStart = -1;
    this.used = 0;
  }
}

/** DRF's throttled message, in the "XX.0 seconds" form Virtualstock's docs quote. */
export function throttledBody(waitSeconds: number): { detail: string } {
  const unit = waitSeconds === 1 ? "second" : "seconds";
  return { detail: `Request was throttled. Expected available in ${waitSeconds}.0 ${unit}.` };
}
