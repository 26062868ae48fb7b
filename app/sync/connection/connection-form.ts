import { z } from "zod";
import type { Result } from "../../lib/result";
import { err, ok } from "../../lib/result";
import {
  connectionEnvironments,
  type ConnectionEnvironment,
  type MarketplaceOption,
} from "./marketplace-option";

/**
 * The "connect a marketplace" form: field names and validation, shared by the settings page (to
 * name its inputs and show errors) and its action (to parse what the browser posted).
 */
export const CREDENTIAL_PREFIX = "credentials.";
export const credentialFieldName = (key: string) => `${CREDENTIAL_PREFIX}${key}`;

export interface ConnectionFormInput {
  marketplaceId: string;
  environment: ConnectionEnvironment;
  /** An override of the catalogue's base URL (demo: the simulator), or undefined for the standard one. */
  baseUrlOverride: string | undefined;
  /** Every credential field, trimmed. An empty secret means "keep the one already stored". */
  credentials: Record<string, string>;
}

/** Error messages by form field name (`environment`, `baseUrl`, `credentials.password`, ...). */
export type FieldErrors = Record<string, string>;

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "Enter a full web address starting with https:// (or http:// for a local test server).")
  // A trailing slash would double up when the adapter appends /restapi/v4/...
  .transform((value) => value.replace(/\/+$/, ""));

function formSchema(option: MarketplaceOption) {
  const credentialShape: Record<string, z.ZodType<string>> = {};
  for (const field of option.credentialFields) {
    const base = z.string().trim().max(500, `${field.label} is too long.`);
    // Secrets may be left blank on edit (the stored one is kept); the use case checks that one exists.
    credentialShape[field.key] = field.secret ? base : base.min(1, `Enter the ${field.label.toLowerCase()}.`);
  }
  return z.object({
    marketplaceId: z.literal(option.id),
    environment: z.enum(
      connectionEnvironments.filter((environment) => option.baseUrls[environment] !== undefined),
      { error: environmentError(option) },
    ),
    baseUrl: z
      .string()
      .optional()
      .transform((value) => (value?.trim() ? value.trim() : undefined))
      .pipe(httpUrl.optional()),
    credentials: z.object(credentialShape),
  });
}

function environmentError(option: MarketplaceOption): string {
  const offered = connectionEnvironments.filter((environment) => option.baseUrls[environment]);
  return offered.length > 1
    ? `Choose ${offered.join(" or ")}.`
    : `${option.name} only has a ${offered[0] ?? "live"} environment.`;
}

/** Reads and validates a posted connection form. Field errors are keyed by input name. */
export function parseConnectionForm(
  form: FormData,
  options: readonly MarketplaceOption[],
): Result<ConnectionFormInput, FieldErrors> {
  const marketplaceId = String(form.get("marketplaceId") ?? "");
  const option = options.find((candidate) => candidate.id === marketplaceId);
  if (!option) return err({ marketplaceId: "Choose a marketplace." });

  const credentials: Record<string, string> = {};
  for (const field of option.credentialFields) {
    credentials[field.key] = String(form.get(credentialFieldName(field.key)) ?? "");
  }
  const parsed = formSchema(option).safeParse({
    marketplaceId,
    environment: form.get("environment") ?? undefined,
    baseUrl: form.get("baseUrl") ?? undefined,
    credentials,
  });
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const name = issue.path.map(String).join(".");
      fieldErrors[name] ??= issue.message;
    }
    return err(fieldErrors);
  }
  return ok({
    marketplaceId: parsed.data.marketplaceId,
    environment: parsed.data.environment,
    baseUrlOverride: parsed.data.baseUrl,
    credentials: parsed.data.credentials,
  });
}
