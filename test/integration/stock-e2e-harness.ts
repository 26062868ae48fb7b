/**
 * The stock flow end to end for tests and the benchmark: the Shopify Admin simulator sends signed
 * `inventory_levels/update` webhooks to a receiver that verifies them and runs the stock webhook
 * handler; the real graphile-worker loop runs the stock tasks; pushes go through the Virtualstock
 * adapter to the Virtualstock simulator.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@prisma/client";
import type { Runner } from "graphile-worker";
import { startShopifySimulator } from "../simulators/shopify/server";
import type { SeededShop, ShopifySimulator } from "../simulators/shopify/control";
import { startVirtualstockSimulator } from "../simulators/virtualstock/server";
import type { VirtualstockSimulator } from "../simulators/virtualstock/control";
import { silentWorkerLogger } from "../../app/db/worker-logger.server";
import { encryptSecret } from "../../app/lib/crypto.server";
import { startWorker } from "../../app/jobs/worker.server";
import { closeSharedPool } from "../../app/jobs/pool.server";
import { inventoryTasks } from "../../app/jobs/tasks/inventory";
import { enqueueStockJob, setStockRuntime } from "../../app/jobs/tasks/inventory-handlers.server";
import type { RequestBudget } from "../../app/marketplace/request-budget";
import { unlimitedBudget } from "../../app/marketplace/request-budget";
import { createAdminClient } from "../../app/shopify-admin/admin-client.server";
import { handleInventoryLevelsUpdate } from "../../app/sync/inventory/handle-inventory-webhook.server";
import { createStockRuntime } from "../../app/sync/inventory/stock-runtime.server";

export const WEBHOOK_SECRET = "stock-e2e-secret";

export interface StockE2E {
  shopify: ShopifySimulator;
  vs: VirtualstockSimulator;
  shop: SeededShop;
  /** Marketplace part number of the n-th seeded variant. */
  partNumber(n: number): string;
  /** Time each webhook was acknowledged, in ms. */
  ackTimes: number[];
  stop(): Promise<void>;
}

export interface StockE2EOptions {
  db: PrismaClient;
  databaseUrl: string;
  variants: number;
  stock?: number;
  buffer?: number;
  vsLatencyMs?: number;
  vsRateLimit?: number;
  budget?: RequestBudget;
  concurrency?: number;
}

/** Verifies the HMAC of the raw body, as `authenticate.webhook` does, then runs the handler. */
function startReceiver(db: PrismaClient, ackTimes: number[]): Promise<Server> {
  const server = createServer((req, res) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const expected = createHmac("sha256", WEBHOOK_SECRET).update(raw).digest();
      const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401).end();
        return;
      }
      const shop = String(req.headers["x-shopify-shop-domain"]);
      handleInventoryLevelsUpdate({ db, enqueue: enqueueStockJob }, { shop, payload: JSON.parse(raw.toString("utf8")), receivedAt: new Date() })
        .then(() => {
          res.writeHead(200).end();
          ackTimes.push(performance.now() - started);
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export async function startStockE2E(options: StockE2EOptions): Promise<StockE2E> {
  const { db } = options;
  const ackTimes: number[] = [];
  const receiver = await startReceiver(db, ackTimes);
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const shopify = await startShopifySimulator({
    webhookUrl: receiverUrl,
    apiSecret: WEBHOOK_SECRET,
    webhookTopics: ["inventory_levels/update"],
    // Shopify Plus-like bucket so the Admin reads are not the subject of these tests.
    throttle: { maximumAvailable: 20_000, restoreRate: 1_000 },
  });
  const shop = shopify.control.seedShop({
    domain: "stock-e2e.myshopify.com",
    locations: ["Warehouse"],
    generate: { variants: options.variants, skuPrefix: "SKU-", stockPerLocation: options.stock ?? 10 },
  });
  const vs = await startVirtualstockSimulator({ rateLimitPerMinute: options.vsRateLimit ?? 250, latencyMs: options.vsLatencyMs ?? 0 });
  const partNumber = (n: number) => String(60_000_000 + n);
  vs.control.seedProducts(shop.variants.map((v, i) => ({ partNumber: partNumber(i), stock: 0, tradedCode: v.sku })));

  await db.marketplaceConnection.create({
    data: {
      shop: shop.domain,
      marketplaceId: "john-lewis",
      environment: "sandbox",
      baseUrl: vs.url,
      publicCredentials: { username: "supplier" },
      secretCredentials: encryptSecret(JSON.stringify({ password: "secret" })),
      status: "connected",
    },
  });
  await db.stockSettings.create({
    data: { shop: shop.domain, publishedLocationIds: shop.locations.map((l) => l.id), globalBuffer: options.buffer ?? 0 },
  });
  // Mapping rows in bulk: the benchmark maps tens of thousands.
  const CHUNK = 5000;
  for (let i = 0; i < shop.variants.length; i += CHUNK) {
    await db.skuMapping.createMany({
      data: shop.variants.slice(i, i + CHUNK).map((v, j) => ({
        shop: shop.domain,
        marketplaceSku: partNumber(i + j),
        variantGid: v.id,
        inventoryItemGid: v.inventoryItemId,
        shopifySku: v.sku,
        matchMethod: "sku",
      })),
    });
  }

  setStockRuntime(
    createStockRuntime({
      db,
      budgetFor: () => options.budget ?? unlimitedBudget,
      adminFor: async (domain) => createAdminClient({ shop: domain, accessToken: shop.accessToken, endpoint: shopify.graphqlUrl(domain) }),
    }),
  );
  const runner: Runner = await startWorker({
    connectionString: options.databaseUrl,
    registry: inventoryTasks,
    cron: [],
    db,
    logger: silentWorkerLogger,
    pollInterval: 100,
    noHandleSignals: true,
    concurrency: options.concurrency ?? 4,
  });

  return {
    shopify,
    vs,
    shop,
    partNumber,
    ackTimes,
    stop: async () => {
      await runner.stop();
      await closeSharedPool();
      await shopify.close();
      await vs.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    },
  };
}

/** Waits until `check` holds, polling; fails with `describe()` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
