import type { PrismaClient } from "@prisma/client";

/**
 * A place where the app keeps personal data of a shop's customers, keyed by Shopify order. Flows
 * that store such data (the order flow: names, addresses, phone numbers from marketplace orders)
 * add a source here so the privacy webhooks cover it.
 */
export type CustomerDataSource = {
  name: string;
  /** The personal data held for these orders (Shopify order gids), as plain JSON. */
  collect(db: PrismaClient, shop: string, orderGids: string[]): Promise<unknown[]>;
  /** Erases that data (blank it or delete the rows); returns how many records changed. */
  redact(db: PrismaClient, shop: string, orderGids: string[]): Promise<number>;
};

export const customerDataSources: CustomerDataSource[] = [];
