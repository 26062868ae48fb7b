import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { shopDomain } from "../../lib/ids";
import type { AuditEntry, ConnectionStore, StoredConnection } from "./connection-store";

type Row = Prisma.MarketplaceConnectionGetPayload<object>;

// Columns typed loosely in the schema (String, Json) are parsed on the way out.
const PublicCredentials = z.record(z.string(), z.string());
const Environment = z.enum(["sandbox", "live"]);
const Status = z.enum(["connected", "failing"]);

function fromRow(row: Row): StoredConnection {
  return {
    shop: shopDomain(row.shop),
    marketplaceId: row.marketplaceId,
    environment: Environment.parse(row.environment),
    baseUrl: row.baseUrl,
    publicCredentials: PublicCredentials.parse(row.publicCredentials),
    secretCredentials: row.secretCredentials,
    status: Status.parse(row.status),
    lastCheckedAt: row.lastCheckedAt,
    lastError: row.lastError,
    accountName: row.accountName,
  };
}

function auditData(shop: string, entry: AuditEntry): Prisma.AuditLogCreateManyInput {
  return {
    shop,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: (entry.before ?? undefined) as Prisma.InputJsonValue | undefined,
    after: (entry.after ?? undefined) as Prisma.InputJsonValue | undefined,
    at: entry.at,
  };
}

/** Connections in PostgreSQL, every query scoped by shop. */
export function prismaConnectionStore(prisma: PrismaClient): ConnectionStore {
  return {
    async find(shop, marketplaceId) {
      const row = await prisma.marketplaceConnection.findUnique({
        where: { shop_marketplaceId: { shop, marketplaceId } },
      });
      return row ? fromRow(row) : null;
    },
    async list(shop) {
      const rows = await prisma.marketplaceConnection.findMany({
        where: { shop },
        orderBy: { createdAt: "asc" },
      });
      return rows.map(fromRow);
    },
    async save(connection, audit) {
      const data = {
        environment: connection.environment,
        baseUrl: connection.baseUrl,
        publicCredentials: connection.publicCredentials,
        secretCredentials: connection.secretCredentials,
        status: connection.status,
        lastCheckedAt: connection.lastCheckedAt,
        lastError: connection.lastError,
        accountName: connection.accountName,
      };
      await prisma.$transaction([
        prisma.marketplaceConnection.upsert({
          where: {
            shop_marketplaceId: { shop: connection.shop, marketplaceId: connection.marketplaceId },
          },
          create: { shop: connection.shop, marketplaceId: connection.marketplaceId, ...data },
          update: data,
        }),
        prisma.auditLog.create({ data: auditData(connection.shop, audit) }),
      ]);
    },
    async recordCheck(shop, marketplaceId, check) {
      await prisma.marketplaceConnection.updateMany({ where: { shop, marketplaceId }, data: check });
    },
    async remove(shop, marketplaceId, audit) {
      const [deleted] = await prisma.$transaction([
        prisma.marketplaceConnection.deleteMany({ where: { shop, marketplaceId } }),
        prisma.auditLog.create({ data: auditData(shop, audit) }),
      ]);
      return deleted.count > 0;
    },
  };
}
