import { ensureConnected, expectText, waitFor, waitForReload, type Journey } from "./harness";

/**
 * Dispatch with an unmapped carrier: the merchant fulfils a marketplace order in Shopify with a
 * carrier the app has never seen, sees the exception on the dispatches page, maps the carrier,
 * and the dispatch is confirmed on the marketplace.
 *
 * Needs a marketplace order imported into Shopify by the Orders flow (its poll runs in the demo's
 * worker), and a connection: made here when the settings journey has not made one.
 */
export const journeys: Journey[] = [
  {
    name: "fulfil with an unmapped carrier, see the exception, map it, see the dispatch confirmed",
    async run({ page, stack, screenshot }) {
      await ensureConnected({ page, stack });
      const shopify = stack.controls.shopify;
      const order = await waitFor(
        "a marketplace order imported into Shopify",
        () => shopify.orders(stack.shop).find((o) => o.sourceIdentifier?.startsWith("JL") && o.fulfillmentStatus === "UNFULFILLED" && !o.cancelledAt),
        120_000,
      );

      // The merchant fulfils it in Shopify with a carrier name the app has not seen.
      const dispatchesBefore = stack.controls.virtualstock.requests().filter((r) => r.method === "POST" && r.path.endsWith("/dispatch/")).length;
      shopify.fulfill(stack.shop, order.id, { company: "Evri (Hermes)", number: "H00E2E0000001", url: "https://www.evri.com/track/H00E2E0000001" });

      await page.goto(`${stack.appUrl}/app/dispatches`);
      await waitForReload(page, "Carrier not mapped");
      await expectText(page, 'The carrier "Evri (Hermes)" is not mapped');
      await screenshot("e2e-dispatch-unmapped-carrier");

      await page.getByRole("link", { name: "Map the carrier" }).first().click();
      await page.waitForURL(/\/app\/mappings\/carriers$/);
      await expectText(page, "Evri (Hermes)");
      await expectText(page, "Likely: Evri (evri)");
      await page.getByLabel("Marketplace carrier for Evri (Hermes)").selectOption("evri");
      await page.getByRole("button", { name: "Save mapping" }).first().click();
      await expectText(page, "waiting parcel sent to the marketplace");

      // Confirmed on the marketplace within seconds.
      await waitFor(
        "the dispatch on the marketplace simulator",
        () =>
          stack.controls.virtualstock
            .requests()
            .filter((r) => r.method === "POST" && r.path.endsWith("/dispatch/") && r.status < 300)
            .slice(dispatchesBefore)
            .find((r) => JSON.stringify(r.body).includes("H00E2E0000001")),
        15_000,
      );
      await page.goto(`${stack.appUrl}/app/dispatches`);
      await waitForReload(page, "Every fulfilment is confirmed");
      await screenshot("e2e-dispatch-confirmed");

      // With the carrier mapped, the next fulfilment is confirmed on the marketplace within seconds.
      const next = await waitFor(
        "a second marketplace order imported into Shopify",
        () => shopify.orders(stack.shop).find((o) => o.sourceIdentifier?.startsWith("JL") && o.id !== order.id && o.fulfillmentStatus === "UNFULFILLED" && !o.cancelledAt),
        60_000,
      );
      const fulfilledAt = Date.now();
      shopify.fulfill(stack.shop, next.id, { company: "Evri (Hermes)", number: "H00E2E0000002" });
      await waitFor(
        "the second dispatch on the marketplace simulator",
        () =>
          stack.controls.virtualstock
            .requests()
            .find((r) => r.method === "POST" && r.path.endsWith("/dispatch/") && r.status < 300 && JSON.stringify(r.body).includes("H00E2E0000002")),
        10_000,
      );
      console.log(`    second dispatch confirmed on the marketplace ${((Date.now() - fulfilledAt) / 1000).toFixed(1)} s after the fulfilment`);
    },
  },
];
