import { afterAll, beforeAll, expect, it } from "vitest";
import type { VirtualstockSimulator } from "./control";
import { seedExampleData } from "./example-data";
import { call, login, startTestSimulator } from "./test-support";

let sim: VirtualstockSimulator;
beforeAll(async () => {
  ({ sim } = await startTestSimulator());
});
afterAll(() => sim.close());

it("seeds a catalogue, one new order and one with a cancellation request", async () => {
  const [first, second] = seedExampleData(sim.control);
  const { access } = await login(sim.url);
  const news = (await call(sim.url, "GET", "/restapi/v4/orders/?status=ORDER", { token: access })).json as { count: number };
  const cancels = (await call(sim.url, "GET", "/restapi/v4/orders/?status=CANCEL", { token: access })).json as {
    results: { order_reference: string }[];
  };
  expect(news.count).toBe(2); // the second order still has a new line besides the cancelled one
  expect(cancels.results.map((r) => r.order_reference)).toEqual([second.orderReference]);
  expect(sim.control.lineStatuses(first.id)).toEqual({ "1": "ORDER", "2": "ORDER" });
  const products = (await call(sim.url, "GET", "/api/v4/products/", { token: access })).json as { count: number };
  expect(products.count).toBe(5);
});
