import { marketplaceOrderId, marketplaceOrderRef } from "../../app/lib/ids";
import type { RequestBudget } from "../../app/marketplace/request-budget";
import { createVirtualstockGateway, type VirtualstockGatewayOptions } from "../../app/marketplace/virtualstock/virtualstock-gateway.server";
import { InMemoryMarketplace } from "../fakes/in-memory-marketplace";
import { startVirtualstockSimulator } from "../simulators/virtualstock/server";
import { IDENTITY } from "../simulators/virtualstock/state";
import type { VirtualstockSimulator, VirtualstockSimulatorOptions } from "../simulators/virtualstock/control";
import type { MarketplaceContractHarness } from "./marketplace-gateway.contract";

/** The contract harness over the in-memory fake. */
export async function inMemoryHarness(): Promise<MarketplaceContractHarness> {
  const fake = new InMemoryMarketplace();
  return {
    gateway: fake,
    knownCarrierCode: "royal-mail",
    seedProducts: async (products) => fake.seedProducts(products),
    seedOrder: async (order) => {
      const o = fake.seedOrder({ reference: order.reference, lines: order.lines.map((l) => ({ ...l, taxRate: "20.00" })) });
      return { id: o.id, reference: o.reference };
    },
    requestCancellation: async (orderId, lineIds) => fake.requestCancellation(orderId, lineIds.map((lineId) => ({ lineId }))),
    stockOf: async (sku) => fake.stockOf(sku),
    promisedDates: async (orderId) =>
      fake.promisedDates(orderId).map((d) => ({ ...d, dispatchDate: d.dispatchDate?.slice(0, 10) ?? null, deliveryDate: d.deliveryDate?.slice(0, 10) ?? null })),
    shipments: async (orderId) => fake.shipments(orderId),
    settle: async (orderIds) => {
      // The fake has no invoicing: the marketplace's documents are seeded from the orders.
      for (const id of orderIds) {
        const order = fake.order(id);
        if (!order) throw new Error(`no order ${id}`);
        fake.seedSettlementLines(
          order.lines.map((l) => ({
            documentId: `INV-${id}`,
            documentType: "invoice" as const,
            documentStatus: "AWAITING_APPROVAL",
            documentDate: new Date().toISOString(),
            orderId: order.id,
            orderReference: order.reference,
            lineId: l.lineId,
            sku: l.sku,
            quantity: l.quantity,
            amount: { amountMinor: (l.unitPrice?.amountMinor ?? 0) * l.quantity, currency: order.currency },
            tax: l.tax,
            payoutId: null,
            description: l.title,
          })),
        );
      }
    },
    close: async () => {},
  };
}

export interface SimulatorHarnessOptions {
  sim: VirtualstockSimulator;
  budget?: RequestBudget;
  gateway?: Partial<VirtualstockGatewayOptions>;
}

/** Starts a Virtualstock simulator for a test file (close it in afterAll). */
export function startSimulator(options: VirtualstockSimulatorOptions = {}) {
  return startVirtualstockSimulator({ rateLimitPerMinute: 0, ...options });
}

const ItemBody = (body: unknown): Record<string, unknown>[] => {
  if (body && typeof body === "object" && Array.isArray((body as { items?: unknown }).items)) {
    return (body as { items: Record<string, unknown>[] }).items;
  }
  return [];
};

