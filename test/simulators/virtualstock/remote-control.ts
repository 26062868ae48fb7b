import { z } from "zod";
import type { VirtualstockControl } from "./control";
import type { ControlEndpointName } from "./control-http";
import type { VirtualstockControlExtras } from "./server";

/** The control interface with every method answering through a Promise. */
export type AsyncVirtualstockControl = {
  [K in keyof (VirtualstockControl & VirtualstockControlExtras)]: (VirtualstockControl &
    VirtualstockControlExtras)[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<R>
    : never;
};

const Answer = z.union([z.object({ result: z.unknown() }), z.object({ error: z.string() })]);

/**
 * A client of a simulator's /__control/* endpoints, for a simulator in another process.
 * `baseUrl` is the simulator's URL (http://127.0.0.1:PORT).
 */
export function connectVirtualstockControl(baseUrl: string): AsyncVirtualstockControl {
  const root = baseUrl.replace(/\/+$/, "");
  async function call<T>(name: ControlEndpointName, args: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${root}/__control/${name}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(args),
    });
    const answer = Answer.parse(await res.json());
    if ("error" in answer) throw new Error(`virtualstock control ${name}: ${answer.error}`);
    // The payload comes from our own simulator, whose handler returns exactly the method's result.
    return answer.result as T;
  }
  return {
    reset: () => call("reset"),
    seedProducts: (products) => call("seed-products", { products }),
    seedOrder: (order) => call("seed-order", { order }),
    requestCancellation: (orderId, lines) => call("request-cancellation", { orderId, lines }),
    requestReturn: (orderId, lines) => call("request-return", { orderId, lines }),
    renamePartNumber: (oldPartNumber, newPartNumber) => call("rename-part-number", { oldPartNumber, newPartNumber }),
    setPartialCancellationAllowed: (allowed) => call("set-partial-cancellation-allowed", { allowed }),
    setRateLimit: (perMinute) => call("set-rate-limit", { perMinute }),
    setLatency: (ms) => call("set-latency", { ms }),
    injectFault: (fault) => call("inject-fault", { fault }),
    clearFaults: () => call("clear-faults"),
    getProduct: (partNumber) => call("get-product", { partNumber }),
    getOrder: (orderId) => call("get-order", { orderId }),
    lineStatuses: (orderId) => call("line-statuses", { orderId }),
    actionsFor: (orderId) => call("actions-for", { orderId }),
    requests: () => call("requests"),
    statusCounts: () => call("status-counts"),
    seedRemittance: (input) => call("seed-remittance", input),
    setInvoiceStatus: (invoiceNumber, status) => call("set-invoice-status", { invoiceNumber, status }),
  };
}
