import { describe, expect, it } from "vitest";
import { parseConnectionForm } from "./connection-form";
import type { MarketplaceOption } from "./marketplace-option";

const options: MarketplaceOption[] = [
  {
    id: "john-lewis",
    name: "John Lewis",
    platformName: "Virtualstock",
    baseUrls: { sandbox: "https://sandbox.example.test", live: "https://live.example.test" },
    credentialFields: [
      { key: "username", label: "Username", secret: false },
      { key: "password", label: "Password", secret: true },
    ],
  },
];

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const valid = {
  marketplaceId: "john-lewis",
  environment: "sandbox",
  baseUrl: "",
  "credentials.username": "  acme ",
  "credentials.password": "s3cret",
};

describe("parseConnectionForm", () => {
  it("reads a valid form, trimming fields and treating a blank URL as 'use the standard one'", () => {
    expect(parseConnectionForm(form(valid), options)).toEqual({
      ok: true,
      value: {
        marketplaceId: "john-lewis",
        environment: "sandbox",
        baseUrlOverride: undefined,
        credentials: { username: "acme", password: "s3cret" },
      },
    });
  });

  it("accepts an http(s) override and drops a trailing slash", () => {
    const result = parseConnectionForm(form({ ...valid, baseUrl: " http://127.0.0.1:4010/ " }), options);
    expect(result.ok && result.value.baseUrlOverride).toBe("http://127.0.0.1:4010");
  });

  it.each(["ftp://example.test", "not a url", "javascript:alert(1)", "http://"])(
    "rejects the URL %s with a field error",
    (baseUrl) => {
      const result = parseConnectionForm(form({ ...valid, baseUrl }), options);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.baseUrl).toMatch(/web address/);
    },
  );

  it("names every missing field at once", () => {
    const result = parseConnectionForm(
      form({ marketplaceId: "john-lewis", environment: "staging", "credentials.username": "" }),
      options,
    );
    expect(result).toEqual({
      ok: false,
      error: {
        environment: "Choose sandbox or live.",
        "credentials.username": "Enter the username.",
      },
    });
  });

  it("allows a blank password (the stored one is kept on edit)", () => {
    const result = parseConnectionForm(form({ ...valid, "credentials.password": "" }), options);
    expect(result.ok && result.value.credentials.password).toBe("");
  });

  it("refuses an unknown marketplace", () => {
    expect(parseConnectionForm(form({ ...valid, marketplaceId: "argos" }), options)).toEqual({
      ok: false,
      error: { marketplaceId: "Choose a marketplace." },
    });
  });
});
