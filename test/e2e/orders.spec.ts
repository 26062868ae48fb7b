import { ensureConnected, expectText, waitFor, waitForReload, type Journey } from "./harness";

/**
 * A new marketplace order, with no merchant action: seeded in the Virtualstock simulator, it is
 * picked up by the scheduled poll (every minute), created in Shopify once and acknowledged, and
 * the orders page shows it acknowledged with its Shopify order. One line is listed on the
 * marketplace only under a John Lewis stock number, which the first sync linked by barcode.
 */
export const journeys: Journey[] = [
  {
    name: "a new marketplace order appears in Shopify and on the orders page, acknowledged, within a minute",
    async run({ page, stack, screenshot }) {
      await ensureConnected({ page, stack });
      const reference = "JL40990017";
      const seeded = stack.controls.virtualstock.seedOrder({
        orderReference: reference,
        lines: [
          { partNumber: "HB-012-OAT", quantity: 1, unitCostPrice: "22.00" },
          // Variant 245 of the demo catalogue: listed only under a JL number, linked by barcode.
          { partNumber: String(81_000_000 + 245 * 37), quantity: 2, unitCostPrice: "14.50", lineReference: "2" },
        ],
        shippingAddress: { full_name: "Nia Roberts", line_1: "3 Harbour Row", city: "Cardiff", postal_code: "CF10 4PA", country: "GB" },
        currencyCode: "GBP",
      });
      const seededAt = Date.now();

      const created = await waitFor(
        "the order in the Shopify simulator",
        () => stack.controls.shopify.orders(stack.shop).find((o) => o.sourceIdentifier === reference),
        75_000,
      );
      await waitFor(
        "the acknowledgement on the marketplace simulator",
        () => Object.values(stack.controls.virtualstock.lineStatuses(seeded.id)).every((s) => s !== "ORDER"),
        15_000,
      );
      const seconds = (Date.now() - seededAt) / 1000;
      if (seconds > 75) throw new Error(`The order took ${seconds.toFixed(0)} s to be created and acknowledged.`);
      if (created.lineItems.length !== 2) throw new Error(`Expected 2 line items in Shopify, got ${created.lineItems.length}`);

      await page.goto(`${stack.appUrl}/app/orders`);
      await waitForReload(page, reference);
      const row = page.getByRole("row").filter({ hasText: reference });
      await row.getByText(/Met with .* to spare/).waitFor();
      await row.getByText(created.name).waitFor();
      if ((await row.getByText("awaiting acknowledgement").count()) > 0) throw new Error("The order still shows as awaiting acknowledgement.");
      await screenshot("e2e-orders-acknowledged");

      await row.getByRole("link", { name: reference }).click();
      await expectText(page, created.name);
      await expectText(page, /Met with .* to spare/);
      await screenshot("e2e-order-detail");
    },
  },
];
