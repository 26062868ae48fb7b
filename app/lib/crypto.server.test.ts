import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./crypto.server";

describe("encryptSecret / decryptSecret", () => {
  it("round-trips text, including non-ASCII, and never stores the plain text", () => {
    const secret = "pa55:wörd/with:colons";
    const stored = encryptSecret(secret);
    expect(stored.startsWith("v1:")).toBe(true);
    expect(stored).not.toContain(secret);
    expect(decryptSecret(stored)).toBe(secret);
  });

  it("uses a fresh IV each time, so equal secrets do not look equal at rest", () => {
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("refuses a tampered ciphertext", () => {
    const [v, iv, tag, body] = encryptSecret("api-key-123").split(":");
    const flipped = Buffer.from(body, "base64");
    flipped[0] ^= 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64")].join(":"))).toThrow();
  });

  it("refuses a value encrypted with another key", () => {
    const stored = encryptSecret("api-key-123", randomBytes(32));
    expect(() => decryptSecret(stored)).toThrow();
  });

  it("refuses values that are not in the stored format", () => {
    expect(() => decryptSecret("plain text")).toThrow(/not a v1/);
  });
});
