import { afterEach, describe, expect, it } from "vitest";
import { demoModeAllowed, InvalidEnvironmentError, parseEnv } from "./env.server";

const valid = {
  NODE_ENV: "development",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "http://localhost:3000",
  SCOPES: "read_products",
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
};

describe("parseEnv", () => {
  it("parses a complete environment and fills the defaults", () => {
    const env = parseEnv(valid);
    expect(env).toMatchObject({
      NODE_ENV: "development",
      DEMO_MODE: false,
      DEMO_SHOP: "demo-shop.myshopify.com",
      PORT: 3000,
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("reads DEMO_MODE as a boolean and PORT as a number", () => {
    const env = parseEnv({ ...valid, DEMO_MODE: "true", PORT: "4010" });
    expect(env.DEMO_MODE).toBe(true);
    expect(env.PORT).toBe(4010);
  });

  it("refuses DEMO_MODE=true with NODE_ENV=production", () => {
    expect(() => parseEnv({ ...valid, NODE_ENV: "production", DEMO_MODE: "true" })).toThrow(
      /DEMO_MODE: must not be true when NODE_ENV=production/,
    );
    expect(parseEnv({ ...valid, NODE_ENV: "production", DEMO_MODE: "false" }).NODE_ENV).toBe("production");
  });

  it("lists every problem at once, by variable name", () => {
    let caught: unknown;
    try {
      parseEnv({ NODE_ENV: "staging", ENCRYPTION_KEY: "c2hvcnQ=" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEnvironmentError);
    const problems = (caught as InvalidEnvironmentError).problems.join("\n");
    for (const name of ["NODE_ENV", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES", "ENCRYPTION_KEY"]) {
      expect(problems).toContain(`${name}:`);
    }
    expect((caught as Error).message).toContain(".env.example");
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => parseEnv({ ...valid, ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/ENCRYPTION_KEY/);
  });
});

describe("demoModeAllowed", () => {
  const original = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = original;
  });

  it("allows the demo outside production only", () => {
    expect(demoModeAllowed({ DEMO_MODE: true, NODE_ENV: "development" })).toBe(true);
    expect(demoModeAllowed({ DEMO_MODE: false, NODE_ENV: "development" })).toBe(false);
    expect(demoModeAllowed({ DEMO_MODE: true, NODE_ENV: "production" })).toBe(false);
  });

  it("re-checks the live NODE_ENV, so a forced config cannot enable the demo in production", () => {
    process.env.NODE_ENV = "production";
    expect(demoModeAllowed({ DEMO_MODE: true, NODE_ENV: "development" })).toBe(false);
  });
});
