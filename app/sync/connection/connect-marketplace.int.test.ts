import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/setup/database";
import { startVirtualstockSimulator } from "../../../test/simulators/virtualstock/server";
import type { VirtualstockSimulator } from "../../../test/simulators/virtualstock/control";
import { shopDomain } from "../../lib/ids";
import { decryptSecret, encryptSecret } from "../../lib/crypto.server";
import { createMarketplaceGateway } from "../../marketplace/create-gateway.server";
import { unlimitedBudget } from "../../marketplace/request-budget";
import {
  checkConnection,
  connectMarketplace,
  disconnectMarketplace,
  type ConnectionDeps,
} from "./connect-marketplace.server";
import { prismaConnectionStore } from "./connection-store.server";
import { listConnections } from "./get-connection.server";
import { marketplaceOptions } from "./marketplace-options";

let db: TestDatabase;
let simulator: VirtualstockSimulator;
let deps: ConnectionDeps;
const shop = shopDomain("int-shop.myshopify.com");

beforeAll(async () => {
  db = await createTestDatabase();
  simulator = await startVirtualstockSimulator({ username: "acme", password: "s3cret-pass" });
  deps = {
    store: prismaConnectionStore(db.prisma),
    options: marketplaceOptions,
    createGateway: (input) => createMarketplaceGateway({ ...input, budget: unlimitedBudget, timeoutMs: 2_000 }),
    encryptSecret,
    decryptSecret,
    clock: () => new Date(),
  };
});
afterAll(async () => {
  await simulator?.close();
  await db?.drop();
});

const form = (password: string) => ({
  marketplaceId: "john-lewis",
  environment: "sandbox" as const,
  baseUrlOverride: simulator.url,
  credentials: { username: "acme", password },
});

describe("connecting John Lewis against the Virtualstock simulator, stored in PostgreSQL", () => {
  it("refuses a wrong password without writing anything", async () => {
    const result = await connectMarketplace(deps, shop, form("wrong"), "merchant");
    expect(result).toMatchObject({ ok: false, error: { kind: "test-failed", problem: { kind: "wrong-credentials" } } });
    expect(await db.prisma.marketplaceConnection.count()).toBe(0);
    expect(await db.prisma.auditLog.count()).toBe(0);
  });

  it("saves the connection with the password encrypted and an audit row, then checks and disconnects", async () => {
    const connected = await connectMarketplace(deps, shop, form("s3cret-pass"), "merchant");
    expect(connected.ok).toBe(true);

    const row = await db.prisma.marketplaceConnection.findUniqueOrThrow({
      where: { shop_marketplaceId: { shop, marketplaceId: "john-lewis" } },
    });
    expect(row).toMatchObject({ status: "connected", baseUrl: simulator.url, accountName: "acme" });
    expect(row.publicCredentials).toEqual({ username: "acme" });
    expect(row.secretCredentials).not.toContain("s3cret-pass");
    expect(JSON.parse(decryptSecret(row.secretCredentials))).toEqual({ password: "s3cret-pass" });
    const audit = await db.prisma.auditLog.findMany({ where: { shop } });
    expect(audit.map((entry) => entry.action)).toEqual(["marketplace-connection.created"]);
    expect(JSON.stringify(audit)).not.toContain("s3cret-pass");

    const [view] = await listConnections(deps, shop);
    expect(view).toMatchObject({ baseUrlIsCustom: true, secretsSet: { password: true } });
    expect(JSON.stringify(view)).not.toContain(row.secretCredentials);

    expect((await checkConnection(deps, shop, "john-lewis")).ok).toBe(true);

    expect((await disconnectMarketplace(deps, shop, "john-lewis", "merchant")).ok).toBe(true);
    expect(await db.prisma.marketplaceConnection.count({ where: { shop } })).toBe(0);
    const actions = (await db.prisma.auditLog.findMany({ where: { shop }, orderBy: { at: "asc" } })).map(
      (entry) => entry.action,
    );
    expect(actions).toEqual(["marketplace-connection.created", "marketplace-connection.deleted"]);
  });
});
