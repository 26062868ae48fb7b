/**
 * `npm run test:e2e`: merchant journeys in headless Chromium against the demo stack (app, worker,
 * simulators, a throwaway embedded PostgreSQL), all on free loopback ports. Every journey runs in
 * a fresh browser context; a browser console error or page error fails it. Screenshots go to
 * test-results/ (always the ones a journey asks for, and one per failure).
 */
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { z } from "zod";
import { startThrowawayServer, type ThrowawayServer } from "../../app/db/throwaway-server.server";
import { startDemo, type DemoStack } from "../../scripts/demo";
import type { Journey } from "./harness";

const HERE = dirname(new URL(import.meta.url).pathname);
const ROOT = resolve(HERE, "..", "..");
const RESULTS = join(ROOT, "test-results");
const CHROMIUM = "/usr/bin/chromium";

const SpecModule = z.object({
  journeys: z.array(
    z.object({
      name: z.string(),
      run: z.custom<Journey["run"]>((value) => typeof value === "function"),
    }),
  ),
});

async function loadJourneys(filter: string | undefined): Promise<{ file: string; journey: Journey }[]> {
  const files = (await readdir(HERE)).filter((file) => file.endsWith(".spec.ts")).sort();
  const loaded: { file: string; journey: Journey }[] = [];
  for (const file of files) {
    const module: unknown = await import(pathToFileURL(join(HERE, file)).href);
    const parsed = SpecModule.safeParse(module);
    if (!parsed.success) throw new Error(`${file} must export \`journeys: Journey[]\``);
    for (const journey of parsed.data.journeys) {
      if (!filter || journey.name.includes(filter) || file.includes(filter)) loaded.push({ file, journey });
    }
  }
  return loaded;
}

async function runJourney(browser: Browser, stack: DemoStack, file: string, journey: Journey): Promise<string | null> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const browserErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (isKnownPolarisCheckboxHydrationWarning(text)) return;
    browserErrors.push(`console.error on ${page.url()}: ${text.split("\n")[0]}`);
  });
  page.on("pageerror", (error) => browserErrors.push(`page error: ${error.message}`));
  const slug = journey.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  try {
    await journey.run({
      page,
      stack,
      screenshot: async (name) => {
        const path = join(RESULTS, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
    });
    if (browserErrors.length > 0) throw new Error(`The browser reported errors:\n  ${browserErrors.join("\n  ")}`);
    return null;
  } catch (error) {
    const path = join(RESULTS, `failure-${slug}.png`);
    await page.screenshot({ path, fullPage: true }).catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    const extra = browserErrors.length > 0 ? `\n  browser: ${browserErrors.join("\n  browser: ")}` : "";
    return `${file} > ${journey.name}: ${message}${extra}\n  screenshot: ${path}`;
  } finally {
    await context.close();
  }
}

async function main(): Promise<number> {
  const filter = process.argv[2];
  const journeys = await loadJourneys(filter);
  if (journeys.length === 0) {
    console.error(`No journeys match ${filter ?? "(all)"}.`);
    return 1;
  }
  await mkdir(RESULTS, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), "jl-e2e-"));
  const logs: string[] = [];
  let database: ThrowawayServer | null = null;
  let stack: DemoStack | null = null;
  let browser: Browser | null = null;
  const started = Date.now();
  try {
    database = await startThrowawayServer();
    stack = await startDemo({
      port: 0,
      virtualstockPort: 0,
      shopifyPort: 0,
      // Unused with databaseUrl, except as the home of the demo's generated encryption key.
      dataDir: join(scratch, "postgres"),
      databasePort: database.port,
      databaseUrl: await database.createDatabase("jl_e2e"),
      shop: "e2e-shop.myshopify.com",
      build: "if-stale",
      log: (line) => logs.push(line),
    });
    console.log(`Demo stack up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${stack.appUrl}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const failures: string[] = [];
    for (const { file, journey } of journeys) {
      const t0 = Date.now();
      const failure = await runJourney(browser, stack, file, journey);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(`${failure ? "✗" : "✓"} ${journey.name} (${seconds} s)`);
      if (failure) failures.push(failure);
    }
    if (failures.length > 0) {
      console.error(`\n${failures.length} of ${journeys.length} journeys failed:\n\n${failures.join("\n\n")}`);
      console.error(`\nApp and worker output:\n${logs.slice(-80).join("\n")}`);
      return 1;
    }
    console.log(`\n${journeys.length} journeys passed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error(`\nApp and worker output:\n${logs.slice(-80).join("\n")}`);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await stack?.stop().catch(() => {});
    await database?.stop().catch(() => {});
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * The one browser warning we tolerate: React (development build, as the demo serves it) now and
 * then reports a `style` attribute on the `<input>` of a Polaris checkbox inside an IndexTable that
 * the server markup had and the client render does not. It is cosmetic (React keeps the client's
 * attributes), not reproducible on demand, and comes from Polaris's table internals; every other
 * console error still fails the journey. Listed as open in the session note.
 */
function isKnownPolarisCheckboxHydrationWarning(text: string): boolean {
  const [first = "", second = ""] = text.split("\n");
  return first.startsWith("Warning: Extra attributes from the server:") && first.trimEnd().endsWith("style") && second.trim() === "at input";
}
