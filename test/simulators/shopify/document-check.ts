/**
 * Finds the app's GraphQL documents and checks them against the real Admin schema, plus the one rule
 * the schema cannot express: mutations that need `@idempotent(key:)` from 2026-04 must carry it.
 * Used by test/contract/graphql-documents.test.ts.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Kind, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { mutationsRequiringIdempotency } from "./schema";

export interface FoundDocument {
  file: string;
  /** 1-based line of the document's first character in the file. */
  line: number;
  source: string;
}

const TS_FILE = /\.(ts|tsx|js|jsx|mjs)$/;
// `#graphql` template literals (Shopify's convention) and gql/graphql-tagged ones.
const HASH_GRAPHQL = /`(\s*#graphql\b[\s\S]*?)`/g;
const TAGGED = /\b(?:gql|graphql)\s*`([\s\S]*?)`/g;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
}

const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Every document in source files (template literals) and `.graphql` files under `root`. */
export function findDocuments(root: string, base = root): FoundDocument[] {
  const files: string[] = [];
  walk(root, files);
  const found: FoundDocument[] = [];
  for (const path of files.sort()) {
    const file = relative(base, path);
    if (path.endsWith(".graphql") || path.endsWith(".gql")) {
      found.push({ file, line: 1, source: readFileSync(path, "utf8") });
      continue;
    }
    if (!TS_FILE.test(path) || /\.test\.|\.spec\./.test(path)) continue;
    found.push(...documentsInSource(readFileSync(path, "utf8"), file));
  }
  return found;
}

export function documentsInSource(text: string, file: string): FoundDocument[] {
  const found: FoundDocument[] = [];
  const seen = new Set<number>();
  for (const re of [HASH_GRAPHQL, TAGGED]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index + m[0].indexOf(m[1]);
      if (seen.has(start)) continue;
      seen.add(start);
      found.push({ file, line: lineAt(text, start), source: m[1] });
    }
  }
  return found;
}

/** Problems with one document, as "file:line message" strings (empty when it is valid). */
export function checkDocument(doc: FoundDocument, schema: GraphQLSchema): string[] {
  const where = (line = 0) => `${doc.file}:${doc.line + line}`;
  if (doc.source.includes("${")) {
    return [`${where()} interpolates \${...}: documents must be static so they can be validated (use variables or fragments)`];
  }
  let document: DocumentNode;
  try {
    document = parse(doc.source);
  } catch (e) {
    return [`${where()} does not parse: ${(e as Error).message}`];
  }
  const problems = validate(schema, document).map((e) => `${where((e.locations?.[0]?.line ?? 1) - 1)} ${e.message}`);
  const required = mutationsRequiringIdempotency(schema);
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION || def.operation !== "mutation") continue;
    for (const sel of def.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD || !required.has(sel.name.value)) continue;
      if (!sel.directives?.some((d) => d.name.value === "idempotent")) {
        problems.push(`${where((sel.loc?.startToken.line ?? 1) - 1)} ${sel.name.value} needs @idempotent(key: ...) from API 2026-04 (Shopify rejects it at runtime otherwise)`);
      }
    }
  }
  return problems;
}
