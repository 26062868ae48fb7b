import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/** The Admin API version the simulator serves and the app targets. */
export const ADMIN_API_VERSION = "2026-04";

const SCHEMA_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "schema",
  `admin_${ADMIN_API_VERSION}.json.gz`,
);

let cached: GraphQLSchema | null = null;

/**
 * The real Admin API schema (introspection vendored as .gz). Building it takes about half a second,
 * so it is built once per process and shared by the simulator, the bulk runner and the contract test.
 */
export function loadAdminSchema(): GraphQLSchema {
  if (cached) return cached;
  const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as {
    data: IntrospectionQuery;
  };
  cached = buildClientSchema(json.data);
  return cached;
}

// Shopify documents the 2026-04 requirement in each mutation's description, not in the type system
// (the directive argument is optional at the schema level), so the list is read from that prose.
const REQUIRED_IDEMPOTENCY =
  /As of (?:version )?`?2026-04`?, the idempotency key is required and must be provided using the `@idempotent` directive/;

let requiredCache: ReadonlySet<string> | null = null;

/** Mutation field names that must carry `@idempotent(key:)` from 2026-04 (inventory*, refundCreate, ...). */
export function mutationsRequiringIdempotency(schema: GraphQLSchema = loadAdminSchema()): ReadonlySet<string> {
  if (requiredCache && schema === cached) return requiredCache;
  const names = new Set<string>();
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) {
    if (field.description && REQUIRED_IDEMPOTENCY.test(field.description)) names.add(field.name);
  }
  if (schema === cached) requiredCache = names;
  return names;
}
