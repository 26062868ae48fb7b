import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { databaseUrl, env } from "./env.server";

/**
 * The app's Prisma client: the JS query compiler over the pg driver adapter, no native engine
 * (docs/decisions/006-database-and-prisma-without-engines.md).
 *
 * Created on first use, so importing this module never needs DATABASE_URL yet: launchers and tests
 * start a database and set DATABASE_URL after some module graph has already imported this one. In
 * development the client lives on globalThis so Vite's module reloads do not open a new pool each
 * time.
 */
declare global {
  // A global declaration can only be written with `var`.
  // eslint-disable-next-line no-var
  var __jlPrisma: PrismaClient | undefined;
}

let client: PrismaClient | undefined;

function getClient(): PrismaClient {
  if (client) return client;
  if (env.NODE_ENV === "development" && globalThis.__jlPrisma) return (client = globalThis.__jlPrisma);
  client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl() }) });
  if (env.NODE_ENV === "development") globalThis.__jlPrisma = client;
  return client;
}

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const real = getClient();
    const value: unknown = Reflect.get(real, property, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

export default prisma;
