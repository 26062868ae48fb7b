import type { Page } from "playwright-core";
import type { DemoStack } from "../../scripts/demo";

/** What a journey gets: a fresh browser page and the running demo stack. */
export interface JourneyContext {
  page: Page;
  stack: DemoStack;
  /** Saves a full-page screenshot under test-results/ and returns its path. */
  screenshot(name: string): Promise<string>;
}

/** One merchant journey through the app, run in a fresh browser context. */
export interface Journey {
  name: string;
  run(context: JourneyContext): Promise<void>;
}

/** Waits for visible text (a substring match), failing with what was expected. */
export async function expectText(
  page: Page,
  text: string | RegExp,
  options: { exact?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  try {
    await page
      .getByText(text, { exact: options.exact ?? false })
      .first()
      .waitFor({ state: "visible", timeout: options.timeoutMs ?? 10_000 });
  } catch {
    throw new Error(`Expected to see ${String(text)} on ${page.url()}`);
  }
}

export async function expectNoText(page: Page, text: string | RegExp): Promise<void> {
  if ((await page.getByText(text).count()) > 0) {
    throw new Error(`Did not expect to see ${String(text)} on ${page.url()}`);
  }
}

/** Waits until no element shows the text (e.g. a toast from an earlier step has gone). */
export async function expectGone(page: Page, text: string | RegExp, timeoutMs = 10_000): Promise<void> {
  try {
    await page.getByText(text).first().waitFor({ state: "hidden", timeout: timeoutMs });
  } catch {
    throw new Error(`Expected ${String(text)} to disappear from ${page.url()}`);
  }
}

/** Connects the demo's marketplace in Settings unless an earlier journey already did. */
export async function ensureConnected({ page, stack }: { page: Page; stack: DemoStack }): Promise<void> {
  await page.goto(`${stack.appUrl}/app/settings`);
  if ((await page.getByText("Change connection").count()) > 0) return;
  await page.getByLabel("Virtualstock API username").fill(stack.credentials.username);
  await page.getByLabel("Virtualstock API password").fill(stack.credentials.password);
  await page.getByRole("button", { name: "Advanced" }).click();
  await page.getByLabel("API base URL").fill(stack.virtualstockUrl);
  await page.getByRole("button", { name: "Test and connect" }).click();
  await expectText(page, "Connected to John Lewis Marketplace");
}

/** Polls a probe of the simulators' state until it returns something truthy. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Reloads the page until the text shows (background work lands between reloads). */
export async function waitForReload(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.getByText(text).count()) > 0) return;
    if (Date.now() > until) throw new Error(`Expected to see ${String(text)} on ${page.url()} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
    // Let each load finish (scripts loaded, page hydrated) before the next reload.
    await page.reload({ waitUntil: "networkidle" });
  }
}
