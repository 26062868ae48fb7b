import { Prisma, type PrismaClient } from "@prisma/client";
import { removeShopJobs } from "../../jobs/queue.server";
import type { TaskContext, TaskOutcome } from "../../jobs/task";
import type { RecordedDelivery } from "../webhooks/webhook-handlers.server";

type Deletable = { deleteMany(args: { where: { shop: string } }): Promise<{ count: number }> };

/**
 * Every model with a `shop` field, children before parents: a model that holds a foreign key is
 * deleted before the model it points to. Read from the generated client, so models that flows add
 * later are covered without touching this file. (A model without `shop` must cascade from one
 * that has it.)
 */
export function shopScopedModels(): string[] {
  const models = Prisma.dmmf.datamodel.models.filter((model) => model.fields.some((f) => f.name === "shop"));
  const names = new Set(models.map((m) => m.name));
  const parentsOf = new Map(
    models.map((m) => [
      m.name,
      m.fields.filter((f) => f.relationFromFields?.length && names.has(f.type)).map((f) => f.type),
    ]),
  );
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    // Children first: every model pointing at `name` goes before it.
    for (const [child, parents] of parentsOf) if (parents.includes(name)) visit(child, path);
    path.delete(name);
    ordered.push(name);
  };
  for (const model of models) visit(model.name, new Set());
  return ordered;
}

/**
 * shop/redact (sent 48 hours after uninstall): deletes every row the app holds for the shop, in every
 * model, and its waiting jobs, in one transaction.
 */
export async function redactShop(db: PrismaClient, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const deleted: Record<string, number> = {};
    for (const model of shopScopedModels()) {
      const delegate = (tx as unknown as Record<string, Deletable>)[model.charAt(0).toLowerCase() + model.slice(1)];
      deleted[model] = (await delegate.deleteMany({ where: { shop } })).count;
    }
    deleted.jobs = await removeShopJobs(tx, shop);
    return deleted;
  });
}

export async function handleShopRedact(delivery: RecordedDelivery, { db }: TaskContext): Promise<TaskOutcome> {
  await redactShop(db, delivery.shop);
}
