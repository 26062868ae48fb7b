/**
 * Bulk query operations: the query runs against the same resolvers with paging switched off, and the
 * result is flattened to JSONL the way Shopify documents it: one line per node of every connection,
 * nested connection nodes on their own line with `__parentId`, plain nested objects kept inline.
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 *
 * Shopify builds the file on its own servers while the operation reports RUNNING. The simulator
 * shares its process with the app's tests (and, in the stock benchmark, with the marketplace
 * simulator), so it builds the file in slices of root objects and yields to the event loop between
 * them: one 50,000-item file built in one go would stall every other request for seconds.
 */
import {
  execute,
  type GraphQLFieldResolver,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { fieldResolver, typeResolver, type BulkBuild, type BulkSlice, type Obj, type ResolverContext } from "./resolvers";
import type { BulkOperation } from "./state";

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

/** Root objects in the first slice, which runs inside the mutation (see `bulkOperationRunQuery`). */
const FIRST_SLICE_ROOTS = 250;
/**
 * Later slices are sized from the average time per root object so far so that one takes about this
 * long: roughly the longest the build keeps other requests waiting. Each slice re-runs the root
 * resolver over the whole list, so slices much smaller than this spend their time on that instead.
 */
const SLICE_TARGET_MS = 25;
const MIN_SLICE_ROOTS = 100;
const MAX_SLICE_ROOTS = 2000;

/**
 * Arms the slice for the top-level field's resolver only: the `connection()` it builds is the root
 * connection, whatever order graphql-js resolves nested fields in.
 */
const slicingFieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, ctx, info) => {
  const slice = ctx.bulkSlice;
  if (!slice || info.path.prev !== undefined) return fieldResolver(source, args, ctx, info);
  slice.armed = true;
  try {
    return fieldResolver(source, args, ctx, info);
  } finally {
    slice.armed = false;
  }
};

/**
 * Validates a bulk query (parse, schema, Shopify's connection limits) and returns a build that has
 * not run yet, or the reason the query cannot run. `signal` stops a build when the simulator closes.
 */
export function prepareBulkQuery(
  schema: GraphQLSchema,
  rootValue: Obj,
  ctx: Omit<ResolverContext, "bulk" | "bulkSlice">,
  query: string,
  signal?: AbortSignal,
): BulkBuild | { error: string } {
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

  // Shopify's bulk queries have one top-level field. Should a query have several, slicing each by the
  // same offset would interleave their rows, so such a query is built in one slice, as before.
  const sliced = fieldsOf(op.selectionSet).length === 1;
  const operation = op;
  const chunks: string[] = [];
  let objectCount = 0;
  let rootObjectCount = 0;
  let offset = 0;
  let limit = FIRST_SLICE_ROOTS;
  let done = false;
  let buildMs = 0;

  const step = (): { error: string } | { done: boolean } => {
    if (done) return { done };
    const slice: BulkSlice | undefined = sliced ? { offset, limit, armed: false, total: null } : undefined;
    const started = performance.now();
    let out: { lines: string[]; rootObjectCount: number } | { error: string };
    try {
      out = runSlice(schema, document, operation, queryType, rootValue, { ...ctx, bulk: true, bulkSlice: slice });
    } catch (e) {
      out = { error: (e as Error).message };
    }
    if ("error" in out) return out;
    if (out.lines.length) chunks.push(`${out.lines.join("\n")}\n`);
    objectCount += out.lines.length;
    rootObjectCount += out.rootObjectCount;
    // A top-level field that is not a connection (one object with nested connections) is not
    // sliced: its one execution was the whole file.
    if (!slice || slice.total === null || offset + limit >= slice.total) {
      done = true;
      return { done };
    }
    offset += limit;
    buildMs += performance.now() - started;
    limit = Math.round(Math.min(MAX_SLICE_ROOTS, Math.max(MIN_SLICE_ROOTS, (SLICE_TARGET_MS * offset) / Math.max(buildMs, 1))));
    return { done };
  };

  const record = (target: BulkOperation) => {
    target.objectCount = objectCount;
    target.rootObjectCount = rootObjectCount;
  };

  return {
    step,
    finishInto(target) {
      target.status = "RUNNING";
      const complete = () => {
        target.jsonl = chunks.join("");
        chunks.length = 0;
        target.status = "COMPLETED";
        // A build that outlasts `bulkOperationDurationMs` completes when it is done, not before.
        target.completeAt = Math.max(target.completeAt, ctx.store.now());
      };
      const next = () => {
        if (signal?.aborted) return;
        const result = step();
        if ("error" in result) {
          target.status = "FAILED";
          target.errorCode = "INTERNAL_SERVER_ERROR";
          return;
        }
        record(target);
        if (result.done) complete();
        else setImmediate(next);
      };
      record(target);
      if (done) complete();
      else setImmediate(next);
    },
  };
}

/** Executes one slice of the query and flattens it to JSONL lines, parents before their children. */
function runSlice(
  schema: GraphQLSchema,
  document: DocumentNode,
  op: OperationDefinitionNode,
  queryType: GraphQLObjectType,
  rootValue: Obj,
  ctx: ResolverContext,
): { lines: string[]; rootObjectCount: number } | { error: string } {
  const result = execute({ schema, document, rootValue, contextValue: ctx, fieldResolver: slicingFieldResolver, typeResolver });
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
  return { lines, rootObjectCount };
}
