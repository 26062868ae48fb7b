import { ensureConnected, expectText, waitFor, waitForReload, type Journey } from "./harness";

/**
 * Stock after the first sync: the merchant changes a level in Shopify (the simulator's admin
 * action, which fires inventory_levels/update); the new published quantity reaches the
 * marketplace simulator and the inventory page shows it published and up to date.
 */
export const journeys: Journey[] = [
  {
    name: "a stock change in Shopify reaches the marketplace and shows on the inventory page",
    async run({ page, stack, screenshot }) {
      await ensureConnected({ page, stack });
      const sku = "HB-020-NAV";
      const shopify = stack.controls.shopify;
      const marketplace = stack.controls.virtualstock;
      // The first sync linked the SKU (same part number as the Shopify SKU).
      await page.goto(`${stack.appUrl}/app/inventory?q=${sku}`);
      await waitForRow(page, sku, 60_000);

      const updatesBefore = marketplace.getProduct(sku)?.updates ?? 0;
      const changedAt = Date.now();
      shopify.setAvailable(stack.shop, { sku, location: "Warehouse", available: 17 });
      shopify.setAvailable(stack.shop, { sku, location: "Shop floor", available: 4 });

      const product = await waitFor(
        "21 units on the marketplace simulator",
        () => {
          const p = marketplace.getProduct(sku);
          return p && p.stock === 21 && p.updates > updatesBefore ? p : null;
        },
        60_000,
      );
      const seconds = ((Date.now() - changedAt) / 1000).toFixed(1);
      console.log(`    stock change reached the marketplace in ${seconds} s (${product.updates - updatesBefore} update(s))`);

      await page.goto(`${stack.appUrl}/app/inventory?q=${sku}`);
      const row = page.getByRole("row").filter({ hasText: sku });
      await row.getByText("Up to date").waitFor({ timeout: 15_000 });
      const cells = await row.getByRole("cell").allInnerTexts();
      if (cells[1] !== "21" || cells[2] !== "21") throw new Error(`Expected published 21 and shown 21, got ${JSON.stringify(cells)}`);
      await expectText(page, "Published stock");
      await screenshot("e2e-inventory-after-change");
    },
  },
  {
    name: "check now shows the run's progress, then its summary, without a reload",
    async run({ page, stack, screenshot }) {
      await ensureConnected({ page, stack });
      await page.goto(`${stack.appUrl}/app/inventory`);
      // The first sync's reconciliation (or an earlier check) has finished.
      await waitForReload(page, /^Finished /, 90_000);
      const summary = page.locator("#reconciliation-summary");
      const trigger = (label: string) => page.locator(".Polaris-Badge", { hasText: label });

      await page.getByRole("button", { name: "Check now" }).click();
      await expectText(page, "Checking every SKU against the marketplace.");
      // From here on the page must update by itself: it polls while the run is running.
      await trigger("Check now").waitFor({ timeout: 15_000 });
      await page.waitForFunction(
        () => document.querySelector("#reconciliation-summary")?.textContent?.startsWith("Finished ") ?? false,
        undefined,
        { timeout: 90_000 },
      );
      const text = await summary.innerText();
      // Counts agree with their nouns, and the run says what it found and what became of it.
      if (!/^Finished .+: [\d,]+ products? checked, (no new discrepancies|[\d,]+ new discrepanc(y|ies) found: [\d,]+ corrected, [\d,]+ waiting for a push)\.$/.test(text)) {
        throw new Error(`Unexpected run summary: ${JSON.stringify(text)}`);
      }
      if (/\b1 (SKUs|products|discrepancies)\b/.test(await page.locator("body").innerText())) throw new Error("A count of 1 with a plural noun");
      // Let the progress bar's width transition end, so the picture shows the finished bar.
      await page.waitForTimeout(1000);
      await screenshot("e2e-inventory-after-check-now");
    },
  },
];

/** The inventory page lists a SKU once its first quantity is recorded; reload until it does. */
async function waitForRow(page: import("playwright-core").Page, sku: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await page.getByRole("row").filter({ hasText: sku }).count()) === 0) {
    if (Date.now() > until) throw new Error(`${sku} never appeared on the inventory page`);
    await new Promise((r) => setTimeout(r, 1000));
    await page.reload();
  }
}
