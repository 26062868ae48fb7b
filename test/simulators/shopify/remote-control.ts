/**
 * The control surface of a Shopify simulator running in another process (`npm run sim:shopify`),
 * over its HTTP twin: POST /__control/<method> with the arguments as a JSON array.
 */
import { z } from "zod";
import type { ShopifyControl } from "./control";

/** Every control method, returning a promise of what the in-process method returns. */
export type RemoteShopifyControl = {
  [K in keyof ShopifyControl]: (...args: Parameters<ShopifyControl[K]>) => Promise<Awaited<ReturnType<ShopifyControl[K]>>>;
};

const Reply = z.union([z.object({ result: z.unknown() }), z.object({ error: z.string() })]);

const METHODS: (keyof ShopifyControl)[] = [
  "reset",
  "seedShop",
  "issueToken",
  "uninstallApp",
  "setAvailable",
  "sellOnShopify",
  "fulfill",
  "updateTracking",
  "cancelOrder",
  "levels",
  "available",
  "orders",
  "order",
  "fulfillments",
  "refunds",
  "setThrottle",
  "throttleStatus",
  "injectWebhookFault",
  "clearWebhookFaults",
  "setWebhooksEnabled",
  "webhookDeliveries",
  "webhooksIdle",
  "requests",
];

export function remoteShopifyControl(baseUrl: string, fetchImpl: typeof fetch = fetch): RemoteShopifyControl {
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    const res = await fetchImpl(`${baseUrl.replace(/\/$/, "")}/__control/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(args),
    });
    const reply = Reply.parse(await res.json());
    if ("error" in reply) throw new Error(`Shopify simulator ${method}: ${reply.error}`);
    return reply.result;
  };
  // The simulator's own return values are trusted: it is our code on the other end of a loopback socket.
  return Object.fromEntries(METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as RemoteShopifyControl;
}
