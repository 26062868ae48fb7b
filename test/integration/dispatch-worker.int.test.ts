import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentWorkerLogger } from "../../app/db/worker-logger.server";
import { closeSharedPool } from "../../app/jobs/pool.server";
import { setFlowDeps } from "../../app/jobs/tasks/fulfillment-handlers.server";
import { startWorker } from "../../app/jobs/worker.server";
import { ok } from "../../app/lib/result";
import { createAdminClient } from "../../app/shopify-admin/admin-client.server";
import { saveCarrierMapping } from "../../app/sync/fulfillment/carrier-mappings.server";
import { createFlowDeps } from "../../app/sync/fulfillment/flow-runtime.server";
import { InMemoryMarketplace } from "../fakes/in-memory-marketplace";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import type { SeededShop, ShopifySimulator } from "../simulators/shopify/control";
import { startShopifySimulator } from "../simulators/shopify/server";

/**
 * The whole path on the real worker loop: the Shopify simulator sends a signed fulfillments/create
 * to the app's webhook route, the route records and enqueues it, the worker runs the handler and
 * the high-priority dispatch job, and the marketplace has the dispatch. Also orders/cancelled.
 */
const SECRET = "test-api-secret"; // SHOPIFY_API_SECRET in test/setup/global-setup.ts
let db: TestDatabase;
let sim: ShopifySimulator;
let seeded: SeededShop;
let relay: Server;
let runner: Runner;
const market = new InMemoryMarketplace();

type Action = (args: { request: Request; params: object; context: object }) => Promise<Response>;

/** Forwards the simulator's deliveries to the Remix webhook routes, as the app server would. */
async function startRelay(): Promise<string> {
  relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const name = `webhooks.${(req.url ?? "").replace(/^\/webhooks\//, "").replace(/\//g, ".")}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://127.0.0.1:3999${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) });
      let status = 500;
      try {
        const { action } = (await import(`../../app/routes/${name}.tsx`)) as { action: Action };
        status = (await action({ request, params: {}, context: {} })).status;
      } catch (thrown) {
        status = thrown instanceof Response ? thrown.status : 500;
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const relayUrl = await startRelay();
  sim = await startShopifySimulator({ webhookUrl: relayUrl, apiSecret: SECRET, webhookTopics: ["fulfillments/create", "fulfillments/update", "orders/cancelled", "refunds/create"] });
  seeded = sim.control.seedShop({ domain: "worker-dispatch.myshopify.com", products: [{ title: "Vase", variants: [{ sku: "VASE", price: "20.00", stock: { Warehouse: 10 } }] }] });
  const deps = createFlowDeps({
    db: db.prisma,
    marketplace: async () => ok(market),
    adminFor: async () => createAdminClient({ shop: seeded.domain, accessToken: seeded.accessToken, endpoint: sim.graphqlUrl(seeded.domain) }),
  });
  setFlowDeps(deps);
  runner = await startWorker({ connectionString: db.url, logger: silentWorkerLogger, noHandleSignals: true, pollInterval: 200, cron: [], db: db.prisma });
  const res = await saveCarrierMapping(deps, { shop: seeded.domain, shopifyCarrierName: "Royal Mail", carrierCode: "royal-mail", actor: "test" });
  expect(res.ok).toBe(true);
});
afterAll(async () => {
  await runner?.stop();
  setFlowDeps(null);
  await sim.close();
  await new Promise((r) => relay.close(r));
  await closeSharedPool();
  await db.drop();
});

async function linked(id: string) {
  market.seedOrder({ id, lines: [{ lineId: "1", sku: "33333333", quantity: 2, status: "acknowledged" }] });
  const order = sim.control.sellOnShopify(seeded.domain, { lines: [{ sku: "VASE", quantity: 2 }] });
  await db.prisma.orderRecord.create({
    data: {
      shop: seeded.domain, marketplaceId: "john-lewis", marketplaceOrderId: id, reference: `JL${id}`, orderedAt: new Date(), acknowledgeBy: new Date(),
      currency: "GBP", lineCount: 1, snapshot: {}, marketplaceStatus: "acknowledged", step: "acknowledged", shopifyOrderGid: order.id, createdInShopifyAt: new Date(),
      lineMap: [{ lineId: "1", sku: "33333333", quantity: 2, lineItemGid: order.lineItems[0].id }],
    },
  });
  return order;
}

async function until<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("dispatch on the worker loop", () => {
  it("confirms a Shopify fulfilment on the marketplace within seconds of the webhook", async () => {
    const order = await linked("9001");
    const started = Date.now();
    sim.control.fulfill(seeded.domain, order.id, { company: "Royal Mail", number: "RMW1" });
    await until(() => market.order("9001")?.lines[0].status === "dispatched");
    const latencyMs = Date.now() - started;
    console.info(`fulfilment -> marketplace dispatch: ${latencyMs} ms`);
    expect(latencyMs).toBeLessThan(5_000);
    expect(market.shipments("9001")).toEqual([{ lineId: "1", quantity: 2, carrierCode: "royal-mail", trackingNumber: "RMW1" }]);
    const delivery = await until(() => db.prisma.webhookDelivery.findFirst({ where: { shop: seeded.domain, topic: "FULFILLMENTS_CREATE", status: "processed" } }));
    expect(delivery.processedAt).not.toBeNull();
  });

  it("turns a Shopify cancellation into a portal task for Virtualstock", async () => {
    const order = await linked("9002");
    sim.control.cancelOrder(seeded.domain, order.id, { reason: "CUSTOMER", restock: true });
    const found = await until(() => db.prisma.merchantTask.findFirst({ where: { shop: seeded.domain, marketplaceOrderId: "9002" } }));
    expect(found.kind).toBe("portal-cancel");
    expect(market.order("9002")!.lines[0].status).toBe("acknowledged");
  });
});
