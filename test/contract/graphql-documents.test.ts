import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkDocument, documentsInSource, findDocuments } from "../simulators/shopify/document-check";
import { loadAdminSchema, mutationsRequiringIdempotency } from "../simulators/shopify/schema";

/**
 * Every GraphQL document the app sends to Shopify is validated offline against the real 2026-04
 * Admin schema, so a typo or a field Shopify removed fails CI rather than a merchant's sync.
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const schema = loadAdminSchema();

describe("GraphQL documents in app/", () => {
  const documents = findDocuments(join(repo, "app"), repo);

  it("all validate against the Admin API 2026-04 schema and carry @idempotent where required", () => {
    const problems = documents.flatMap((d) => checkDocument(d, schema));
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

describe("the checker itself", () => {
  it("knows which mutations need @idempotent in 2026-04", () => {
    const required = mutationsRequiringIdempotency(schema);
    for (const name of ["inventorySetQuantities", "inventoryAdjustQuantities", "inventoryMoveQuantities", "inventorySetOnHandQuantities", "inventoryActivate", "refundCreate"]) {
      expect(required.has(name), name).toBe(true);
    }
    expect(required.has("orderCreate")).toBe(false);
  });

  it("finds #graphql and tagged documents in source text", () => {
    const text = [
      "const A = `#graphql",
      "  query A { shop { name } }`;",
      "const B = gql`query B { shop { id } }`;",
      "const notGraphql = `hello`;",
    ].join("\n");
    const docs = documentsInSource(text, "fixture.ts");
    expect(docs.map((d) => d.line)).toEqual([1, 3]);
  });

  it("reports a wrong field with file and line", () => {
    const [doc] = documentsInSource("\n\nconst Q = `#graphql\n  query Bad { shop { name nmae } }`;", "app/fixture.ts");
    const problems = checkDocument(doc, schema);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^app\/fixture\.ts:4 Cannot query field "nmae" on type "Shop"/);
  });

  it("reports a mutation that omits @idempotent", () => {
    const [doc] = documentsInSource(
      "const M = `#graphql\nmutation Adjust($input: InventoryAdjustQuantitiesInput!) {\n  inventoryAdjustQuantities(input: $input) { userErrors { message } }\n}`;",
      "app/fixture.ts",
    );
    expect(checkDocument(doc, schema)).toEqual([
      "app/fixture.ts:3 inventoryAdjustQuantities needs @idempotent(key: ...) from API 2026-04 (Shopify rejects it at runtime otherwise)",
    ]);
  });

  it("accepts the same mutation with the directive, and refuses interpolated documents", () => {
    const [good] = documentsInSource(
      "const M = `#graphql\nmutation Adjust($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {\n  inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) { userErrors { message } }\n}`;",
      "app/fixture.ts",
    );
    expect(checkDocument(good, schema)).toEqual([]);
    const interpolated = { file: "app/x.ts", line: 1, source: "#graphql\nquery { shop { ${field} } }" };
    expect(checkDocument(interpolated, schema)[0]).toMatch(/interpolates/);
  });
});
