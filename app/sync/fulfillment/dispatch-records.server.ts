import type { Dispatch, Prisma } from "@prisma/client";
import type { RecordedLine } from "./order-link";
import type { FlowDeps, Tx } from "./ports";

/** Statuses of parcels that count as shipped when a later parcel of the same order is mapped. */
export const LIVE_STATUSES = ["pending", "sent", "rejected", "blocked-unmapped-carrier", "blocked-missing-tracking"];

export const linesOf = (d: Pick<Dispatch, "lines">): RecordedLine[] => d.lines as unknown as RecordedLine[];
export const jsonLines = (lines: RecordedLine[]): Prisma.InputJsonValue => lines as unknown as Prisma.InputJsonValue;

/** Creates a merchant task once per natural key (a retried job never doubles it). */
export async function addMerchantTask(
  db: Tx | FlowDeps["db"],
  task: {
    shop: string;
    sourceKey: string;
    kind: string;
    marketplaceOrderId: string;
    marketplaceOrderRef: string | null;
    title: string;
    instructions: string;
  },
): Promise<void> {
  await db.merchantTask.createMany({ data: [task], skipDuplicates: true });
}
