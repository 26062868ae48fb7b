import { afterAll, beforeAll } from "vitest";
import type { VirtualstockSimulator } from "../simulators/virtualstock/control";
import { describeMarketplaceGatewayContract } from "./marketplace-gateway.contract";
import { inMemoryHarness, simulatorHarness, startSimulator } from "./harnesses";

describeMarketplaceGatewayContract("in-memory fake", inMemoryHarness);

let sim: VirtualstockSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim?.close();
});
describeMarketplaceGatewayContract("Virtualstock adapter against the simulator", async () => simulatorHarness({ sim }));
