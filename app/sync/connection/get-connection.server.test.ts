import { describe, expect, it } from "vitest";
import { shopDomain } from "../../lib/ids";
import type { StoredConnection } from "./connection-store";
import { toConnectionView } from "./get-connection.server";
import type { MarketplaceOption } from "./marketplace-option";

const option: MarketplaceOption = {
  id: "john-lewis",
  name: "John Lewis",
  platformName: "Virtualstock",
  baseUrls: { sandbox: "https://sandbox.example.test", live: "https://live.example.test" },
  credentialFields: [
    { key: "username", label: "Username", secret: false },
    { key: "password", label: "Password", secret: true },
  ],
};
const stored: StoredConnection = {
  shop: shopDomain("shop-1.myshopify.com"),
  marketplaceId: "john-lewis",
  environment: "sandbox",
  baseUrl: "https://sandbox.example.test",
  publicCredentials: { username: "acme" },
  secretCredentials: "v1:iv:tag:ciphertext",
  status: "connected",
  lastCheckedAt: new Date("2026-11-23T10:00:00Z"),
  lastError: null,
  accountName: "Acme",
};

describe("toConnectionView", () => {
  it("sends public fields and 'is set' flags, never the (encrypted) secrets", () => {
    const view = toConnectionView(stored, [option]);
    expect(view).toMatchObject({
      marketplaceName: "John Lewis",
      publicCredentials: { username: "acme" },
      secretsSet: { password: true },
      baseUrlIsCustom: false,
      lastCheckedAt: "2026-11-23T10:00:00.000Z",
    });
    expect(JSON.stringify(view)).not.toContain("ciphertext");
  });

  it("flags a base URL that is not the environment's standard one", () => {
    expect(toConnectionView({ ...stored, baseUrl: "http://127.0.0.1:4010" }, [option]).baseUrlIsCustom).toBe(true);
    expect(toConnectionView({ ...stored, environment: "live" }, [option]).baseUrlIsCustom).toBe(true);
  });
});
