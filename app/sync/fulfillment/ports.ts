import type { PrismaClient } from "@prisma/client";
import type { Result } from "../../lib/result";
import type { MarketplaceGateway } from "../../marketplace/marketplace-gateway";
import type { OrderLinks } from "./order-link";
import type { ShopifyOrders } from "./shopify-orders";

/** Why a shop's ports could not be had (no connection, no Shopify token). */
export type PortError = { kind: "not-connected" | "shopify"; retryable: boolean; message: string };

/** The jobs of the dispatch and cancellation flows, as registered in app/jobs/tasks/fulfillment.ts. */
export type FlowJob =
  | { task: "fulfillment.dispatch"; payload: { shop: string; dispatchId: string } }
  | { task: "cancellations.process"; payload: { shop: string; cancellationId: string } }
  | { task: "cancellations.poll"; payload: { shop: string } };

/** Adds a job, inside the caller's transaction when `tx` is given (so the job exists exactly when the row does). */
export type EnqueueFlowJob = (tx: Tx | undefined, job: FlowJob) => Promise<void>;

/** A Prisma interactive transaction client. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * Everything the dispatch and cancellation use cases need, as one object (conventions rule 3):
 * wired once by the worker or the route, replaced by fakes and simulators in tests.
 */
export interface FlowDeps {
  db: PrismaClient;
  now: () => Date;
  links: OrderLinks;
  marketplace(shop: string): Promise<Result<MarketplaceGateway, PortError>>;
  shopify(shop: string): Promise<Result<ShopifyOrders, PortError>>;
  enqueue: EnqueueFlowJob;
}
