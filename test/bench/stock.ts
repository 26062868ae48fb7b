/**
 * `npm run bench:stock`: the stock flow against the simulators at the marketplace's real limit
 * (250 requests a minute through the shared request budget, 100 ms per call), with changes made in
 * the Shopify simulator and delivered as signed webhooks to the app's webhook route, and the real
 * graphile-worker loop doing the work. Sizes default to issue 5's figures; override with flags,
 * e.g. `npm run bench:stock -- --steady-skus=500 --steady-seconds=20 --recon-skus=5000`.
 * The last line of output is the JSON summary.
 */
import "./bench-env";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { migrateDatabase } from "../../app/db/local-database.server";
import { startThrowawayServer } from "../../app/db/throwaway-server.server";
import { workerNodeArgs } from "../../app/jobs/worker-process";

const args = Object.fromEntries(
  process.argv.slice(2).flatMap((a) => {
    const m = /^--([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(a);
    return m ? [[m[1], Number(m[2])]] : [];
  }),
);
const opt = (name: string, fallback: number): number => (typeof args[name] === "number" ? args[name] : fallback);
/** `--only=rush` (or steady, recon) runs one scenario, for tuning; the JSON line then has nulls. */
const only = process.argv.slice(2).find((a) => a.startsWith("--only="))?.slice("--only=".length) ?? null;
const config = {
  steadySkus: opt("steady-skus", 5000),
  steadySeconds: opt("steady-seconds", 120),
  steadyRate: opt("steady-rate", 2),
  rushSkus: opt("rush-skus", 500),
  rushChanges: opt("rush-changes", 2500),
  rushSeconds: opt("rush-seconds", 30),
  rushSellouts: opt("rush-sellouts", 100),
  ackRate: opt("ack-rate", 100),
  ackSeconds: opt("ack-seconds", 10),
  reconSkus: opt("recon-skus", 50_000),
  reconDrift: opt("recon-drift", 100),
  latencyMs: opt("latency-ms", 100),
  limit: opt("limit", 250),
};

const log = (message: string) => console.info(`[bench:stock] ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
let seed = 42;
/** Deterministic pseudo-random numbers, so runs are comparable. */
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

log(`config ${JSON.stringify(config)}`);
const server = await startThrowawayServer();
const databaseUrl = await server.createDatabase("bench_stock");
await migrateDatabase(databaseUrl);
process.env.DATABASE_URL = databaseUrl;

const { prisma } = await import("../../app/db.server");
const { closeSharedPool } = await import("../../app/jobs/pool.server");
const { addJob } = await import("../../app/jobs/queue.server");
const { startStockE2E } = await import("../integration/stock-e2e-harness");

let http429 = 0;

/**
 * The app's worker in its own process, as in production (`npm run worker` beside the web server):
 * the web side (webhook route) and the simulators stay in this process.
 */
async function startWorkerChild(input: { graphqlUrl: string; accessToken: string; accountKey: string }): Promise<{ stop(): Promise<{ peakRssMb: number; readyRssMb: number }> }> {
  const child = spawn(process.execPath, [...workerNodeArgs("test/bench/stock-worker-child.ts"), JSON.stringify({ databaseUrl, ...input })], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
  const ready = await nextLine();
  if (ready !== "ready") throw new Error(`worker child said ${ready}`);
  return {
    async stop() {
      child.stdin.write("stop\n");
      const peak = JSON.parse(await nextLine()) as { peakRssMb: number; readyRssMb: number };
      await once(child, "exit");
      return peak;
    },
  };
}

/** Polls the marketplace simulator until each expectation holds, recording when it first did. */
function watcher(show: (partNumber: string) => number | undefined) {
  const pending = new Map<string, { expected: number; resolve: (at: number) => void }>();
  const timer = setInterval(() => {
    for (const [pn, w] of pending) {
      if (show(pn) === w.expected) {
        pending.delete(pn);
        w.resolve(Date.now());
      }
    }
  }, 5);
  return {
    expect(partNumber: string, expected: number): Promise<number> {
      return new Promise((resolve) => pending.set(partNumber, { expected, resolve }));
    },
    stop: () => clearInterval(timer),
  };
}

// ---------------------------------------------------------------- steady + webhook acknowledgement
async function steadyAndAck() {
  log(`steady: ${config.steadySkus} SKUs, ${config.steadyRate} changes/s for ${config.steadySeconds} s`);
  const e = await startStockE2E({
    db: prisma,
    databaseUrl,
    domain: "bench-steady.myshopify.com",
    variants: config.steadySkus,
    stock: 10,
    vsLatencyMs: config.latencyMs,
    vsRateLimit: config.limit,
    shopifyThrottle: "default",
    startInSync: true,
    runWorker: false,
  });
  const worker = await startWorkerChild({ graphqlUrl: e.shopify.graphqlUrl(e.shop.domain), accessToken: e.shop.accessToken, accountKey: "bench-steady" });
  const show = (pn: string) => e.vs.control.getProduct(pn)?.stock;
  const w = watcher(show);
  const level = new Map<number, number>();
  const change = (i: number) => {
    const next = ((level.get(i) ?? 10) + 1 + Math.floor(random() * 5)) % 21;
    level.set(i, next);
    e.shopify.control.setAvailable(e.shop.domain, { sku: e.shop.variants[i].sku!, available: next });
    return next;
  };
  // Process start: the first push warms the adapter's product-id cache (one list page per 1,000).
  const first = change(0);
  await w.expect(e.partNumber(0), first);

  const latencies: number[] = [];
  const waits: Promise<void>[] = [];
  const total = Math.round(config.steadySeconds * config.steadyRate);
  const used = new Set<number>([0]);
  const started = Date.now();
  for (let n = 0; n < total; n++) {
    const dueAt = started + (n * 1000) / config.steadyRate;
    await sleep(Math.max(0, dueAt - Date.now()));
    let i = 0;
    do i = Math.floor(random() * config.steadySkus);
    while (used.has(i) && used.size < config.steadySkus);
    used.add(i);
    const t0 = Date.now();
    const expected = change(i);
    waits.push(w.expect(e.partNumber(i), expected).then((at) => void latencies.push(at - t0)));
  }
  await Promise.race([Promise.all(waits), sleep(120_000)]);
  const steady = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), n: latencies.length, of: total };
  log(`steady latency ms: p50 ${steady.p50}, p95 ${steady.p95}, p99 ${steady.p99} (${steady.n}/${total} delivered)`);

  log(`ack: ${config.ackRate} webhooks/s for ${config.ackSeconds} s`);
  await e.shopify.control.webhooksIdle();
  const ackFrom = e.ackTimes.length;
  const ackTotal = config.ackRate * config.ackSeconds;
  const ackStart = Date.now();
  for (let n = 0; n < ackTotal; n++) {
    await sleep(Math.max(0, ackStart + (n * 1000) / config.ackRate - Date.now()));
    change(Math.floor(random() * config.steadySkus));
  }
  await e.shopify.control.webhooksIdle();
  const acks = e.ackTimes.slice(ackFrom);
  const ack = { p50: percentile(acks, 50), p99: percentile(acks, 99), n: acks.length };
  log(`ack ms: p50 ${round(ack.p50, 1)}, p99 ${round(ack.p99, 1)} (${ack.n} webhooks)`);
  w.stop();
  http429 += e.vs.control.statusCounts()[429] ?? 0;
  await worker.stop();
  await e.stop();
  return { steady, ack };
}

// ---------------------------------------------------------------- sale rush
async function rush() {
  log(`rush: ${config.rushChanges} changes over ${config.rushSkus} SKUs in ${config.rushSeconds} s, ${config.rushSellouts} sell-outs`);
  const startStock = 20;
  const e = await startStockE2E({
    db: prisma,
    databaseUrl,
    domain: "bench-rush.myshopify.com",
    variants: config.rushSkus,
    stock: startStock,
    vsLatencyMs: config.latencyMs,
    vsRateLimit: config.limit,
    shopifyThrottle: "default",
    startInSync: true,
    runWorker: false,
  });
  const worker = await startWorkerChild({ graphqlUrl: e.shopify.graphqlUrl(e.shop.domain), accessToken: e.shop.accessToken, accountKey: "bench-rush" });
  const show = (pn: string) => e.vs.control.getProduct(pn)?.stock;
  // Warm the product-id cache as a running worker would have it.
  e.shopify.control.setAvailable(e.shop.domain, { sku: e.shop.variants[0].sku!, available: startStock });
  await e.shopify.control.webhooksIdle();
  await sleep(3_000);

  // Every SKU gets its share of the changes; a sell-out SKU's last change takes it to zero.
  const perSku = Math.floor(config.rushChanges / config.rushSkus);
  const events: { at: number; sku: number; sellOut: boolean }[] = [];
  for (let i = 0; i < config.rushSkus; i++) {
    const n = perSku + (i < config.rushChanges - perSku * config.rushSkus ? 1 : 0);
    const times = Array.from({ length: n }, () => random() * config.rushSeconds * 1000).sort((a, b) => a - b);
    times.forEach((at, k) => events.push({ at, sku: i, sellOut: i < config.rushSellouts && k === n - 1 }));
  }
  events.sort((a, b) => a.at - b.at);
  const level = new Map<number, number>();
  const w = watcher(show);
  const sellOutLatencies: number[] = [];
  const sellOutsDone: Promise<number>[] = [];
  const started = Date.now();
  for (const ev of events) {
    await sleep(Math.max(0, started + ev.at - Date.now()));
    const current = level.get(ev.sku) ?? startStock;
    const next = ev.sellOut ? 0 : Math.max(1, current - 1 - Math.floor(random() * 2));
    level.set(ev.sku, next);
    const t0 = Date.now();
    e.shopify.control.setAvailable(e.shop.domain, { sku: e.shop.variants[ev.sku].sku!, available: next });
    // Zero is a sell-out SKU's final value, so the first time the marketplace shows it is its latency.
    if (ev.sellOut) {
      sellOutsDone.push(
        w.expect(e.partNumber(ev.sku), 0).then((at) => {
          sellOutLatencies.push(at - t0);
          return at;
        }),
      );
    }
  }
  const finals = [...Array(config.rushSkus).keys()]
    .filter((i) => !(i < config.rushSellouts))
    .map((i) => w.expect(e.partNumber(i), level.get(i) ?? startStock));
  const settled = await Promise.race([Promise.all([...finals, ...sellOutsDone]), sleep(600_000).then(() => null)]);
  if (!settled) log("rush: not every SKU was right after 10 minutes");
  const doneAt = settled ? Math.max(...settled) : Date.now();
  w.stop();
  const convergeS = (doneAt - started) / 1000;
  const floorS = (config.rushSkus / config.limit) * 60;
  const selloffP95 = percentile(sellOutLatencies, 95) / 1000;
  log(`rush: converged in ${round(convergeS, 1)} s (floor ${round(floorS, 1)} s, ratio ${round(convergeS / floorS, 2)}), sell-out p95 ${round(selloffP95, 2)} s`);
  // Where sell-out time went: webhook -> read of Shopify (refresh) -> marketplace accepted (push).
  const phases = await prisma.publishedStock.findMany({
    where: { shop: e.shop.domain, marketplaceSku: { in: [...Array(config.rushSellouts).keys()].map(e.partNumber) } },
    select: { desiredChangedAt: true, desiredReadAt: true, lastPushedAt: true },
  });
  const readLag = phases.map((p) => (p.desiredReadAt?.getTime() ?? 0) - (p.desiredChangedAt?.getTime() ?? 0));
  const pushLag = phases.map((p) => (p.lastPushedAt?.getTime() ?? 0) - (p.desiredReadAt?.getTime() ?? 0));
  log(`rush sell-outs: change->read p50 ${percentile(readLag, 50)} ms p95 ${percentile(readLag, 95)} ms; read->pushed p50 ${percentile(pushLag, 50)} ms p95 ${percentile(pushLag, 95)} ms`);
  const pushes = e.vs.control.requests().filter((r) => r.method === "PATCH").length;
  log(`rush: ${pushes} stock requests for ${config.rushSkus} SKUs`);
  http429 += e.vs.control.statusCounts()[429] ?? 0;
  await worker.stop();
  await e.stop();
  return { convergeS, floorS, selloffP95 };
}

// ---------------------------------------------------------------- reconciliation
async function reconciliation() {
  log(`reconciliation: ${config.reconSkus} SKUs, ${config.reconDrift} drifted (webhooks lost)`);
  const domain = "bench-recon.myshopify.com";
  const e = await startStockE2E({
    db: prisma,
    databaseUrl,
    domain,
    variants: config.reconSkus,
    stock: 10,
    vsLatencyMs: config.latencyMs,
    vsRateLimit: config.limit,
    shopifyThrottle: "default",
    startInSync: true,
    runWorker: false,
  });
  e.shopify.control.setWebhooksEnabled(false);
  const drifted = new Map<number, number>();
  while (drifted.size < config.reconDrift) drifted.set(Math.floor(random() * config.reconSkus), Math.floor(random() * 9));
  for (const [i, v] of drifted) e.shopify.control.setAvailable(domain, { sku: e.shop.variants[i].sku!, available: v });

  const worker = await startWorkerChild({ graphqlUrl: e.shopify.graphqlUrl(domain), accessToken: e.shop.accessToken, accountKey: "bench-recon" });

  const before = e.vs.control.requests().length;
  const started = Date.now();
  await addJob(undefined, "inventory.reconcile", { shop: domain, trigger: "bench" }, { jobKey: `inventory.reconcile:${domain}`, queueName: `inventory-reconcile:${domain}` });
  const show = (pn: string) => e.vs.control.getProduct(pn)?.stock;
  const w = watcher(show);
  await Promise.all([...drifted].map(([i, v]) => w.expect(e.partNumber(i), v)));
  // Corrections are pushed page by page, so the drift can be healed before the listing ends: the
  // reconciliation is done when both are.
  while ((await prisma.stockReconciliationRun.findFirst({ where: { shop: domain, status: "running" } })) !== null || !(await prisma.stockReconciliationRun.findFirst({ where: { shop: domain } }))) {
    await sleep(20);
  }
  const elapsedS = (Date.now() - started) / 1000;
  w.stop();
  const made = e.vs.control.requests().slice(before);
  const calls = made.length;
  // Where the time went: before the first marketplace call the run reads Shopify (bulk operation)
  // and records every desired quantity; after it, the budget sets the pace.
  if (made.length > 0) {
    const at = (r: { at: number } | undefined) => (r ? round((r.at - started) / 1000, 1) : null);
    const gets = made.filter((r) => r.method === "GET");
    const patches = made.filter((r) => r.method === "PATCH");
    log(`reconciliation: first marketplace request after ${at(made[0])} s, last after ${at(made.at(-1))} s (${gets.length} GET, last after ${at(gets.at(-1))} s; ${patches.length} PATCH, first after ${at(patches[0])} s)`);
  }
  const pages = Math.ceil(config.reconSkus / 1000);
  const floorS = ((pages + config.reconDrift) / config.limit) * 60;
  const peak = await worker.stop();
  log(`reconciliation: ${round(elapsedS, 1)} s (floor ${round(floorS, 1)} s for ${pages} pages + ${config.reconDrift} corrections; ${calls} requests made), worker peak RSS ${peak.peakRssMb} MB (${peak.readyRssMb} MB when started, idle)`);
  const run = await prisma.stockReconciliationRun.findFirst({ where: { shop: domain }, orderBy: { startedAt: "desc" } });
  log(`reconciliation run: ${run?.status}, ${run?.checked} checked, ${run?.discrepancies} discrepancies`);
  http429 += e.vs.control.statusCounts()[429] ?? 0;
  await e.stop();
  return { elapsedS, floorS, peakRssMb: peak.peakRssMb };
}

const s = only === null || only === "steady" ? await steadyAndAck() : null;
const r = only === null || only === "rush" ? await rush() : null;
const c = only === null || only === "recon" ? await reconciliation() : null;
console.info(
  JSON.stringify({
    bench: "stock",
    steady_p95_ms: s ? Math.round(s.steady.p95) : null,
    rush_converge_s: r ? round(r.convergeS, 1) : null,
    rush_floor_s: r ? round(r.floorS, 1) : null,
    selloff_p95_s: r ? round(r.selloffP95, 2) : null,
    http_429: http429,
    ack_p99_ms: s ? round(s.ack.p99, 1) : null,
    recon_50k_s: c ? round(c.elapsedS, 1) : null,
    recon_floor_s: c ? round(c.floorS, 1) : null,
    recon_peak_rss_mb: c ? c.peakRssMb : null,
  }),
);
// Quiet shutdown: the summary above must stay the last line.
process.on("uncaughtException", () => {});
await closeSharedPool().catch(() => {});
await prisma.$disconnect().catch(() => {});
await server.stop().catch(() => {});
process.exit(0);
