import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { inject } from "vitest";

export type TestDatabase = {
  url: string;
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
};

let sequence = 0;

/**
 * A fresh database for one test file (or one test), copied from the run's migrated template: fast
 * (a file copy, no migrations) and isolated from other workers. Also points DATABASE_URL at it, so
 * code that uses the app's `prisma` singleton (app/db.server.ts) talks to this database as long as
 * it first runs after this call.
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(); });
 *   afterAll(() => db.drop());
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("testAdminDatabaseUrl");
  const template = inject("testTemplateDatabase");
  const name = `test_${process.pid}_${Date.now().toString(36)}_${sequence++}`;
  await withAdmin(adminUrl, async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        // 55006: another worker is copying the template at this instant.
        if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  process.env.DATABASE_URL = databaseUrl;

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  return {
    url: databaseUrl,
    prisma,
    pool,
    drop: async () => {
      await prisma.$disconnect();
      await pool.end();
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