/** The contract harness over the Virtualstock simulator, through the real adapter. */
export function simulatorHarness({ sim, budget, gateway }: SimulatorHarnessOptions): MarketplaceContractHarness {
  const { control } = sim;
  control.reset();
  control.clearFaults();
  return {
    gateway: createVirtualstockGateway({ baseUrl: sim.url, username: "supplier", password: "secret", budget, timeoutMs: 2_000, ...gateway }),
    knownCarrierCode: "royal-mail",
    seedProducts: async (products) => control.seedProducts(products.map((p) => ({ partNumber: p.sku, stock: p.quantity, name: `Product ${p.sku}` }))),
    seedOrder: async (order) => {
      const seeded = control.seedOrder({
        orderReference: order.reference,
        lines: order.lines.map((l) => ({ partNumber: l.sku, quantity: l.quantity, unitCostPrice: l.unitPrice, taxRate: "20.00" })),
      });
      return { id: marketplaceOrderId(seeded.id), reference: marketplaceOrderRef(seeded.orderReference) };
    },
    requestCancellation: async (orderId, lineIds) => control.requestCancellation(orderId, lineIds.map((lineReference) => ({ lineReference }))),
    stockOf: async (sku) => control.getProduct(sku)?.stock ?? null,
    promisedDates: async (orderId) => {
      const acks = control.actionsFor(orderId).filter((a) => a.action === "acknowledge");
      const last = new Map<string, { dispatchDate: string | null; deliveryDate: string | null }>();
      for (const a of acks) {
        for (const item of ItemBody(a.body)) {
          last.set(String(item.line_ref), {
            dispatchDate: typeof item.supplier_dispatch_date === "string" ? item.supplier_dispatch_date.slice(0, 10) : null,
            deliveryDate: typeof item.supplier_delivery_date === "string" ? item.supplier_delivery_date.slice(0, 10) : null,
          });
        }
      }
      return [...last.entries()].map(([lineId, d]) => ({ lineId, ...d }));
    },
    shipments: async (orderId) => {
      const statuses = control.lineStatuses(orderId);
      const seen = new Set<string>();
      const out: { lineId: string; quantity: number; carrierCode: string; trackingNumber: string }[] = [];
      for (const a of control.actionsFor(orderId).filter((x) => x.action === "dispatch")) {
        for (const item of ItemBody(a.body)) {
          const lineId = String(item.line_ref);
          const key = `${lineId}|${String(item.tracking_number)}|${String(item.quantity)}`;
          // Only parcels the simulator accepted (its log marks refused actions with status 400).
          if (seen.has(key) || !(lineId in statuses) || (a as { status?: number }).status === 400) continue;
          seen.add(key);
          out.push({ lineId, quantity: Number(item.quantity), carrierCode: String(item.carrier), trackingNumber: String(item.tracking_number) });
        }
      }
      return out;
    },
    settle: async (orderIds) => {
      // The port has no invoice call (JL may not use Virtualstock invoicing), so the supplier's
      // invoice is created here over HTTP, as a supplier's accounting system would, then paid.
      for (const orderId of orderIds) await createInvoice(sim, orderId);
      control.seedRemittance({ orderIds });
    },
    close: async () => {},
  };
}

interface SimOrderView {
  order_reference: string;
  currency_code: string;
  items: { line_reference: string; part_number: string; retailer_sku_reference: string | null; name: string | null; quantity: number; unit_cost_price: string | null; subtotal: string | null; tax: string | null; tax_rate: string | null }[];
}

async function createInvoice(sim: VirtualstockSimulator, orderId: string): Promise<void> {
  const auth = `Basic ${Buffer.from("supplier:secret").toString("base64")}`;
  const orderRes = await fetch(`${sim.url}/restapi/v4/orders/${orderId}/?format=json`, { headers: { authorization: auth } });
  const order = (await orderRes.json()) as SimOrderView;
  const body = {
    retailer_id: IDENTITY.retailerUuid,
    retailer_order_reference: order.order_reference,
    invoice_date: "2030-06-04",
    invoice_number: `INV${orderId}`.slice(0, 20),
    currency_code: order.currency_code,
    lines: order.items.map((i) => ({
      retailer_sku: i.retailer_sku_reference ?? i.part_number,
      supplier_sku: i.part_number,
      order_line_reference: i.line_reference,
      description: i.name,
      quantity: i.quantity,
      unit_price: i.unit_cost_price,
      subtotal: i.subtotal,
      supply_date: "2030-06-03",
      discount: "0.00",
      tax_rate: i.tax_rate,
      tax: i.tax,
    })),
  };
  const res = await fetch(`${sim.url}/api/v4/invoices/?format=json`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`invoice for ${orderId}: ${res.status} ${await res.text()}`);
}
