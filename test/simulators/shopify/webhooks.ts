/**
 * Webhook deliveries as Shopify makes them: a POST of the REST-shaped JSON body with the
 * X-Shopify-* headers and a base64 HMAC-SHA256 of the raw body keyed with the app's secret.
 * Faults (duplicate, delay, drop, reorder) reproduce what the platform documents: at-least-once,
 * unordered, occasionally missing deliveries.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { WebhookDelivery, WebhookFault, WebhookTopic } from "./control";
import { ADMIN_API_VERSION } from "./schema";

export const ALL_TOPICS: WebhookTopic[] = [
  "inventory_levels/update",
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "fulfillments/create",
  "fulfillments/update",
  "refunds/create",
  "app/uninstalled",
];

export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

interface Pending {
  topic: WebhookTopic;
  shop: string;
  body: string;
  payload: unknown;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
}

type ActiveFault = WebhookFault & { remaining: number; held: Pending[] };

export interface WebhookDispatcherOptions {
  webhookUrl?: string;
  apiSecret: string;
  path: (topic: WebhookTopic) => string;
  topics: WebhookTopic[];
  now: () => number;
}

export class WebhookDispatcher {
  private faults: ActiveFault[] = [];
  private log: WebhookDelivery[] = [];
  private inFlight = new Set<Promise<void>>();
  private paused: Pending[] = [];
  private enabled = true;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  reset(): void {
    this.faults = [];
    this.log = [];
    this.paused = [];
    this.enabled = true;
  }

  injectFault(fault: WebhookFault): void {
    this.faults.push({ ...fault, remaining: fault.count ?? 1, held: [] });
  }

  clearFaults(): void {
    // Held "reorder" deliveries are released rather than lost: clearing a fault is not a drop.
    const held = this.faults.flatMap((f) => f.held);
    this.faults = [];
    for (const p of held) this.send(p);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) {
      const queued = this.paused;
      this.paused = [];
      for (const p of queued) this.route(p);
    }
  }

  deliveries(topic?: WebhookTopic): WebhookDelivery[] {
    return this.log.filter((d) => !topic || d.topic === topic);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** One event: builds the delivery and applies the faults that match it. */
  emit(shop: string, topic: WebhookTopic, payload: Record<string, unknown>): void {
    if (!this.options.webhookUrl || !this.options.topics.includes(topic)) return;
    const body = JSON.stringify(payload);
    const pending: Pending = {
      topic,
      shop,
      body,
      payload,
      webhookId: randomUUID(),
      eventId: randomUUID(),
      triggeredAt: new Date(this.options.now()).toISOString(),
    };
    if (!this.enabled) {
      this.paused.push(pending);
      return;
    }
    this.route(pending);
  }

  private take(kind: WebhookFault["kind"], topic: WebhookTopic): ActiveFault | undefined {
    const fault = this.faults.find((f) => f.kind === kind && f.remaining > 0 && (!f.topic || f.topic === topic));
    if (fault) fault.remaining -= 1;
    return fault;
  }

  private route(p: Pending): void {
    if (this.take("drop", p.topic)) {
      this.log.push({ topic: p.topic, shop: p.shop, webhookId: p.webhookId, eventId: p.eventId, url: this.urlFor(p.topic), status: null, error: "dropped by fault injection", body: p.payload, sentAt: this.options.now() });
      return;
    }
    const copies: Pending[] = [p];
    const dup = this.take("duplicate", p.topic);
    if (dup && dup.kind === "duplicate") {
      for (let i = 0; i < (dup.copies ?? 1); i++) {
        // A retried delivery keeps its webhook id; a second subscription would get a new one.
        copies.push({ ...p, webhookId: dup.newWebhookId ? randomUUID() : p.webhookId });
      }
    }
    for (const c of copies) this.schedule(c);
  }

  private schedule(p: Pending): void {
    const reorder = this.faults.find((f) => f.kind === "reorder" && f.remaining > 0 && (!f.topic || f.topic === p.topic));
    if (reorder) {
      reorder.remaining -= 1;
      reorder.held.push(p);
      if (reorder.remaining === 0) {
        const batch = reorder.held.reverse();
        reorder.held = [];
        this.faults = this.faults.filter((f) => f !== reorder);
        // Sent one after another so the receiver sees exactly the reversed order.
        this.track(batch.reduce<Promise<void>>((chain, item) => chain.then(() => this.deliver(item)), Promise.resolve()));
      }
      return;
    }
    const delay = this.take("delay", p.topic);
    if (delay && delay.kind === "delay") {
      this.track(new Promise<void>((resolve) => setTimeout(resolve, delay.ms)).then(() => this.deliver(p)));
      return;
    }
    this.send(p);
  }

  private send(p: Pending): void {
    this.track(this.deliver(p));
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private urlFor(topic: WebhookTopic): string {
    return `${this.options.webhookUrl}${this.options.path(topic)}`;
  }

  private async deliver(p: Pending): Promise<void> {
    const url = this.urlFor(p.topic);
    const entry: WebhookDelivery = { topic: p.topic, shop: p.shop, webhookId: p.webhookId, eventId: p.eventId, url, status: null, body: p.payload, sentAt: this.options.now() };
    this.log.push(entry);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": p.topic,
          "X-Shopify-Hmac-Sha256": signWebhook(p.body, this.options.apiSecret),
          "X-Shopify-Shop-Domain": p.shop,
          "X-Shopify-API-Version": ADMIN_API_VERSION,
          "X-Shopify-Webhook-Id": p.webhookId,
          "X-Shopify-Event-Id": p.eventId,
          "X-Shopify-Triggered-At": p.triggeredAt,
        },
        body: p.body,
        signal: AbortSignal.timeout(5000),
      });
      entry.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      entry.error = (e as Error).message;
    }
  }
}
