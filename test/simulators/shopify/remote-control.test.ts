import { afterAll, beforeAll, expect, it } from "vitest";
import type { ShopifySimulator } from "./control";
import { remoteShopifyControl } from "./remote-control";
import { startShopifySimulator } from "./server";

let sim: ShopifySimulator;
beforeAll(async () => {
  sim = await startShopifySimulator();
});
afterAll(() => sim.close());

it("drives the simulator over its HTTP control twin", async () => {
  const remote = remoteShopifyControl(sim.url);
  const shop = await remote.seedShop({ domain: "remote.myshopify.com", products: [{ title: "Cup", variants: [{ sku: "CUP", stock: { Warehouse: 4 } }] }] });
  expect(shop.accessToken).toMatch(/^shpat_/);
  await remote.setAvailable("remote.myshopify.com", { sku: "CUP", location: "Warehouse", available: 6 });
  expect(await remote.available("remote.myshopify.com", "CUP", "Warehouse")).toBe(6);
  const order = await remote.sellOnShopify("remote.myshopify.com", { lines: [{ sku: "CUP", quantity: 2 }] });
  expect(await remote.available("remote.myshopify.com", "CUP", "Warehouse")).toBe(4);
  const [f] = await remote.fulfill("remote.myshopify.com", order.id, { company: "DPD", number: "1" });
  expect(f.tracking).toEqual([{ company: "DPD", number: "1", url: null }]);
  await expect(remote.available("remote.myshopify.com", "NOPE")).rejects.toThrow(/No variant with SKU "NOPE"/);
});
