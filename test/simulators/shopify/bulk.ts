/**
 * Bulk query operations: the query runs against the same resolvers with paging switched off, and the
 * result is flattened to JSONL the way Shopify documents it: one line per node of every connection,
 * nested connection nodes on their own line with `__parentId`, plain nested objects kept inline.
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 */
import {
  execute,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { fieldResolver, typeResolver, type Obj, type ResolverContext } from "./resolvers";

const isConnectionType = (t: GraphQLObjectType) => t.name.endsWith("Connection") && ("edges" in t.getFields() || "nodes" in t.getFields());

function fieldsOf(set: SelectionSetNode): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet));
  }
  return out;
}

/** Counts connections and their nesting depth (Shopify: at most 5 connections, depth at most 2). */
function connectionStats(schema: GraphQLSchema, set: SelectionSetNode, type: GraphQLObjectType, depth: number): { count: number; maxDepth: number } {
  let count = 0;
  let maxDepth = depth;
  for (const f of fieldsOf(set)) {
    const def = type.getFields()[f.name.value];
    if (!def || !f.selectionSet) continue;
    const named = getNamedType(def.type);
    if (!isObjectType(named)) continue;
    if (isConnectionType(named)) {
      count += 1;
      for (const inner of fieldsOf(f.selectionSet)) {
        const innerDef = named.getFields()[inner.name.value];
        if (!innerDef || !inner.selectionSet) continue;
        let nodeType = getNamedType(innerDef.type);
        let nodeSet = inner.selectionSet;
        if (inner.name.value === "edges" && isObjectType(nodeType)) {
          const nodeField = fieldsOf(inner.selectionSet).find((x) => x.name.value === "node");
          if (!nodeField?.selectionSet) continue;
          nodeType = getNamedType(nodeType.getFields().node.type);
          nodeSet = nodeField.selectionSet;
        }
        if (inner.name.value !== "edges" && inner.name.value !== "nodes") continue;
        if (isObjectType(nodeType)) {
          const sub = connectionStats(schema, nodeSet, nodeType, depth + 1);
          count += sub.count;
          maxDepth = Math.max(maxDepth, sub.maxDepth);
        }
      }
    } else {
      const sub = connectionStats(schema, f.selectionSet, named, depth);
      count += sub.count;
      maxDepth = Math.max(maxDepth, sub.maxDepth);
    }
  }
  return { count, maxDepth };
}

export function runBulkQuery(
  schema: GraphQLSchema,
  rootValue: Obj,
  ctx: Omit<ResolverContext, "bulk">,
  query: string,
): { jsonl: string; objectCount: number; rootObjectCount: number } | { error: string } {
  let document;
  try {
    document = parse(query);
  } catch (e) {
    return { error: `Invalid bulk query: ${(e as Error).message}` };
  }
  const errors = validate(schema, document);
  if (errors.length) return { error: `Invalid bulk query: ${errors.map((e) => e.message).join("; ")}` };
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const queryType = schema.getQueryType();
  if (!op || op.operation !== "query" || !queryType) return { error: "Bulk queries must be a single query operation" };
  const stats = connectionStats(schema, op.selectionSet, queryType, 0);
  if (stats.count === 0) return { error: "Bulk queries must contain at least one connection." };
  if (stats.count > 5) return { error: "Bulk queries cannot contain more than 5 connections." };
  if (stats.maxDepth > 2) return { error: "Bulk queries cannot contain connections with a nesting depth greater than 2." };

  const result = execute({ schema, document, rootValue, contextValue: { ...ctx, bulk: true }, fieldResolver, typeResolver });
  if ("then" in result) return { error: "Bulk query execution must be synchronous in the simulator" };
  if (result.errors?.length) return { error: result.errors.map((e) => e.message).join("; ") };

  const lines: string[] = [];
  let rootObjectCount = 0;

  // Walks a value: connections become rows, everything else stays inline in the returned object.
  const walk = (value: unknown, set: SelectionSetNode, type: GraphQLObjectType, parentId: string | null, isRoot: boolean): Obj => {
    const out: Obj = {};
    const src = (value ?? {}) as Obj;
    for (const f of fieldsOf(set)) {
      const key = f.alias?.value ?? f.name.value;
      const def = type.getFields()[f.name.value];
      const v = src[key];
      const named = def ? getNamedType(def.type) : undefined;
      if (!def || !f.selectionSet || !named || !isObjectType(named) || v === null || v === undefined) {
        if (key in src) out[key] = v;
        continue;
      }
      if (isConnectionType(named)) {
        const conn = v as Obj;
        const items: { node: unknown; set: SelectionSetNode; type: GraphQLObjectType }[] = [];
        for (const inner of fieldsOf(f.selectionSet)) {
          const innerDef = named.getFields()[inner.name.value];
          if (!innerDef || !inner.selectionSet) continue;
          if (inner.name.value === "nodes") {
            const nodeType = getNamedType(innerDef.type) as GraphQLObjectType;
            for (const n of (conn[inner.alias?.value ?? "nodes"] as unknown[]) ?? []) items.push({ node: n, set: inner.selectionSet, type: nodeType });
          }
          if (inner.name.value === "edges") {
            const edgeType = getNamedType(innerDef.type) as GraphQLObjectType;
            const nodeField = fieldsOf(inner.selectionSet).find((x) => x.name.value === "node");
            if (!nodeField?.selectionSet) continue;
            const nodeType = getNamedType(edgeType.getFields().node.type) as GraphQLObjectType;
            for (const e of (conn[inner.alias?.value ?? "edges"] as Obj[]) ?? []) items.push({ node: e[nodeField.alias?.value ?? "node"], set: nodeField.selectionSet, type: nodeType });
          }
        }
        for (const item of items) {
          const nodeObj = item.node as Obj;
          const concrete = isObjectType(item.type) ? item.type : (schema.getType(String(nodeObj.__typename)) as GraphQLObjectType);
          // Rows are written parent first, then children, as Shopify's files are.
          const index = lines.length;
          lines.push("");
          const row = walk(nodeObj, item.set, concrete, typeof nodeObj.id === "string" ? nodeObj.id : null, false);
          if (parentId !== null && !isRoot) row.__parentId = parentId;
          lines[index] = JSON.stringify(row);
          if (isRoot) rootObjectCount += 1;
        }
        continue;
      }
      const set = f.selectionSet;
      out[key] = Array.isArray(v) ? v.map((x) => (x === null ? null : walk(x, set, named, parentId, false))) : walk(v, set, named, parentId, false);
    }
    return out;
  };
  walk(result.data, op.selectionSet, queryType, null, true);
  return { jsonl: lines.length ? `${lines.join("\n")}\n` : "", objectCount: lines.length, rootObjectCount };
}
