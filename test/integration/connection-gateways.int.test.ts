import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "../../app/lib/crypto.server";
import { createConnectionGateways, marketplaceAccountKey } from "../../app/marketplace/connection-gateways.server";
import type { RequestBudget } from "../../app/marketplace/request-budget";
import { createTestDatabase, type TestDatabase } from "../setup/database";

const budget: RequestBudget = { take: async () => {}, pause: async () => {} };

describe("one marketplace gateway per connection, shared by every flow", () => {
  let t: TestDatabase;
  const budgets: { accountKey: string; perMinute: number }[] = [];
  const connect = (shop: string, username: string) =>
    t.prisma.marketplaceConnection.create({
      data: {
        shop,
        marketplaceId: "john-lewis",
        environment: "sandbox",
        baseUrl: "http://127.0.0.1:9",
        publicCredentials: { username },
        secretCredentials: encryptSecret(JSON.stringify({ password: "secret" })),
        status: "connected",
      },
    });

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it("hands every caller the same gateway, budgeted at the marketplace's own limit, until the connection changes", async () => {
    const gateways = createConnectionGateways({
      db: t.prisma,
      budgetFor: (accountKey, perMinute) => {
        budgets.push({ accountKey, perMinute });
        return budget;
      },
    });
    const connection = await connect("a.myshopify.com", "supplier-a");
    const first = await gateways("a.myshopify.com");
    const second = await gateways("a.myshopify.com");
    expect(first.ok && second.ok && first.value.gateway === second.value.gateway).toBe(true);
    expect(first.ok && first.value.marketplaceName).toBe("John Lewis Marketplace");
    expect(budgets).toEqual([{ accountKey: "john-lewis:http://127.0.0.1:9:supplier-a", perMinute: 250 }]);

    // New credentials: a new gateway (new login), the old one is dropped.
    await t.prisma.marketplaceConnection.update({ where: { id: connection.id }, data: { publicCredentials: { username: "supplier-b" } } });
    const third = await gateways("a.myshopify.com");
    expect(third.ok && first.ok && third.value.gateway !== first.value.gateway).toBe(true);
    expect(budgets.at(-1)?.accountKey).toBe("john-lewis:http://127.0.0.1:9:supplier-b");
  });

  it("says the shop is not connected rather than throwing", async () => {
    const gateways = createConnectionGateways({ db: t.prisma, budgetFor: () => budget });
    const none = await gateways("nobody.myshopify.com");
    expect(none).toMatchObject({ ok: false, error: { kind: "not-connected", retryable: false } });
  });

  it("keys a budget by the platform account, so two shops on one API user share it", () => {
    const a = marketplaceAccountKey({ marketplaceId: "john-lewis", baseUrl: "u", connectionId: "c1", username: "same" });
    const b = marketplaceAccountKey({ marketplaceId: "john-lewis", baseUrl: "u", connectionId: "c2", username: "same" });
    const c = marketplaceAccountKey({ marketplaceId: "john-lewis", baseUrl: "u", connectionId: "c3" });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
