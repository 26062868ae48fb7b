import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VirtualstockSimulator } from "./control";
import { connectVirtualstockControl } from "./remote-control";
import { call, login, startTestSimulator } from "./test-support";

let sim: VirtualstockSimulator;
beforeAll(async () => {
  ({ sim } = await startTestSimulator({ rateLimitPerMinute: 2 }));
});
afterAll(() => sim.close());

describe("HTTP control twin", () => {
  it("drives the simulator through /__control with the same methods, unmetered", async () => {
    const remote = connectVirtualstockControl(sim.url);
    await remote.reset();
    await remote.seedProducts([{ partNumber: "R1", stock: 2 }]);
    const order = await remote.seedOrder({ orderReference: "REMOTE-1", lines: [{ partNumber: "R1", quantity: 2 }] });
    expect(order.url).toBe(`${sim.url}/restapi/v4/orders/${order.id}/`);
    expect(await remote.lineStatuses(order.id)).toEqual({ "1": "ORDER" });
    await remote.requestCancellation(order.id, [{ lineReference: "1", quantity: 1 }]);
    expect(await remote.lineStatuses(order.id)).toEqual({ "1": "CANCEL" });
    expect(await remote.getProduct("R1")).toMatchObject({ partNumber: "R1", stock: 2, updates: 0 });
    await remote.setRateLimit(0);
    await remote.setLatency(0);
    await remote.setPartialCancellationAllowed(false);

    const { access } = await login(sim.url);
    await call(sim.url, "POST", `/restapi/v4/orders/${order.id}/cancel_acknowledge/`, {
      token: access,
      body: { items: [{ part_number: "R1", line_ref: "1", quantity: 1 }] },
    });
    const actions = await remote.actionsFor(order.id);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ action: "cancel_acknowledge", status: 400 });
    expect((await remote.requests()).map((r) => r.path)).toEqual(["/restapi/v4/token", `/restapi/v4/orders/${order.id}/cancel_acknowledge/`]);
    expect(await remote.statusCounts()).toEqual({ 200: 1, 400: 1 });

    await remote.injectFault({ kind: "status", status: 504 });
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(504);
    await remote.injectFault({ kind: "status", status: 500 });
    await remote.clearFaults();
    expect((await call(sim.url, "GET", "/restapi/v4/orders/", { token: access })).status).toBe(200);
    expect(await remote.getOrder("0")).toBeNull();
  });

  it("reports bad arguments and refused operations as errors", async () => {
    const remote = connectVirtualstockControl(sim.url);
    await expect(remote.renamePartNumber("missing", "x")).rejects.toThrow("No product with part number missing");
    const bad = await fetch(`${sim.url}/__control/seed-order`, { method: "POST", body: JSON.stringify({ order: { lines: [] } }) });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${sim.url}/__control/nothing`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
  });
});
