import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SeededShop, ShopifySimulator } from "./control";
import { startShopifySimulator } from "./server";
import { adminGraphql, startWebhookReceiver, type ReceivedWebhook } from "./test-helpers";

const SECRET = "test-secret";
const SHOP = "jl-test.myshopify.com";

let sim: ShopifySimulator;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
let seeded: SeededShop;
let clock = 1_800_000_000_000;

const q = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  adminGraphql<T>(sim.graphqlUrl(SHOP), seeded.accessToken, query, variables);

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  sim = await startShopifySimulator({ webhookUrl: hooks.url, apiSecret: SECRET, now: () => clock });
});
afterAll(async () => {
  await sim.close();
  await hooks.close();
});
beforeEach(() => {
  sim.control.reset();
  hooks.received.length = 0;
  seeded = sim.control.seedShop({
    domain: SHOP,
    locations: ["Warehouse", "Store"],
    products: [
      { title: "Oak table", variants: [{ sku: "OAK-1", barcode: "5000000000011", price: "250.00", stock: { Warehouse: 5, Store: 1 } }] },
      {
        title: "Lamp",
        variants: [
          { sku: "LAMP-RED", barcode: "5000000000028", price: "30.00", stock: { Warehouse: 10 } },
          { sku: "LAMP-BLUE", barcode: "5000000000035", price: "30.00", stock: { Store: 2 } },
        ],
      },
    ],
  });
});

const verify = (w: ReceivedWebhook) =>
  createHmac("sha256", SECRET).update(w.rawBody, "utf8").digest("base64") === w.headers["x-shopify-hmac-sha256"];

const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;

interface SetResult {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string; changes: { name: string; delta: number; quantityAfterChange: number }[] } | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  } | null;
}

