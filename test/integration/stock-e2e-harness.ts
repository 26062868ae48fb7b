/**
 * The stock flow end to end for tests and the benchmark: the Shopify Admin simulator sends signed
 * `inventory_levels/update` webhooks to a small HTTP server that hands each request to the app's
 * webhook route (`action` of app/routes/webhooks.inventory_levels.update.tsx: HMAC check, record,
 * enqueue); the real graphile-worker loop runs every registered task (webhook.process -> the stock
 * handler -> inventory.refresh -> inventory.push); pushes go through the Virtualstock adapter to the
 * Virtualstock simulator.
 */
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
import { tasks } from "../../app/jobs/tasks";
import { setStockRuntime } from "../../app/jobs/tasks/inventory-handlers.server";
import { env } from "../../app/env.server";
import { action as inventoryWebhookAction } from "../../app/routes/webhooks.inventory_levels.update";
import type { RequestBudget } from "../../app/marketplace/request-budget";
import { unlimitedBudget } from "../../app/marketplace/request-budget";
import { createAdminClient } from "../../app/shopify-admin/admin-client.server";
import { createStockRuntime } from "../../app/sync/inventory/stock-runtime.server";


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
  /** Shop domain (the benchmark runs several shops in one database). */
  domain?: string;
  stock?: number;
  buffer?: number;
  vsLatencyMs?: number;
  vsRateLimit?: number;
  /** The marketplace account's request budget (default: unlimited, for tests about other things). */
  budgetFor?: (accountKey: string, perMinute: number) => RequestBudget;
  /** The Admin API cost bucket; the simulator's Standard-plan default when "default". */
  shopifyThrottle?: { maximumAvailable: number; restoreRate: number } | "default";
  /** Start with the marketplace already showing every SKU's published quantity, as after a first sync. */
  startInSync?: boolean;
  /** False when another process runs the worker (the benchmark's memory measurement). */
  runWorker?: boolean;
  concurrency?: number;
}

/** Serves the app's webhook route on loopback, recording how long each acknowledgement took. */
function startReceiver(ackTimes: number[]): Promise<Server> {
  const server = createServer((req, res) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: "POST", headers, body: Buffer.concat(chunks) });
      Promise.resolve(inventoryWebhookAction({ request, params: {}, context: {} }))
        .then(async (response: Response) => {
          res.writeHead(response.status).end(await response.text());
          ackTimes.push(performance.now() - started);
        })
        .catch((e: unknown) => {
          // authenticate.webhook throws a Response (401) for a bad signature.
          res.writeHead(e instanceof Response ? e.status : 500).end();
        });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export async function startStockE2E(options: StockE2EOptions): Promise<StockE2E> {
  const { db } = options;
  const ackTimes: number[] = [];
  const receiver = await startReceiver(ackTimes);
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const shopify = await startShopifySimulator({
    webhookUrl: receiverUrl,
    apiSecret: env.SHOPIFY_API_SECRET,
    webhookPath: () => "/webhooks/inventory_levels/update",
    webhookTopics: ["inventory_levels/update"],
    // Shopify Plus-like bucket by default, so Admin reads are not the subject of the proof tests.
    ...(options.shopifyThrottle === "default" ? {} : { throttle: options.shopifyThrottle ?? { maximumAvailable: 20_000, restoreRate: 1_000 } }),
  });
  const stock = options.stock ?? 10;
  const buffer = options.buffer ?? 0;
  const shop = shopify.control.seedShop({
    domain: options.domain ?? "stock-e2e.myshopify.com",
    locations: ["Warehouse"],
    generate: { variants: options.variants, skuPrefix: "SKU-", stockPerLocation: stock },
  });
  const vs = await startVirtualstockSimulator({ rateLimitPerMinute: options.vsRateLimit ?? 250, latencyMs: options.vsLatencyMs ?? 0 });
  const partNumber = (n: number) => String(60_000_000 + n);
  const initial = options.startInSync ? Math.max(0, stock - buffer) : 0;
  vs.control.seedProducts(shop.variants.map((v, i) => ({ partNumber: partNumber(i), stock: initial, tradedCode: v.sku })));

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
    data: { shop: shop.domain, publishedLocationIds: shop.locations.map((l) => l.id), globalBuffer: buffer },
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
    if (options.startInSync) {
      const epoch = new Date(0);
      await db.publishedStock.createMany({
        data: shop.variants.slice(i, i + CHUNK).map((v, j) => ({
          shop: shop.domain,
          marketplaceSku: partNumber(i + j),
          inventoryItemGid: v.inventoryItemId,
          desiredQuantity: initial,
          shownQuantity: initial,
          desiredSourceAt: epoch,
          desiredReadAt: epoch,
          desiredChangedAt: epoch,
        })),
      });
    }
  }

  setStockRuntime(
    createStockRuntime({
      db,
      budgetFor: options.budgetFor ?? (() => unlimitedBudget),
      adminFor: async (domain) => createAdminClient({ shop: domain, accessToken: shop.accessToken, endpoint: shopify.graphqlUrl(domain) }),
    }),
  );
  const runner: Runner | null = options.runWorker === false ? null : await startWorker({
    connectionString: options.databaseUrl,
    registry: tasks,
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
      await runner?.stop();
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
