import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "../env.server";

/**
 * Secrets at rest (marketplace passwords and API keys) are AES-256-GCM encrypted with the app's
 * ENCRYPTION_KEY. The stored form is "v1:<iv>:<tag>:<ciphertext>", each part base64, so the key or
 * the algorithm can change later under a new version prefix.
 */
const VERSION = "v1";
const IV_BYTES = 12;

function key(): Buffer {
  return Buffer.from(env.ENCRYPTION_KEY, "base64");
}

export function encryptSecret(plain: string, encryptionKey: Buffer = key()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":");
}

/**
 * Decrypts what `encryptSecret` produced. Throws when the value was tampered with, was encrypted
 * with another key, or is not in the stored format: a stored secret that cannot be read is a bug or
 * a misconfiguration, not an expected outcome.
 */
export function decryptSecret(stored: string, encryptionKey: Buffer = key()): string {
  const parts = stored.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new Error("decryptSecret: not a v1 encrypted value");
  }
  const [, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, "base64"));
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
}
