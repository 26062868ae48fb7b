import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv as parseDotenv } from "node:util";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    /** Absent: the launchers start the embedded PostgreSQL and set it before the app loads. */
    DATABASE_URL: z.url().optional(),
    SHOPIFY_API_KEY: z.string().min(1),
    SHOPIFY_API_SECRET: z.string().min(1),
    SHOPIFY_APP_URL: z.url(),
    /** Comma-separated access scopes, as in shopify.app.toml. */
    SCOPES: z.string().min(1),
    /** 32 random bytes, base64: the AES-256-GCM key for marketplace credentials. */
    ENCRYPTION_KEY: z.string().refine((value) => Buffer.from(value, "base64").length === 32, {
      message: "must be 32 random bytes, base64-encoded (node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\")",
    }),
    /** Runs the app against the simulators with a signed-in demo shop. Never in production. */
    DEMO_MODE: booleanFlag,
    /** Demo: base URL of the Shopify Admin API simulator. */
    SHOPIFY_ADMIN_API_URL: z.url().optional(),
    /** Demo: the access token the simulator accepts for the demo shop. */
    DEMO_SHOPIFY_ACCESS_TOKEN: z.string().min(1).default("shpat_demo"),
    DEMO_SHOP: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a myshopify.com domain")
      .default("demo-shop.myshopify.com"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  })
  .superRefine((value, ctx) => {
    if (value.DEMO_MODE && value.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["DEMO_MODE"],
        message: "must not be true when NODE_ENV=production: demo mode signs anyone in as the demo shop",
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** Thrown (once, at startup) when the environment is incomplete or inconsistent. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment (see .env.example):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InvalidEnvironmentError";
  }
}

/** Parses an environment; exported for tests. Throws InvalidEnvironmentError listing every problem. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (result.success) return result.data;
  throw new InvalidEnvironmentError(
    result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
  );
}

/**
 * Values from `.env` fill in what the process environment does not set (the environment wins), so
 * scripts run with `tsx` see the same configuration as `shopify app dev`. Tests never read `.env`.
 */
function withDotenv(source: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const file = join(process.cwd(), ".env");
  if (source.NODE_ENV === "test" || !existsSync(file)) return { ...source };
  return { ...parseDotenv(readFileSync(file, "utf8")), ...source };
}

/** The app's configuration, parsed once. Nothing else reads `process.env`. */
export const env: Env = parseEnv(withDotenv(process.env));

/**
 * The database to connect to, read when the first connection is made rather than when this module
 * loads: launchers (scripts/with-database.ts, the demo, tests) may start the embedded PostgreSQL and
 * set DATABASE_URL after something imported `env`.
 */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL ?? env.DATABASE_URL;
  if (!url) {
    throw new InvalidEnvironmentError([
      "DATABASE_URL: not set. Start the app through `npm run demo`, `npm run worker` or `tsx scripts/with-database.ts <command>`, which start the embedded PostgreSQL, or set it to your own server.",
    ]);
  }
  return url;
}

/**
 * Demo mode is refused at parse time in production; this re-checks the live process environment at
 * the moment of use, so a value forced into `env` after startup cannot enable the demo sign-in.
 */
export function demoModeAllowed(config: Pick<Env, "DEMO_MODE" | "NODE_ENV">): boolean {
  return config.DEMO_MODE && config.NODE_ENV !== "production" && process.env.NODE_ENV !== "production";
}
