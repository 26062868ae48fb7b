/**
 * A loopback HTTP proxy that makes a share of calls fail, for the orders proofs: refused before
 * reaching the server (5xx, not processed), throttled (429, not processed), or processed by the
 * server with the answer lost on the way back (502 after the work was done: the case that turns a
 * naive retry into a duplicate).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FaultKind = "refuse" | "throttle" | "lose-answer";

export interface FaultProxyOptions {
  target: string;
  /** Share of requests that fail, 0..1. */
  failureRate: number;
  /** How a throttle looks to the client. */
  throttle: { status: number; headers: Record<string, string>; body: string };
  /** Requests whose path matches are never faulted (e.g. the simulator's control API). */
  exempt?: RegExp;
  random?: () => number;
}

export interface FaultProxy {
  url: string;
  counts: Record<FaultKind | "passed", number>;
  setFailureRate(rate: number): void;
  close(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  let rate = options.failureRate;
  const counts = { refuse: 0, throttle: 0, "lose-answer": 0, passed: 0 };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const upstream = httpRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string" && !["transfer-encoding", "connection", "content-length"].includes(k)) out[k] = v;
            resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
          });
          res.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const exempt = options.exempt?.test(req.url ?? "") ?? false;
        const roll = exempt ? 1 : random();
        try {
          if (roll < rate / 3) {
            counts.refuse++;
            res.writeHead(503, { "content-type": "text/html" }).end("<h1>Service Unavailable</h1>");
            return;
          }
          if (roll < (2 * rate) / 3) {
            counts.throttle++;
            res.writeHead(options.throttle.status, { "content-type": "application/json", ...options.throttle.headers }).end(options.throttle.body);
            return;
          }
          const answer = await forward(req, body);
          if (roll < rate) {
            counts["lose-answer"]++;
            res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>");
            return;
          }
          counts.passed++;
          res.writeHead(answer.status, answer.headers).end(answer.body);
        } catch {
          if (!res.headersSent) res.writeHead(502).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setFailureRate: (r) => {
      rate = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
