import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeSharedPool } from "../../app/jobs/pool.server";
import { action } from "../../app/routes/webhooks.inventory_levels.update";
import { recordInventoryWebhook } from "../../app/sync/inventory/record-inventory-webhook.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";

const SECRET = "test-api-secret"; // SHOPIFY_API_SECRET in test/setup/global-setup.ts
const SHOP = "ack.myshopify.com";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await closeSharedPool();
  await db.drop();
});
beforeEach(async () => {
  await db.prisma.$executeRawUnsafe(`TRUNCATE "WebhookDelivery", "StockDirtyItem", "StockSettings"`);
  await db.pool.query(`DELETE FROM graphile_worker._private_jobs`);
  await db.prisma.stockSettings.create({ data: { shop: SHOP, publishedLocationIds: ["gid://shopify/Location/1"], globalBuffer: 2 } });
});

const payload = (item: number, available: number | null) => ({
  inventoryItemGid: `gid://shopify/InventoryItem/${item}`,
  locationGid: "gid://shopify/Location/1",
  available,
  updatedAt: "2026-11-20T10:00:00Z",
});

async function jobs() {
  const { rows } = await db.pool.query<{ task: string; key: string | null; queue: string | null; run_at: Date; payload: { shop: string } }>(
    `select t.identifier as task, j.key, q.queue_name as queue, j.run_at, j.payload
     from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
     left join graphile_worker._private_job_queues q on q.id = j.job_queue_id`,
  );
  return rows;
}

describe("inventory_levels/update acknowledgement", () => {
  it("records the delivery, marks the item dirty and keeps ONE refresh job per shop, in one statement", async () => {
    const triggeredAt = "2026-11-20T10:00:01.250Z";
    for (let i = 0; i < 20; i++) {
      const out = await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: `w-${i}`, triggeredAt, payload: payload(i % 5, 10) });
      expect(out.recorded).toBe(true);
    }
    expect(await db.prisma.webhookDelivery.count({ where: { shop: SHOP, topic: "INVENTORY_LEVELS_UPDATE", status: "processed" } })).toBe(20);
    const dirty = await db.prisma.stockDirtyItem.findMany({ where: { shop: SHOP }, orderBy: { inventoryItemGid: "asc" } });
    expect(dirty.map((d) => d.inventoryItemGid)).toEqual([0, 1, 2, 3, 4].map((i) => `gid://shopify/InventoryItem/${i}`));
    // Stored as UTC, whatever the session's time zone: the latency clock starts at Shopify's time.
    expect(dirty[0].dirtiedAt.toISOString()).toBe(triggeredAt);
    const all = await jobs();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ task: "inventory.refresh", key: `inventory.refresh:${SHOP}`, queue: `inventory-refresh:${SHOP}`, payload: { shop: SHOP } });
    // Due at once: the worker hears about it by notification, not by its next poll.
    expect(all[0].run_at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("does nothing for a repeated delivery, and flags near-zero levels (buffer + 2) as urgent", async () => {
    expect((await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "same", payload: payload(1, 4) })).recorded).toBe(true);
    await db.prisma.stockDirtyItem.deleteMany({});
    await db.pool.query(`DELETE FROM graphile_worker._private_jobs`);
    expect((await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "same", payload: payload(1, 0) })).recorded).toBe(false);
    expect(await db.prisma.stockDirtyItem.count()).toBe(0);
    expect(await jobs()).toHaveLength(0);

    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "a", payload: payload(2, 5) });
    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "b", payload: payload(3, 4) });
    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "c", payload: payload(4, null) });
    const flags = await db.prisma.stockDirtyItem.findMany({ orderBy: { inventoryItemGid: "asc" } });
    expect(flags.map((f) => f.urgent)).toEqual([false, true, false]);
    // An item stays urgent once flagged, even if a later webhook shows more.
    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "d", payload: payload(3, 50) });
    expect((await db.prisma.stockDirtyItem.findFirst({ where: { inventoryItemGid: "gid://shopify/InventoryItem/3" } }))?.urgent).toBe(true);
  });

  it("adds a second refresh job when the first is running, so changes during a read are read next", async () => {
    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "1", payload: payload(1, 5) });
    await db.pool.query(`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test-worker'`);
    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "2", payload: payload(2, 5) });
    await recordInventoryWebhook(db.pool, { shop: SHOP, webhookId: "3", payload: payload(3, 5) });
    expect(await jobs()).toHaveLength(2);
  });

  it("is what the signed route does, and a forged signature records nothing", async () => {
    const body = JSON.stringify({ inventory_item_id: 77, location_id: 1, available: 0, updated_at: "2026-11-20T10:00:00Z" });
    const request = (secret: string) =>
      new Request("http://127.0.0.1:3999/webhooks/inventory_levels/update", {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": "inventory_levels/update",
          "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body).digest("base64"),
          "x-shopify-shop-domain": SHOP,
          "x-shopify-api-version": "2026-04",
          "x-shopify-webhook-id": randomUUID(),
          "x-shopify-triggered-at": new Date().toISOString(),
        },
      });
    const forged = await action({ request: request("nope"), params: {}, context: {} }).catch((e: unknown) => e as Response);
    expect(forged.status).toBe(401);
    expect(await db.prisma.webhookDelivery.count()).toBe(0);

    const response = await action({ request: request(SECRET), params: {}, context: {} });
    expect(response.status).toBe(200);
    expect(await db.prisma.stockDirtyItem.findMany({ select: { inventoryItemGid: true, urgent: true } })).toEqual([
      { inventoryItemGid: "gid://shopify/InventoryItem/77", urgent: true },
    ]);
    expect((await jobs()).map((j) => j.task)).toEqual(["inventory.refresh"]);
  });
});
