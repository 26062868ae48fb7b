import { z } from "zod";
import type { FaultSpec, SeedOrder, SeedProduct } from "./control";
import type { FullVirtualstockControl } from "./server";

/**
 * The HTTP twin of the control interface, under /__control/*, for a simulator running in another
 * process (the demo, e2e tests). One endpoint per method, named in kebab-case, POST with a JSON
 * body holding the method's arguments by name; the answer is {"result": …} or {"error": "…"}.
 * Not authenticated, not rate-limited, not recorded, and never touched by injected faults.
 */

const nullableString = z.string().nullable();

const SeedProductSchema = z.object({
  partNumber: z.string().min(1),
  stock: z.number().int().min(0).optional(),
  name: z.string().optional(),
  retailerSku: nullableString.optional(),
  supplierSku: nullableString.optional(),
  tradedCode: nullableString.optional(),
  publishingForMs: z.number().min(0).optional(),
}) satisfies z.ZodType<SeedProduct>;

const SeedOrderSchema = z.object({
  orderReference: z.string().optional(),
  orderDate: z.string().optional(),
  lines: z
    .array(
      z.object({
        partNumber: z.string().min(1),
        quantity: z.number().int().min(1).optional(),
        unitCostPrice: nullableString.optional(),
        taxRate: z.string().optional(),
        name: z.string().optional(),
        lineReference: z.string().optional(),
      }),
    )
    .min(1),
  shippingAddress: z
    .object({
      full_name: z.string(),
      line_1: z.string(),
      line_2: nullableString,
      city: z.string(),
      state: nullableString,
      postal_code: z.string(),
      country: z.string(),
      phone: nullableString,
      email: nullableString,
    })
    .partial()
    .optional(),
  currencyCode: z.string().optional(),
  testFlag: z.boolean().optional(),
  deliveryServiceCode: nullableString.optional(),
  comment: nullableString.optional(),
}) satisfies z.ZodType<SeedOrder>;

const scope = { count: z.number().int().min(1).optional(), path: z.string().optional(), method: z.string().optional() };
const FaultSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("status"), status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]), ...scope }),
  z.object({ kind: z.literal("rate-limit"), retryAfterSeconds: z.number().int().min(0), header: z.boolean().optional(), ...scope }),
  z.object({ kind: z.literal("slow"), delayMs: z.number().min(0), ...scope }),
  z.object({ kind: z.literal("hang"), ...scope }),
  z.object({ kind: z.literal("malformed-json"), ...scope }),
  z.object({ kind: z.literal("expire-tokens") }),
]) satisfies z.ZodType<FaultSpec>;

const orderId = z.object({ orderId: z.string() });

type Endpoint = { schema: z.ZodType; run: (c: FullVirtualstockControl, args: never) => unknown };

function endpoint<S extends z.ZodType>(schema: S, run: (c: FullVirtualstockControl, args: z.output<S>) => unknown): Endpoint {
  return { schema, run: run as Endpoint["run"] };
}

const empty = z.object({}).optional();

export const CONTROL_ENDPOINTS = {
  "reset": endpoint(empty, (c) => c.reset()),
  "seed-products": endpoint(z.object({ products: z.array(SeedProductSchema) }), (c, a) => c.seedProducts(a.products)),
  "seed-order": endpoint(z.object({ order: SeedOrderSchema }), (c, a) => c.seedOrder(a.order)),
  "request-cancellation": endpoint(
    orderId.extend({
      lines: z.array(
        z.object({ lineReference: z.string(), quantity: z.number().int().optional(), reasonCode: z.number().int().optional() }),
      ),
    }),
    (c, a) => c.requestCancellation(a.orderId, a.lines),
  ),
  "request-return": endpoint(
    orderId.extend({ lines: z.array(z.object({ lineReference: z.string(), quantity: z.number().int().optional() })) }),
    (c, a) => c.requestReturn(a.orderId, a.lines),
  ),
  "rename-part-number": endpoint(z.object({ oldPartNumber: z.string(), newPartNumber: z.string() }), (c, a) =>
    c.renamePartNumber(a.oldPartNumber, a.newPartNumber),
  ),
  "set-partial-cancellation-allowed": endpoint(z.object({ allowed: z.boolean() }), (c, a) =>
    c.setPartialCancellationAllowed(a.allowed),
  ),
  "set-rate-limit": endpoint(z.object({ perMinute: z.number().int().min(0) }), (c, a) => c.setRateLimit(a.perMinute)),
  "set-latency": endpoint(z.object({ ms: z.number().min(0) }), (c, a) => c.setLatency(a.ms)),
  "inject-fault": endpoint(z.object({ fault: FaultSchema }), (c, a) => c.injectFault(a.fault)),
  "clear-faults": endpoint(empty, (c) => c.clearFaults()),
  "get-product": endpoint(z.object({ partNumber: z.string() }), (c, a) => c.getProduct(a.partNumber)),
  "get-order": endpoint(orderId, (c, a) => c.getOrder(a.orderId)),
  "line-statuses": endpoint(orderId, (c, a) => c.lineStatuses(a.orderId)),
  "actions-for": endpoint(orderId, (c, a) => c.actionsFor(a.orderId)),
  "requests": endpoint(empty, (c) => c.requests()),
  "status-counts": endpoint(empty, (c) => c.statusCounts()),
  "seed-remittance": endpoint(
    z.object({ orderIds: z.array(z.string()), paymentReference: z.string().optional(), paidOn: z.string().optional() }),
    (c, a) => c.seedRemittance(a),
  ),
  "set-invoice-status": endpoint(
    z.object({ invoiceNumber: z.string(), status: z.enum(["APPROVED", "REJECTED"]) }),
    (c, a) => c.setInvoiceStatus(a.invoiceNumber, a.status),
  ),
} as const;

export type ControlEndpointName = keyof typeof CONTROL_ENDPOINTS;

/** Runs one /__control request; `subpath` is what follows "/__control" ("/seed-order"). */
export function handleControlRequest(
  control: FullVirtualstockControl,
  method: string,
  subpath: string,
  body: unknown,
): { status: number; body: unknown } {
  const name = subpath.replace(/^\/+|\/+$/g, "");
  if (!Object.hasOwn(CONTROL_ENDPOINTS, name)) return { status: 404, body: { error: `unknown control endpoint "${name}"` } };
  if (method !== "POST") return { status: 405, body: { error: "control endpoints take POST" } };
  const ep: Endpoint = CONTROL_ENDPOINTS[name as ControlEndpointName];
  const parsed = ep.schema.safeParse(body);
  if (!parsed.success) return { status: 400, body: { error: z.prettifyError(parsed.error) } };
  try {
    const result = ep.run(control, parsed.data as never);
    return { status: 200, body: { result: result === undefined ? null : result } };
  } catch (e) {
    return { status: 409, body: { error: e instanceof Error ? e.message : String(e) } };
  }
}
