import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { VirtualstockSimulator } from "./control";
import { call, type FakeClock, login, startTestSimulator } from "./test-support";

let sim: VirtualstockSimulator;
let clock: FakeClock;
let token: string;

beforeAll(async () => {
  ({ sim, clock } = await startTestSimulator({ rateLimitPerMinute: 0 }));
  token = (await login(sim.url)).access;
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const get = (path: string) => call(sim.url, "GET", path, { token });
const patch = (path: string, body: unknown) => call(sim.url, "PATCH", path, { token, body });

interface ProductPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: { url: string; part_number: string; data: Record<string, unknown> }[];
}

async function restIdOf(partNumber: string): Promise<string> {
  const page = (await get(`/api/v4/products/?part_number=${partNumber}`)).json as ProductPage;
  const m = /\/api\/v4\/products\/(\d+)\//.exec(page.results[0].url);
  if (!m) throw new Error("no id in url");
  return m[1];
}

describe("products and stock", () => {
  it("finds a product by part number, with JL data fields", async () => {
    sim.control.seedProducts([{ partNumber: "66682708", stock: 4, tradedCode: "5012345678900" }, { partNumber: "123" }]);
    const page = (await get("/api/v4/products/?part_number=66682708&format=json")).json as ProductPage;
    expect(page.count).toBe(1);
    expect(page.results[0].url).toMatch(new RegExp(`^${sim.url}/api/v4/products/\\d+/\\?format=json$`));
    expect(page.results[0]).toMatchObject({
      part_number: "66682708",
      data: { free_stock: 4, tradedCode: "5012345678900", stock_updated_at: null },
    });
    const none = (await get("/api/v4/products/?part_number=nope")).json as ProductPage;
    expect(none).toEqual({ count: 0, next: null, previous: null, results: [] });
    const id = await restIdOf("66682708");
    const one = await get(`/api/v4/products/${id}?format=json`);
    expect(one.json).toMatchObject({ part_number: "66682708" });
  });

  it("updates stock with PATCH …/stock, with or without the trailing slash, and records it", async () => {
    sim.control.seedProducts([{ partNumber: "A1", stock: 1 }]);
    const id = await restIdOf("A1");
    const res = await patch(`/api/v4/products/${id}/stock`, { supplier_free_stock: 12 });
    expect(res.status).toBe(200);
    expect(sim.control.getProduct("A1")).toEqual({ partNumber: "A1", stock: 12, stockUpdatedAt: "2025-06-02T09:00:00", updates: 1 });
    clock.advance(60_000);
    expect((await patch(`/api/v4/products/${id}/stock/`, { supplier_free_stock: 0 })).status).toBe(200);
    expect(sim.control.getProduct("A1")).toMatchObject({ stock: 0, updates: 2, stockUpdatedAt: "2025-06-02T09:01:00" });
    const page = (await get("/api/v4/products/?part_number=A1")).json as ProductPage;
    expect(page.results[0].data).toMatchObject({ free_stock: 0, stock_updated_at: "2025-06-02T09:01:00" });
  });

  it("answers 400 field errors, 404 and 409 as documented", async () => {
    sim.control.seedProducts([{ partNumber: "A1" }, { partNumber: "LOCKED", publishingForMs: 120_000 }]);
    const id = await restIdOf("A1");
    expect((await patch(`/api/v4/products/${id}/stock`, {})).json).toEqual({ supplier_free_stock: ["This field is required."] });
    expect((await patch(`/api/v4/products/${id}/stock`, { supplier_free_stock: -1 })).json).toEqual({
      supplier_free_stock: ["Ensure this value is greater than or equal to 0."],
    });
    expect((await patch(`/api/v4/products/${id}/stock`, { supplier_free_stock: 1.5 })).json).toEqual({
      supplier_free_stock: ["A valid integer is required."],
    });
    const missing = await patch("/api/v4/products/1/stock", { supplier_free_stock: 1 });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: "Product not found.", code: "PRODUCT_NOT_FOUND" });
    const locked = await restIdOf("LOCKED");
    const conflict = await patch(`/api/v4/products/${locked}/stock`, { supplier_free_stock: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({ detail: "Can't update a product which is in a publishing status." });
    clock.advance(120_000);
    expect((await patch(`/api/v4/products/${locked}/stock`, { supplier_free_stock: 1 })).status).toBe(200);
    expect(sim.control.getProduct("A1")?.updates).toBe(0);
  });

  it("follows a part-number change made by the retailer", async () => {
    sim.control.seedProducts([{ partNumber: "OLD1" }]);
    const id = await restIdOf("OLD1");
    sim.control.renamePartNumber("OLD1", "NEW1");
    expect(((await get("/api/v4/products/?part_number=OLD1")).json as ProductPage).count).toBe(0);
    expect(await restIdOf("NEW1")).toBe(id);
    expect(sim.control.getProduct("OLD1")).toBeNull();
  });

  it("pages through 50,000 products quickly with limit/offset", async () => {
    sim.control.seedProducts(Array.from({ length: 50_000 }, (_, i) => ({ partNumber: String(10_000_000 + i), stock: i % 7 })));
    const started = performance.now();
    let path: string | null = "/api/v4/products/?format=json&limit=5000";
    const seen = new Set<string>();
    let pages = 0;
    while (path) {
      const page = (await get(path)).json as ProductPage;
      expect(page.count).toBe(50_000);
      expect(page.results.length).toBeLessThanOrEqual(1000); // limit is capped at 1000
      for (const r of page.results) seen.add(r.part_number);
      pages += 1;
      path = page.next ? new URL(page.next).pathname + new URL(page.next).search : null;
    }
    expect(pages).toBe(50);
    expect(seen.size).toBe(50_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
