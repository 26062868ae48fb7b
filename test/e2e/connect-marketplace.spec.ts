import { expectGone, expectNoText, expectText, waitForReload, type Journey } from "./harness";

/**
 * The merchant's first steps: the home page says nothing is connected; in Settings a wrong address
 * and a wrong password are refused with a banner that says what to do; the right credentials
 * connect; the home page then shows the connection healthy and can check it again.
 */
export const journeys: Journey[] = [
  {
    name: "connect John Lewis from Settings and see it healthy on Home",
    async run({ page, stack, screenshot }) {
      // Demo mode has no Shopify login: the landing page goes straight into the app.
      await page.goto(`${stack.appUrl}/`);
      await page.waitForURL(/\/app$/);
      await expectText(page, "Not connected");
      await expectText(page, "Sync queue");

      await page.getByRole("link", { name: "Connect a marketplace" }).click();
      await page.waitForURL(/\/app\/settings$/);
      await expectText(page, "Connect a marketplace");

      const username = page.getByLabel("Virtualstock API username");
      const password = page.getByLabel("Virtualstock API password");
      const connect = page.getByRole("button", { name: "Test and connect" });

      // 1. An address that answers, but is not Virtualstock (the Shopify simulator).
      await username.fill(stack.credentials.username);
      await password.fill(stack.credentials.password);
      await page.getByRole("button", { name: "Advanced" }).click();
      const baseUrl = page.getByLabel("API base URL");
      await baseUrl.fill(stack.shopifyUrl);
      await connect.click();
      await expectText(page, "does not look like a Virtualstock API");

      // 2. The simulator's address, with a wrong password.
      await baseUrl.fill(stack.virtualstockUrl);
      await password.fill("not-the-password");
      await connect.click();
      await expectText(page, "The credentials were not accepted");
      await expectText(page, "refused the username and password");
      await screenshot("e2e-settings-wrong-password");

      // 3. The right password.
      await password.fill(stack.credentials.password);
      await connect.click();
      await expectText(page, `Connected to John Lewis Marketplace as ${stack.credentials.username}`);
      await expectText(page, "Change connection");
      await expectNoText(page, "The credentials were not accepted");

      // Home shows it healthy, and a manual check agrees.
      await page.getByRole("link", { name: "Home" }).first().click();
      await page.waitForURL(/\/app$/);
      await expectText(page, "John Lewis Marketplace");
      await expectNoText(page, "Not connected");
      await page.getByRole("button", { name: "Check connection now" }).click();
      await expectText(page, `Connection healthy (${stack.credentials.username})`);
      await expectText(page, "Connected", { exact: true });
      // The check's toast replaces the one from Settings; let the old one finish leaving.
      await expectGone(page, "Connected to John Lewis Marketplace");
      await screenshot("e2e-home");
    },
  },
  {
    // Runs after the journey above, on the connection it made.
    name: "a failing check shows the reason on Home, and a later check clears it",
    async run({ page, stack, screenshot }) {
      await page.goto(`${stack.appUrl}/app`);
      await expectText(page, "Connected", { exact: true });

      stack.controls.virtualstock.injectFault({ kind: "status", status: 503, count: 5 });
      await page.getByRole("button", { name: "Check connection now" }).click();
      await expectText(page, "The marketplace is having problems");
      await expectText(page, "Failing", { exact: true });
      await expectText(page, "Try again in a few minutes");
      await screenshot("e2e-home-failing");

      stack.controls.virtualstock.clearFaults();
      await page.getByRole("button", { name: "Check connection now" }).click();
      await expectText(page, "Connection healthy");
      await expectText(page, "Connected", { exact: true });
      await expectGone(page, "The marketplace is having problems");
    },
  },
  {
    // Runs after the connection above: the first sync chose the locations and linked products.
    name: "the first sync after connecting chooses the locations and matches the products",
    async run({ page, stack, screenshot }) {
      await page.goto(`${stack.appUrl}/app`);
      await waitForReload(page, /First sync: matched \d+ of \d+ products/, 60_000);
      // The demo lists 280 products: 270 are the store's (240 by SKU, 30 by barcode), 10 are not.
      await expectText(page, "First sync: matched 270 of 280 products; 10 need a manual mapping.");
      await expectText(page, "Stock is published from Warehouse and Shop floor");
      await screenshot("e2e-home-first-sync");

      await page.getByRole("link", { name: "Map the rest" }).click();
      await page.waitForURL(/\/app\/mappings\/skus/);
      await expectText(page, "89500000");
    },
  },
];
