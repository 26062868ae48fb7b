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