describe("Admin GraphQL endpoint", () => {
  it("rejects requests without a valid access token", async () => {
    const res = await adminGraphql(sim.graphqlUrl(SHOP), "shpat_wrong", "{ shop { name } }");
    expect(res.status).toBe(401);
    expect(res.body.errors).toMatch(/Invalid API key or access token/);
  });

  it("validates documents against the real schema", async () => {
    const res = await q("{ shop { name notAField } }");
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    const errors = res.body.errors as { message: string }[];
    expect(errors[0].message).toMatch(/Cannot query field "notAField" on type "Shop"/);
  });

  it("coerces variables and rejects wrong types", async () => {
    const res = await q(`query V($id: ID!) { productVariant(id: $id) { id } }`, { id: null });
    const errors = res.body.errors as { message: string; extensions?: { code?: string } }[];
    expect(errors[0].extensions?.code).toBe("INVALID_VARIABLE");
  });

  it("answers shop and finds variants by SKU, barcode and OR lists", async () => {
    const shop = await q<{ shop: { name: string; myshopifyDomain: string } }>("{ shop { name myshopifyDomain } }");
    expect(shop.body.data?.shop.myshopifyDomain).toBe(SHOP);

    type Variants = { productVariants: { nodes: { sku: string; barcode: string; inventoryItem: { id: string; tracked: boolean } }[] } };
    const bySku = await q<Variants>(`query($q: String!) { productVariants(first: 5, query: $q) { nodes { sku barcode inventoryItem { id tracked } } } }`, { q: "sku:LAMP-RED" });
    expect(bySku.body.data?.productVariants.nodes).toEqual([{ sku: "LAMP-RED", barcode: "5000000000028", inventoryItem: { id: seeded.variants[1].inventoryItemId, tracked: true } }]);

    const byBarcode = await q<Variants>(`{ productVariants(first: 5, query: "barcode:5000000000035") { nodes { sku } } }`);
    expect(byBarcode.body.data?.productVariants.nodes.map((n) => n.sku)).toEqual(["LAMP-BLUE"]);

    const either = await q<Variants>(`{ productVariants(first: 5, query: "sku:OAK-1 OR sku:LAMP-BLUE") { nodes { sku } } }`);
    expect(either.body.data?.productVariants.nodes.map((n) => n.sku)).toEqual(["OAK-1", "LAMP-BLUE"]);
  });

  it("pages with first/after and reports connection cost", async () => {
    type Page = { productVariants: { nodes: { sku: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const doc = `query($after: String) { productVariants(first: 2, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } } }`;
    const one = await q<Page>(doc);
    expect(one.body.data?.productVariants.nodes.map((n) => n.sku)).toEqual(["OAK-1", "LAMP-RED"]);
    expect(one.body.data?.productVariants.pageInfo.hasNextPage).toBe(true);
    // 2 for the connection + 2 nodes x 1; the actual cost counts what came back.
    expect(one.body.extensions?.cost.requestedQueryCost).toBe(4);
    const two = await q<Page>(doc, { after: one.body.data?.productVariants.pageInfo.endCursor });
    expect(two.body.data?.productVariants.nodes.map((n) => n.sku)).toEqual(["LAMP-BLUE"]);
    expect(two.body.data?.productVariants.pageInfo.hasNextPage).toBe(false);
    expect(two.body.extensions?.cost.actualQueryCost).toBe(3);
  });

  it("reads inventory levels with named quantities, and locations", async () => {
    type Levels = { inventoryItem: { inventoryLevels: { nodes: { location: { name: string }; quantities: { name: string; quantity: number }[] }[] } } };
    const res = await q<Levels>(
      `query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 10) { nodes { location { name } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } }`,
      { id: seeded.variants[0].inventoryItemId },
    );
    expect(res.body.data?.inventoryItem.inventoryLevels.nodes).toEqual([
      { location: { name: "Warehouse" }, quantities: [{ name: "available", quantity: 5 }, { name: "on_hand", quantity: 5 }, { name: "committed", quantity: 0 }] },
      { location: { name: "Store" }, quantities: [{ name: "available", quantity: 1 }, { name: "on_hand", quantity: 1 }, { name: "committed", quantity: 0 }] },
    ]);
    const locs = await q<{ locations: { nodes: { name: string }[] } }>("{ locations(first: 10) { nodes { name } } }");
    expect(locs.body.data?.locations.nodes.map((l) => l.name)).toEqual(["Warehouse", "Store"]);
  });

  it("raises NOT_SIMULATED for fields it does not model instead of inventing data", async () => {
    const res = await q(`{ shop { name weightUnit } }`);
    const errors = res.body.errors as { message: string; extensions?: { code?: string } }[];
    expect(errors[0].extensions?.code).toBe("NOT_SIMULATED");
  });
});

describe("inventorySetQuantities", () => {
  const input = (quantity: number, changeFromQuantity: number | null) => ({
    name: "available",
    reason: "correction",
    referenceDocumentUri: "gid://jl-sync/SyncJob/1",
    quantities: [{ inventoryItemId: seeded.variants[0].inventoryItemId, locationId: seeded.locations[0].id, quantity, changeFromQuantity }],
  });

  it("requires @idempotent at runtime", async () => {
    const res = await q(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { message } } }`,
      { input: input(7, 5) },
    );
    const errors = res.body.errors as { extensions?: { code?: string } }[];
    expect(errors[0].extensions?.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    expect(sim.control.available(SHOP, "OAK-1", "Warehouse")).toBe(5);
  });

  it("applies a compare-and-set once per idempotency key", async () => {
    const first = await q<SetResult>(SET, { input: input(7, 5), key: "k-1" });
    expect(first.body.data?.inventorySetQuantities?.userErrors).toEqual([]);
    expect(first.body.data?.inventorySetQuantities?.inventoryAdjustmentGroup?.changes).toEqual([{ name: "available", delta: 2, quantityAfterChange: 7 }]);
    expect(sim.control.available(SHOP, "OAK-1", "Warehouse")).toBe(7);

    const again = await q<SetResult>(SET, { input: input(7, 5), key: "k-1" });
    expect(again.body.data?.inventorySetQuantities?.inventoryAdjustmentGroup?.id).toBe(first.body.data?.inventorySetQuantities?.inventoryAdjustmentGroup?.id);
    expect(sim.control.levels(SHOP, "OAK-1")[0].quantities.on_hand).toBe(7);

    const mismatch = await q<SetResult>(SET, { input: input(9, 7), key: "k-1" });
    expect(mismatch.body.data?.inventorySetQuantities?.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect(sim.control.available(SHOP, "OAK-1", "Warehouse")).toBe(7);
  });

  it("refuses a stale changeFromQuantity", async () => {
    const res = await q<SetResult>(SET, { input: input(3, 4), key: "k-2" });
    expect(res.body.data?.inventorySetQuantities?.userErrors[0].code).toBe("CHANGE_FROM_QUANTITY_STALE");
    expect(sim.control.available(SHOP, "OAK-1", "Warehouse")).toBe(5);
  });

  it("adjusts by delta and announces inventory_levels/update", async () => {
    const res = await q<{ inventoryAdjustQuantities: { userErrors: unknown[] } }>(
      `mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) @idempotent(key: "adj-1") { userErrors { code } } }`,
      { input: { name: "available", reason: "correction", changes: [{ inventoryItemId: seeded.variants[0].inventoryItemId, locationId: seeded.locations[1].id, delta: 4, changeFromQuantity: null }] } },
    );
    expect(res.body.data?.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(sim.control.available(SHOP, "OAK-1", "Store")).toBe(5);
    await sim.control.webhooksIdle();
    const hook = hooks.received.find((w) => w.path === "/webhooks/inventory_levels/update");
    expect(hook && verify(hook)).toBe(true);
    expect(JSON.parse(hook?.rawBody ?? "{}")).toMatchObject({ available: 5, location_id: Number(seeded.locations[1].id.split("/").pop()) });
  });
});

const CREATE = `mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name sourceIdentifier tags displayFinancialStatus
      fulfillmentOrders(first: 5) { nodes { id assignedLocation { location { name } } lineItems(first: 10) { nodes { id remainingQuantity sku lineItem { id } } } } } }
    userErrors { field message code }
  }
}`;
interface CreateResult {
  orderCreate: {
    order: {
      id: string;
      name: string;
      sourceIdentifier: string;
      tags: string[];
      displayFinancialStatus: string;
      fulfillmentOrders: { nodes: { id: string; assignedLocation: { location: { name: string } }; lineItems: { nodes: { id: string; remainingQuantity: number; sku: string; lineItem: { id: string } }[] } }[] };
    } | null;
    userErrors: { message: string }[];
  };
}

async function createJlOrder(quantity = 3) {
  const res = await q<CreateResult>(CREATE, {
    order: {
      currency: "GBP",
      lineItems: [{ variantId: seeded.variants[1].id, quantity, priceSet: { shopMoney: { amount: "30.00", currencyCode: "GBP" } } }],
      shippingAddress: { firstName: "Ada", lastName: "Lovelace", address1: "1 High St", city: "London", zip: "N1 1AA", countryCode: "GB" },
      tags: ["jl-marketplace"],
      sourceName: "jl-marketplace",
      sourceIdentifier: "JL-1001",
      financialStatus: "PAID",
      metafields: [{ namespace: "$app", key: "jl_order_id", type: "id", value: "JL-1001" }],
    },
    options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
  });
  const order = res.body.data?.orderCreate.order;
  if (!order) throw new Error(`orderCreate failed: ${JSON.stringify(res.body)}`);
  return order;
}

describe("orders, fulfillments and refunds", () => {
  it("orderCreate decrements stock, creates fulfillment orders and sends a signed orders/create", async () => {
    const order = await createJlOrder(3);
    expect(order.displayFinancialStatus).toBe("PAID");
    expect(order.fulfillmentOrders.nodes).toHaveLength(1);
    expect(order.fulfillmentOrders.nodes[0].assignedLocation.location.name).toBe("Warehouse");
    expect(order.fulfillmentOrders.nodes[0].lineItems.nodes[0].remainingQuantity).toBe(3);
    const [warehouse] = sim.control.levels(SHOP, "LAMP-RED");
    expect(warehouse.quantities).toMatchObject({ available: 7, committed: 3, on_hand: 10 });

    await sim.control.webhooksIdle();
    const hook = hooks.received.find((w) => w.headers["x-shopify-topic"] === "orders/create");
    expect(hook).toBeDefined();
    expect(verify(hook as ReceivedWebhook)).toBe(true);
    expect(hook?.path).toBe("/webhooks/orders/create");
    expect(hook?.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(hook?.headers["x-shopify-api-version"]).toBe("2026-04");
    expect(hook?.headers["x-shopify-webhook-id"]).toBeTruthy();
    expect(hook?.headers["x-shopify-event-id"]).toBeTruthy();
    const payload = JSON.parse(hook?.rawBody ?? "{}");
    expect(payload).toMatchObject({ admin_graphql_api_id: order.id, source_identifier: "JL-1001", tags: "jl-marketplace", financial_status: "paid" });
    expect(payload.line_items[0]).toMatchObject({ sku: "LAMP-RED", quantity: 3, price: "30.00" });

    const found = await q<{ orders: { nodes: { id: string }[] } }>(`{ orders(first: 5, query: "source_identifier:JL-1001") { nodes { id } } }`);
    expect(found.body.data?.orders.nodes).toEqual([{ id: order.id }]);
    const byId = await q<{ orderByIdentifier: { id: string } | null }>(
      `{ orderByIdentifier(identifier: { customId: { namespace: "$app", key: "jl_order_id", value: "JL-1001" } }) { id } }`,
    );
    expect(byId.body.data?.orderByIdentifier?.id).toBe(order.id);
  });

  it("refuses an order it cannot claim stock for when obeying policy", async () => {
    const res = await q<CreateResult>(CREATE, {
      order: { lineItems: [{ variantId: seeded.variants[2].id, quantity: 5 }] },
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
    });
    expect(res.body.data?.orderCreate.order).toBeNull();
    expect(res.body.data?.orderCreate.userErrors[0].message).toMatch(/claim inventory/);
  });

  it("fulfils part of an order, then updates tracking", async () => {
    const order = await createJlOrder(3);
    const fo = order.fulfillmentOrders.nodes[0];
    const res = await q<{ fulfillmentCreate: { fulfillment: { id: string; status: string; trackingInfo: { company: string; number: string }[] } | null; userErrors: unknown[] } }>(
      `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id status trackingInfo { company number } } userErrors { field message } } }`,
      {
        f: {
          notifyCustomer: false,
          trackingInfo: { company: "Royal Mail", number: "AB123456789GB", url: "https://track.example/AB123456789GB" },
          lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0].id, quantity: 2 }] }],
        },
      },
    );
    expect(res.body.data?.fulfillmentCreate.userErrors).toEqual([]);
    expect(res.body.data?.fulfillmentCreate.fulfillment?.trackingInfo).toEqual([{ company: "Royal Mail", number: "AB123456789GB" }]);
    const after = sim.control.order(SHOP, order.id);
    expect(after?.fulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(after?.fulfillmentOrders[0]).toMatchObject({ status: "IN_PROGRESS", lineItems: [{ remainingQuantity: 1 }] });
    expect(sim.control.levels(SHOP, "LAMP-RED")[0].quantities).toMatchObject({ available: 7, committed: 1, on_hand: 8 });

    const over = await q<{ fulfillmentCreate: { userErrors: { message: string }[] } }>(
      `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { userErrors { field message } } }`,
      { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0].id, quantity: 2 }] }] } },
    );
    expect(over.body.data?.fulfillmentCreate.userErrors[0].message).toMatch(/quantity/);

    const id = res.body.data?.fulfillmentCreate.fulfillment?.id as string;
    await q(
      `mutation($id: ID!, $t: FulfillmentTrackingInput!) { fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $t) { fulfillment { id } userErrors { message } } }`,
      { id, t: { company: "DPD", number: "15501234" } },
    );
    expect(sim.control.fulfillments(SHOP, order.id)[0].tracking).toEqual([{ company: "DPD", number: "15501234", url: null }]);
    await sim.control.webhooksIdle();
    const topics = hooks.received.map((w) => w.headers["x-shopify-topic"]);
    expect(topics).toEqual(expect.arrayContaining(["fulfillments/create", "fulfillments/update", "orders/updated"]));
  });

  it("refunds with restock (CANCEL for unshipped, RETURN for shipped) under an idempotency key", async () => {
    const order = await createJlOrder(3);
    sim.control.fulfill(SHOP, order.id, { company: "Royal Mail", number: "RM1", lines: [{ sku: "LAMP-RED", quantity: 1 }] });
    const lineItemId = order.fulfillmentOrders.nodes[0].lineItems.nodes[0].lineItem.id;
    const REFUND = `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) {
      refund { id totalRefundedSet { shopMoney { amount } } refundLineItems(first: 5) { nodes { quantity restockType restocked } } } userErrors { field message } } }`;
    const input = {
      orderId: order.id,
      note: "JL refund",
      refundLineItems: [
        { lineItemId, quantity: 1, restockType: "RETURN", locationId: seeded.locations[0].id },
        { lineItemId, quantity: 1, restockType: "CANCEL" },
      ],
      transactions: [{ orderId: order.id, gateway: "manual", kind: "REFUND", amount: "60.00" }],
    };
    type RefundResult = { refundCreate: { refund: { id: string; totalRefundedSet: { shopMoney: { amount: string } }; refundLineItems: { nodes: { restocked: boolean }[] } } | null; userErrors: unknown[] } };
    const res = await q<RefundResult>(REFUND, { input, key: "refund-1" });
    expect(res.body.data?.refundCreate.userErrors).toEqual([]);
    expect(res.body.data?.refundCreate.refund?.totalRefundedSet.shopMoney.amount).toBe("60.00");
    expect(res.body.data?.refundCreate.refund?.refundLineItems.nodes.every((n) => n.restocked)).toBe(true);
    // 10 on hand, 3 sold (7 available), 1 shipped (on_hand 9), 1 returned (+1 available), 1 cancelled (+1 available)
    expect(sim.control.levels(SHOP, "LAMP-RED")[0].quantities).toMatchObject({ available: 9, committed: 1, on_hand: 10 });

    const replay = await q<RefundResult>(REFUND, { input, key: "refund-1" });
    expect(replay.body.data?.refundCreate.refund?.id).toBe(res.body.data?.refundCreate.refund?.id);
    expect(sim.control.refunds(SHOP, order.id)).toHaveLength(1);

    const mismatch = await q<RefundResult>(REFUND, { input: { ...input, note: "other" }, key: "refund-1" });
    expect((mismatch.body.errors as { extensions?: { code?: string } }[])[0].extensions?.code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");

    await sim.control.webhooksIdle();
    const hook = hooks.received.find((w) => w.headers["x-shopify-topic"] === "refunds/create");
    expect(JSON.parse(hook?.rawBody ?? "{}")).toMatchObject({ note: "JL refund", refund_line_items: [{ restock_type: "return" }, { restock_type: "cancel" }] });
    expect(sim.control.order(SHOP, order.id)?.financialStatus).toBe("PARTIALLY_REFUNDED");
  });

  it("cancels an order and restocks it", async () => {
    const order = await createJlOrder(2);
    const res = await q<{ orderCancel: { job: { done: boolean } | null; orderCancelUserErrors: unknown[] } }>(
      `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refund: false, notifyCustomer: false) { job { done } orderCancelUserErrors { code message } } }`,
      { id: order.id },
    );
    expect(res.body.data?.orderCancel.orderCancelUserErrors).toEqual([]);
    expect(sim.control.levels(SHOP, "LAMP-RED")[0].quantities).toMatchObject({ available: 10, committed: 0 });
    await sim.control.webhooksIdle();
    expect(hooks.received.some((w) => w.headers["x-shopify-topic"] === "orders/cancelled")).toBe(true);
  });

  it("adds tags and metafields to an order", async () => {
    const order = await createJlOrder(1);
    await q(`mutation($id: ID!) { tagsAdd(id: $id, tags: ["jl-acknowledged"]) { userErrors { message } } }`, { id: order.id });
    const mf = await q<{ metafieldsSet: { metafields: { key: string; value: string }[]; userErrors: unknown[] } }>(
      `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { key value } userErrors { field message code } } }`,
      { m: [{ ownerId: order.id, namespace: "jl", key: "status", type: "single_line_text_field", value: "ACKNOWLEDGED" }] },
    );
    expect(mf.body.data?.metafieldsSet.metafields).toEqual([{ key: "status", value: "ACKNOWLEDGED" }]);
    const read = await q<{ order: { tags: string[]; metafield: { value: string } } }>(
      `query($id: ID!) { order(id: $id) { tags metafield(namespace: "jl", key: "status") { value } } }`,
      { id: order.id },
    );
    expect(read.body.data?.order).toEqual({ tags: ["jl-marketplace", "jl-acknowledged"], metafield: { value: "ACKNOWLEDGED" } });
  });
});

describe("bulk operations", () => {
  it("runs a bulk query and serves JSONL with __parentId rows", async () => {
    const run = await q<{ bulkOperationRunQuery: { bulkOperation: { id: string; status: string }; userErrors: unknown[] } }>(
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`,
      { q: `{ productVariants { edges { node { id sku inventoryItem { id inventoryLevels { edges { node { location { id } quantities(names: ["available"]) { name quantity } } } } } } } } }` },
    );
    expect(run.body.data?.bulkOperationRunQuery.userErrors).toEqual([]);
    const status = await q<{ bulkOperation: { status: string; url: string; objectCount: string; rootObjectCount: string } }>(
      `query($id: ID!) { bulkOperation(id: $id) { status url objectCount rootObjectCount } }`,
      { id: run.body.data?.bulkOperationRunQuery.bulkOperation.id },
    );
    const op = status.body.data?.bulkOperation;
    expect(op?.status).toBe("COMPLETED");
    expect(op?.rootObjectCount).toBe("3");
    expect(op?.objectCount).toBe("9");
    const rows = (await (await fetch(op?.url as string)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(rows[0]).toEqual({ id: seeded.variants[0].id, sku: "OAK-1", inventoryItem: { id: seeded.variants[0].inventoryItemId } });
    expect(rows[1]).toEqual({ location: { id: seeded.locations[0].id }, quantities: [{ name: "available", quantity: 5 }], __parentId: seeded.variants[0].id });
  });

  it("rejects an invalid bulk query as a user error", async () => {
    const run = await q<{ bulkOperationRunQuery: { bulkOperation: null; userErrors: { code: string }[] } }>(
      `mutation { bulkOperationRunQuery(query: "{ productVariants { edges { node { nope } } } }") { bulkOperation { id } userErrors { code message } } }`,
    );
    expect(run.body.data?.bulkOperationRunQuery.userErrors[0].code).toBe("INVALID");
  });

  it("counts duplicate SKUs per item, and a bulk read of 20,000 items selecting it stays fast", async () => {
    const dup = sim.control.seedShop({
      domain: "dup.myshopify.com",
      products: [{ title: "Twin", variants: [{ sku: "TWIN", price: "1.00" }, { sku: "TWIN", price: "1.00" }, { sku: "SOLO", price: "1.00" }] }],
    });
    const one = await adminGraphql<{ a: { duplicateSkuCount: number }; b: { duplicateSkuCount: number } }>(
      sim.graphqlUrl(dup.domain),
      dup.accessToken,
      `query($a: ID!, $b: ID!) { a: inventoryItem(id: $a) { duplicateSkuCount } b: inventoryItem(id: $b) { duplicateSkuCount } }`,
      { a: dup.variants[0].inventoryItemId, b: dup.variants[2].inventoryItemId },
    );
    expect(one.body.data).toEqual({ a: { duplicateSkuCount: 1 }, b: { duplicateSkuCount: 0 } });

    const big = sim.control.seedShop({ domain: "big-bulk.myshopify.com", generate: { variants: 20_000, skuPrefix: "B-" } });
    const started = Date.now();
    const run = await adminGraphql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
      sim.graphqlUrl(big.domain),
      big.accessToken,
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`,
      { q: "{ inventoryItems { edges { node { id sku duplicateSkuCount } } } }" },
    );
    // The file is built in slices after the mutation answers (bulk.test.ts): poll as the app does.
    let op: { status: string; rootObjectCount: string } | undefined;
    do {
      await new Promise((r) => setTimeout(r, 20));
      const status = await adminGraphql<{ bulkOperation: { status: string; rootObjectCount: string } }>(
        sim.graphqlUrl(big.domain),
        big.accessToken,
        `query($id: ID!) { bulkOperation(id: $id) { status rootObjectCount } }`,
        { id: run.body.data?.bulkOperationRunQuery.bulkOperation.id },
      );
      op = status.body.data?.bulkOperation;
    } while (op?.status === "RUNNING");
    expect(op).toEqual({ status: "COMPLETED", rootObjectCount: "20000" });
    // Quadratic before (a scan of every variant per item): minutes at this size.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("seeds thousands of variants quickly", () => {
    const started = Date.now();
    const big = sim.control.seedShop({ domain: "big.myshopify.com", generate: { variants: 5000, skuPrefix: "G-" } });
    expect(big.variants).toHaveLength(5000);
    expect(big.variants[4999].sku).toBe("G-5000");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("throttling", () => {
  it("returns THROTTLED when the bucket cannot cover the cost and recovers with time", async () => {
    sim.control.setThrottle(SHOP, { maximumAvailable: 100, restoreRate: 10, currentlyAvailable: 100 });
    const doc = `{ productVariants(first: 40) { nodes { id } } }`; // 2 + 40 = 42 requested
    const a = await q(doc);
    expect(a.body.extensions?.cost.requestedQueryCost).toBe(42);
    // Only 3 variants exist, so 37 points come back: 2 + 3 actual.
    expect(a.body.extensions?.cost.actualQueryCost).toBe(5);
    expect(a.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(95);
    sim.control.setThrottle(SHOP, { currentlyAvailable: 30 });
    const b = await q(doc);
    expect(b.status).toBe(200);
    expect(b.body.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: expect.stringContaining("rate-limits") } }]);
    expect(b.body.extensions?.cost).toMatchObject({ requestedQueryCost: 42, actualQueryCost: null, throttleStatus: { currentlyAvailable: 30, restoreRate: 10, maximumAvailable: 100 } });
    clock += 1200; // +12 points
    const c = await q(doc);
    expect(c.body.errors).toBeUndefined();
    expect(c.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(37);
  });

  it("rejects a query over the single-query limit", async () => {
    const res = await q(`{ productVariants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 10) { nodes { id } } } } } }`);
    expect((res.body.errors as { extensions?: { code?: string } }[])[0].extensions?.code).toBe("MAX_COST_EXCEEDED");
  });
});

describe("merchant actions from the control API", () => {
  it("sets stock as the merchant and sells on the Shopify channel", async () => {
    sim.control.setAvailable(SHOP, { sku: "OAK-1", location: "Store", available: 4 });
    const order = sim.control.sellOnShopify(SHOP, { lines: [{ sku: "OAK-1", quantity: 2 }] });
    expect(order.sourceName).toBe("web");
    expect(sim.control.available(SHOP, "OAK-1", "Warehouse")).toBe(3);
    const [f] = sim.control.fulfill(SHOP, order.id, { company: "Royal Mail", number: "RM9", url: "https://track.example/RM9" });
    expect(f.lineItems).toEqual([{ lineItemId: order.lineItems[0].id, quantity: 2 }]);
    await sim.control.webhooksIdle();
    const topics = hooks.received.map((w) => w.headers["x-shopify-topic"]);
    expect(topics.filter((t) => t === "inventory_levels/update")).toHaveLength(2);
    expect(topics).toEqual(expect.arrayContaining(["orders/create", "fulfillments/create"]));
  });

  it("uninstalls the app: tokens stop working and app/uninstalled is sent", async () => {
    sim.control.uninstallApp(SHOP);
    const res = await q("{ shop { name } }");
    expect(res.status).toBe(401);
    await sim.control.webhooksIdle();
    expect(hooks.received.map((w) => w.path)).toContain("/webhooks/app/uninstalled");
  });
});
