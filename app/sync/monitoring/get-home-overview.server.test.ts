import { describe, expect, it } from "vitest";
import { shopDomain } from "../../lib/ids";
import type { ConnectionView } from "../connection/get-connection.server";
import { FAILURES_SHOWN, getHomeOverview, type HomeOverviewDeps } from "./get-home-overview.server";

const shop = shopDomain("shop-1.myshopify.com");
const connection: ConnectionView = {
  marketplaceId: "john-lewis",
  marketplaceName: "John Lewis Marketplace",
  environment: "sandbox",
  baseUrl: "https://sandbox.example.test",
  baseUrlIsCustom: false,
  publicCredentials: { username: "acme" },
  secretsSet: { password: true },
  status: "connected",
  lastCheckedAt: "2026-11-23T10:00:00.000Z",
  lastError: null,
  accountName: "Acme",
};

function deps(overrides: Partial<HomeOverviewDeps> = {}) {
  const asked: { shop: string; limit?: number }[] = [];
  const base: HomeOverviewDeps = {
    listConnections: async (s) => (asked.push({ shop: s }), [connection]),
    getQueueStats: async () => ({ pending: 3, running: 1, failedLast24h: 2, oldestPendingAgeSeconds: 42 }),
    listJobFailures: async (s, { limit }) => (
      asked.push({ shop: s, limit }),
      [
        {
          id: "f1",
          taskName: "inventory.push",
          reason: "The marketplace rejected the request (404): unknown part number",
          attempts: 5,
          failedAt: new Date("2026-11-23T09:00:00Z"),
          retriedAt: null,
        },
      ]
    ),
  };
  return { deps: { ...base, ...overrides }, asked };
}

describe("getHomeOverview", () => {
  it("gathers connections, queue depth and failures for the shop, with dates as ISO strings", async () => {
    const { deps: d, asked } = deps();
    const overview = await getHomeOverview(d, shop);
    expect(overview).toEqual({
      connections: [connection],
      queue: { ok: true, value: { pending: 3, running: 1, failedLast24h: 2, oldestPendingAgeSeconds: 42 } },
      failures: {
        ok: true,
        value: [
          {
            id: "f1",
            taskName: "inventory.push",
            reason: "The marketplace rejected the request (404): unknown part number",
            attempts: 5,
            failedAt: "2026-11-23T09:00:00.000Z",
            retriedAt: null,
          },
        ],
      },
    });
    expect(asked).toEqual([{ shop }, { shop, limit: FAILURES_SHOWN }]);
  });

  it("keeps the page usable when the queue cannot be read", async () => {
    const broken = async () => {
      throw new Error('relation "graphile_worker.jobs" does not exist');
    };
    const { deps: d } = deps({ getQueueStats: broken, listJobFailures: broken });
    const overview = await getHomeOverview(d, shop);
    expect(overview.connections).toEqual([connection]);
    expect(overview.queue).toMatchObject({ ok: false, detail: expect.stringContaining("graphile_worker") });
    expect(overview.queue.ok === false && overview.queue.message).toMatch(/worker is running/);
    expect(overview.failures.ok).toBe(false);
  });
});
