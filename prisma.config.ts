// Prisma CLI configuration: migrations run through the JavaScript schema engine over the pg driver
// adapter, so no native schema engine is needed (docs/decisions/006-database-and-prisma-without-engines.md).
// This file is loaded by the Prisma CLI process only; the app builds its client in app/db.server.ts.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

/**
 * Catalog types that the pg adapter does not know, mapped to types it does. Their values arrive as
 * strings in the text protocol, so presenting them as text (or text[]) is lossless.
 */
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const PRESENT_AS: Record<number, number> = {
  18: TEXT_OID, // "char" (pg_class.relkind, pg_constraint.contype)
  19: TEXT_OID, // name (pg_namespace.nspname, pg_class.relname)
  22: TEXT_OID, // int2vector (pg_index.indkey)
  24: TEXT_OID, // regproc
  30: TEXT_OID, // oidvector
  194: TEXT_OID, // pg_node_tree
  2205: TEXT_OID, // regclass
  2206: TEXT_OID, // regtype
  1003: TEXT_ARRAY_OID, // name[]
};

type FieldDescription = { dataTypeID: number };
type ResultPrototype = { addFields(fields: FieldDescription[]): void };

/**
 * The JS schema engine introspects catalog tables whose columns have types such as `name`, which the
 * pg adapter refuses ("Column type 'name' could not be deserialized"). This patches pg in the
 * Prisma CLI process only (this file is never imported by the app).
 */
const resultPrototype = pg.Result.prototype as unknown as ResultPrototype;
const addFields = resultPrototype.addFields;
resultPrototype.addFields = function (this: ResultPrototype, fields: FieldDescription[]) {
  for (const field of fields) field.dataTypeID = PRESENT_AS[field.dataTypeID] ?? field.dataTypeID;
  addFields.call(this, fields);
};

/**
 * The JS schema engine arms a 10 s timer (a lock timeout) that it never clears, so `migrate deploy`
 * finished its work in about a second and then kept the process alive for ten more. Long timers in
 * the CLI process are unreferenced: they still fire while the CLI is busy, but no longer hold it open.
 */
const setTimer = globalThis.setTimeout;
globalThis.setTimeout = ((handler: () => void, ms?: number, ...args: unknown[]) => {
  const timer = setTimer(handler, ms, ...args);
  if ((ms ?? 0) >= 5_000) (timer as unknown as NodeJS.Timeout).unref();
  return timer;
}) as typeof globalThis.setTimeout;

/**
 * Pool settings as separate fields rather than a connection string: the adapter derives the shadow
 * database's pool (used by `migrate diff --from-migrations`) by spreading these and replacing
 * `database`, which a connection string would override. `allowExitOnIdle` lets the CLI exit as soon
 * as it is done instead of waiting for idle connections to time out.
 */
function poolConfig(connectionString: string): pg.PoolConfig {
  const url = new URL(connectionString);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    max: 2,
    allowExitOnIdle: true,
    idleTimeoutMillis: 200,
  };
}

/**
 * The adapter's own shadow database (for `migrate diff --from-migrations`) is dropped while its pool
 * still holds a connection, which PostgreSQL refuses. This one closes the pool first.
 */
class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly poolConfig: pg.PoolConfig) {
    super(poolConfig);
  }

  override async connectToShadowDb() {
    const database = `prisma_shadow_${crypto.randomUUID().replace(/-/g, "")}`;
    await this.admin(`create database "${database}"`);
    const adapter = await new PrismaPg({ ...this.poolConfig, database }).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.admin(`drop database if exists "${database}" with (force)`);
    };
    return adapter;
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client(this.poolConfig);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) {
      throw new Error("DATABASE_URL is not set: run Prisma through `npm run db:migrate` or scripts/with-database.ts");
    }
    return new MigrationAdapterFactory(poolConfig(url));
  },
});
