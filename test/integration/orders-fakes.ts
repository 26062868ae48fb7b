/**
 * A small stateful Shopify for the orders flow's use-case tests: orders by source identifier and
 * metafield, variants with product status and stock, and scripted faults (a lost answer after the
 * order was created, throttles, slow creates).
 */
import { err, ok, type Result } from "../../app/lib/result";
import type {
  OrderCreateRequest,
  PrecheckResult,
  ShopifyOrderError,
  ShopifyOrderRef,
  ShopifyOrdersPort,
} from "../../app/sync/orders/ports";

export interface FakeShopifyOrder extends ShopifyOrderRef {
  request: OrderCreateRequest;
}

type Fault = "lose-answer" | "throttle" | "unavailable";

export class FakeShopifyOrders implements ShopifyOrdersPort {
  readonly orders: FakeShopifyOrder[] = [];
  readonly variants = new Map<string, { status: string; stock: number; sku: string }>();
  readonly createCalls: OrderCreateRequest[] = [];
  private faults: { call: "precheck" | "create"; fault: Fault }[] = [];
  private next = 1000;
  /** Delay inside createOrder, to let two runs overlap. */
  createDelayMs = 0;

  addVariant(gid: string, options: { stock?: number; status?: string; sku?: string } = {}): void {
    this.variants.set(gid, { status: options.status ?? "ACTIVE", stock: options.stock ?? 100, sku: options.sku ?? gid });
  }

  /** The next call of that kind fails so (faults of one kind are used in order). */
  failNext(call: "precheck" | "create", ...faults: Fault[]): void {
    this.faults.push(...faults.map((fault) => ({ call, fault })));
  }

  async precheck(input: { sourceIdentifier: string; metafieldValue: string; variantGids: string[] }): Promise<Result<PrecheckResult, ShopifyOrderError>> {
    const fault = this.takeFault("precheck");
    if (fault === "throttle") return err({ kind: "throttled", retryable: true, retryAfterMs: 5 });
    if (fault === "unavailable") return err({ kind: "unavailable", retryable: true, message: "HTTP 502" });
    const existing = this.orders.find((o) => o.request.sourceIdentifier === input.sourceIdentifier || o.request.metafieldValue === input.metafieldValue) ?? null;
    return ok({
      existing: existing && { gid: existing.gid, name: existing.name, lineItemGids: existing.lineItemGids },
      variants: input.variantGids.flatMap((gid) => {
        const v = this.variants.get(gid);
        return v ? [{ variantGid: gid, productStatus: v.status, sku: v.sku, title: `Variant ${gid}` }] : [];
      }),
    });
  }

  async createOrder(request: OrderCreateRequest): Promise<Result<ShopifyOrderRef, ShopifyOrderError>> {
    this.createCalls.push(request);
    if (this.createDelayMs) await new Promise((r) => setTimeout(r, this.createDelayMs));
    const fault = this.takeFault("create");
    if (fault === "throttle") return err({ kind: "throttled", retryable: true, retryAfterMs: 5 });
    if (fault === "unavailable") return err({ kind: "unavailable", retryable: true, message: "HTTP 502" });
    if (request.inventory === "obey-policy") {
      const short = request.lines.findIndex((l) => l.variantGid && (this.variants.get(l.variantGid)?.stock ?? 0) < l.quantity);
      if (short !== -1) {
        return err({ kind: "user-errors", retryable: false, userErrors: [{ field: ["order", "lineItems", String(short)], message: "Unable to claim inventory", code: "INVENTORY_CLAIM_FAILED" }] });
      }
    }
    for (const l of request.lines) {
      const v = l.variantGid ? this.variants.get(l.variantGid) : undefined;
      if (v) v.stock -= l.quantity;
    }
    const id = this.next++;
    const order: FakeShopifyOrder = {
      gid: `gid://shopify/Order/${id}`,
      name: `#${id}`,
      lineItemGids: request.lines.map((_, i) => `gid://shopify/LineItem/${id}${i}`),
      request,
    };
    this.orders.push(order);
    // The order exists, but the answer is lost on the way back.
    if (fault === "lose-answer") return err({ kind: "unavailable", retryable: true, message: "connection reset" });
    return ok({ gid: order.gid, name: order.name, lineItemGids: order.lineItemGids });
  }

  private takeFault(call: "precheck" | "create"): Fault | undefined {
    const i = this.faults.findIndex((f) => f.call === call);
    return i === -1 ? undefined : this.faults.splice(i, 1)[0].fault;
  }
}
