/**
 * Configuration for benchmark processes: obviously-fake app settings (the app's env parser runs on
 * import, so this module must be imported before any app module).
 */
const BENCH_ENV: Record<string, string> = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:3999",
  SCOPES: "read_products,read_inventory",
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  DEMO_MODE: "false",
};
for (const [name, value] of Object.entries(BENCH_ENV)) process.env[name] ??= value;

export {};
