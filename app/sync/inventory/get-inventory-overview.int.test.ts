import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/setup/database";
import { getInventoryOverview, RUN_PRESUMED_DEAD_MS, triggerLabel } from "./get-inventory-overview.server";

let t: TestDatabase;
let db: PrismaClient;
let shopSeq = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.prisma;
});
afterAll(() => t.drop());

const NOW = new Date("2026-03-02T10:00:00.000Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const newShop = () => `overview-${++shopSeq}.myshopify.com`;

async function addRun(
  shop: string,
  data: { status: string; trigger: string; startedAt: Date; finishedAt?: Date; checked?: number; total?: number | null; discrepancies?: number; error?: string },
): Promise<string> {
  const run = await db.stockReconciliationRun.create({ data: { shop, ...data } });
  return run.id;
}

async function addDiscrepancies(shop: string, runId: string, skus: { sku: string; resolved: boolean }[]): Promise<void> {
  await db.stockDiscrepancy.createMany({
    data: skus.map((s) => ({
      shop,
      runId,
      marketplaceSku: s.sku,
      expectedQuantity: 5,
      marketplaceQuantity: 3,
      detectedAt: minutesAgo(5),
      resolvedAt: s.resolved ? minutesAgo(4) : null,
    })),
  });
}

describe("getInventoryOverview: the reconciliation run", () => {
  it("is null before the first check", async () => {
    const view = await getInventoryOverview(db, newShop(), NOW, 1, "");
    expect(view.run).toBeNull();
  });

  it("summarises a completed run: when, what started it, what it found and what became of it", async () => {
    const shop = newShop();
    const older = await addRun(shop, { status: "completed", trigger: "manual", startedAt: minutesAgo(90), finishedAt: minutesAgo(89), checked: 10, total: 10 });
    const latest = await addRun(shop, { status: "completed", trigger: "schedule", startedAt: minutesAgo(10), finishedAt: minutesAgo(9), checked: 300, total: null, discrepancies: 3 });
    await addDiscrepancies(shop, latest, [
      { sku: "A", resolved: true },
      { sku: "B", resolved: true },
      { sku: "C", resolved: false },
    ]);
    // Another run's and another shop's discrepancies do not count towards this run.
    await addDiscrepancies(shop, older, [{ sku: "D", resolved: false }]);
    await addDiscrepancies(newShop(), latest, [{ sku: "E", resolved: false }]);

    const { run } = await getInventoryOverview(db, shop, NOW, 1, "");
    expect(run).toEqual({
      id: latest,
      status: "completed",
      triggerLabel: "Scheduled check",
      checked: 300,
      total: 300,
      discrepancies: 3,
      corrected: 2,
      pending: 1,
      startedAt: minutesAgo(10).toISOString(),
      finishedAt: minutesAgo(9).toISOString(),
      error: null,
    });
  });

  it("shows a failed run's error", async () => {
    const shop = newShop();
    await addRun(shop, { status: "failed", trigger: "manual", startedAt: minutesAgo(2), finishedAt: minutesAgo(1), checked: 1000, total: 5000, error: "The marketplace could not be read: unavailable" });
    const { run } = await getInventoryOverview(db, shop, NOW, 1, "");
    expect(run).toMatchObject({ status: "failed", triggerLabel: "Check now", checked: 1000, total: 5000, error: "The marketplace could not be read: unavailable" });
  });

  it("shows the run started last, even when an older one is still marked running", async () => {
    const shop = newShop();
    await addRun(shop, { status: "running", trigger: "onboarding", startedAt: minutesAgo(3), checked: 1000, total: 4000 });
    const latest = await addRun(shop, { status: "completed", trigger: "schedule", startedAt: minutesAgo(2), finishedAt: minutesAgo(1), checked: 4000, total: 4000 });
    const { run } = await getInventoryOverview(db, shop, NOW, 1, "");
    expect(run).toMatchObject({ id: latest, status: "completed", triggerLabel: "Scheduled check" });
  });

  it("labels the first sync's runs for the merchant", async () => {
    const shop = newShop();
    await addRun(shop, { status: "running", trigger: "onboarding", startedAt: minutesAgo(1), checked: 1000, total: 4000, discrepancies: 7 });
    const { run } = await getInventoryOverview(db, shop, NOW, 1, "");
    expect(run).toMatchObject({ status: "running", triggerLabel: "First sync", checked: 1000, total: 4000, discrepancies: 7 });
  });

  it("follows a new run from its start to its summary, reading its progress afresh on every load", async () => {
    const shop = newShop();
    await addRun(shop, { status: "running", trigger: "schedule", startedAt: minutesAgo(20), checked: 50, total: 100 });
    const current = await addRun(shop, { status: "running", trigger: "manual", startedAt: minutesAgo(1), checked: 0, total: null });
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ id: current, checked: 0 });
    await db.stockReconciliationRun.update({ where: { id: current }, data: { checked: 1000, total: 2000 } });
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ id: current, status: "running", checked: 1000, total: 2000 });
    await db.stockReconciliationRun.update({ where: { id: current }, data: { status: "completed", checked: 2000, finishedAt: NOW } });
    // Finished: the summary, not the older run that is still marked running.
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ id: current, status: "completed", checked: 2000 });
  });

  it("estimates the total from the products earlier checks listed while the marketplace has not said", async () => {
    const shop = newShop();
    await db.skuMapping.createMany({
      data: [
        { shop, marketplaceSku: "A", lastSeenAt: minutesAgo(60) },
        { shop, marketplaceSku: "B", lastSeenAt: minutesAgo(60) },
        { shop, marketplaceSku: "C", lastSeenAt: minutesAgo(60) },
        // Delisted, or never seen by a check: not counted.
        { shop, marketplaceSku: "D", lastSeenAt: minutesAgo(60), marketplaceKnown: false },
        { shop, marketplaceSku: "E" },
      ],
    });
    const id = await addRun(shop, { status: "running", trigger: "schedule", startedAt: minutesAgo(1), checked: 2, total: null });
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ checked: 2, total: 3 });
    // Never below what was already checked.
    await db.stockReconciliationRun.update({ where: { id }, data: { checked: 5 } });
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ checked: 5, total: 5 });
  });

  it("has no total for a first run before the marketplace reports one", async () => {
    const shop = newShop();
    await addRun(shop, { status: "running", trigger: "onboarding", startedAt: minutesAgo(1) });
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ status: "running", checked: 0, total: null });
  });

  it("calls a run that has been running for longer than any run takes interrupted, so the page stops waiting", async () => {
    const shop = newShop();
    const startedAt = new Date(NOW.getTime() - RUN_PRESUMED_DEAD_MS - 1000);
    const id = await addRun(shop, { status: "running", trigger: "schedule", startedAt, checked: 40, total: 100 });
    expect((await getInventoryOverview(db, shop, NOW, 1, "")).run).toMatchObject({ id, status: "interrupted", checked: 40, total: 100 });
  });
});

describe("triggerLabel", () => {
  it.each([
    ["schedule", "Scheduled check"],
    ["manual", "Check now"],
    ["onboarding", "First sync"],
    ["bench", "Benchmark"],
    ["something-new", "Stock check"],
  ])("%s -> %s", (trigger, label) => {
    expect(triggerLabel(trigger)).toBe(label);
  });
});
