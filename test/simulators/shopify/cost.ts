import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Calculated query cost as Shopify documents it
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): scalars and enums 0, objects 1,
 * connections 2 plus `first`/`last` times the cost of one node, interfaces and unions the most
 * expensive possible selection, every top-level mutation field 10. Lists of objects that are not
 * connections are sized by their list argument (`ids`, `names`) when one is given, else 1.
 * The actual cost walks the response instead: returned nodes, not requested ones; null objects 0.
 */
export const MUTATION_FIELD_COST = 10;
/** A single query may not request more than this (Shopify's single query limit). */
export const MAX_SINGLE_QUERY_COST = 1000;

type Vars = Record<string, unknown>;
type Fragments = Record<string, FragmentDefinitionNode>;

interface Walk {
  schema: GraphQLSchema;
  vars: Vars;
  fragments: Fragments;
}

function included(node: FieldNode | { directives?: readonly import("graphql").DirectiveNode[] }, vars: Vars): boolean {
  for (const d of node.directives ?? []) {
    if (d.name.value !== "skip" && d.name.value !== "include") continue;
    const arg = d.arguments?.find((a) => a.name.value === "if");
    if (!arg) continue;
    const value =
      arg.value.kind === Kind.VARIABLE ? Boolean(vars[arg.value.name.value]) : arg.value.kind === Kind.BOOLEAN && arg.value.value;
    if (d.name.value === "skip" && value) return false;
    if (d.name.value === "include" && !value) return false;
  }
  return true;
}

function appliesTo(w: Walk, condition: string | undefined, type: GraphQLCompositeType): boolean {
  if (!condition || condition === type.name) return true;
  const cond = w.schema.getType(condition);
  if (cond && isAbstractType(cond) && isObjectType(type)) return w.schema.isSubType(cond, type);
  return false;
}

/** Fields selected on `type`, following fragments that apply to it. */
function collect(w: Walk, set: SelectionSetNode, type: GraphQLCompositeType, out: FieldNode[] = []): FieldNode[] {
  for (const sel of set.selections) {
    if (!included(sel, w.vars)) continue;
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (appliesTo(w, sel.typeCondition?.name.value, type)) collect(w, sel.selectionSet, type, out);
    } else {
      const frag = w.fragments[sel.name.value];
      if (frag && appliesTo(w, frag.typeCondition.name.value, type)) collect(w, frag.selectionSet, type, out);
    }
  }
  return out;
}

/** Object types named by fragments in the selection (candidates when the parent is abstract). */
function fragmentTypes(w: Walk, set: SelectionSetNode, out = new Set<string>()): Set<string> {
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (sel.typeCondition) out.add(sel.typeCondition.name.value);
      fragmentTypes(w, sel.selectionSet, out);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = w.fragments[sel.name.value];
      if (frag) {
        out.add(frag.typeCondition.name.value);
        fragmentTypes(w, frag.selectionSet, out);
      }
    }
  }
  return out;
}

function argValues(w: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of node.arguments ?? []) {
    const def = field.args.find((a) => a.name === arg.name.value);
    if (def) out[def.name] = valueFromAST(arg.value, def.type, w.vars);
  }
  return out;
}

function isConnection(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  return type.name.endsWith("Connection") && ("edges" in fields || "nodes" in fields);
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** `data` undefined means "requested" mode; otherwise the executed value at this position. */
function selectionCost(w: Walk, set: SelectionSetNode, type: GraphQLCompositeType, data: unknown): number {
  if (isAbstractType(type)) {
    const candidates = [...fragmentTypes(w, set)]
      .map((n) => w.schema.getType(n))
      .filter((t): t is GraphQLObjectType => !!t && isObjectType(t) && w.schema.isSubType(type, t));
    const typename = asRecord(data)?.__typename;
    const exact = candidates.find((c) => c.name === typename);
    const pool = exact ? [exact] : candidates;
    const interfaceOnly = fieldsCost(w, collect(w, set, type), type, data);
    return Math.max(interfaceOnly, ...pool.map((c) => fieldsCost(w, collect(w, set, c), c, data)));
  }
  return fieldsCost(w, collect(w, set, type), type, data);
}

function fieldsCost(w: Walk, nodes: FieldNode[], type: GraphQLCompositeType, data: unknown): number {
  if (isObjectType(type) || "getFields" in type) {
    let total = 0;
    const fields = (type as GraphQLObjectType).getFields();
    for (const node of nodes) {
      const def = fields[node.name.value];
      if (!def) continue; // __typename and friends
      const value = data === undefined ? undefined : asRecord(data)?.[node.alias?.value ?? node.name.value];
      total += fieldCost(w, def, node, value, data !== undefined);
    }
    return total;
  }
  return 0;
}

function fieldCost(
  w: Walk,
  def: GraphQLField<unknown, unknown>,
  node: FieldNode,
  value: unknown,
  actual: boolean,
): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  if (actual && (value === null || value === undefined)) return 0;
  const set = node.selectionSet;
  const composite = named as GraphQLCompositeType;
  if (isObjectType(named) && isConnection(named)) {
    const args = argValues(w, def, node);
    const nodeType = getNamedType(named.getFields()[("nodes" in named.getFields() ? "nodes" : "edges")].type);
    let itemType: GraphQLCompositeType = nodeType as GraphQLCompositeType;
    if (isObjectType(nodeType) && nodeType.name.endsWith("Edge")) itemType = getNamedType(nodeType.getFields().node.type) as GraphQLCompositeType;
    const inner = collect(w, set, named);
    const perNode = (item: unknown) => {
      let cost = 0;
      for (const f of inner) {
        if (f.name.value === "nodes" && f.selectionSet) cost = Math.max(cost, selectionCost(w, f.selectionSet, itemType, item));
        if (f.name.value === "edges" && f.selectionSet) {
          for (const e of collect(w, f.selectionSet, nodeType as GraphQLObjectType)) {
            if (e.name.value === "node" && e.selectionSet) cost = Math.max(cost, selectionCost(w, e.selectionSet, itemType, item));
          }
        }
      }
      return 1 + cost;
    };
    if (!actual) {
      const size = Number(args.first ?? args.last ?? 0) || 0;
      return 2 + size * perNode(undefined);
    }
    const rec = asRecord(value);
    const items: unknown[] = Array.isArray(rec?.nodes)
      ? (rec.nodes as unknown[])
      : Array.isArray(rec?.edges)
        ? (rec.edges as unknown[]).map((e) => asRecord(e)?.node)
        : [];
    return 2 + items.reduce<number>((sum, item) => sum + perNode(item), 0);
  }
  if (isListType(getNullableType(def.type))) {
    if (actual) {
      const list = Array.isArray(value) ? value : [];
      return list.reduce<number>((sum, item) => sum + (item === null ? 0 : 1 + selectionCost(w, set, composite, item)), 0);
    }
    const args = argValues(w, def, node);
    const sizedBy = Object.values(args).find(Array.isArray) as unknown[] | undefined;
    const first = typeof args.first === "number" ? args.first : undefined;
    const size = sizedBy ? sizedBy.length : (first ?? 1);
    return size * (1 + selectionCost(w, set, composite, undefined));
  }
  return 1 + selectionCost(w, set, composite, actual ? value : undefined);
}

function walkOf(schema: GraphQLSchema, fragments: Fragments, vars: Vars): Walk {
  return { schema, fragments, vars };
}

export function fragmentsOf(definitions: readonly import("graphql").DefinitionNode[]): Fragments {
  const out: Fragments = {};
  for (const d of definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

/** Requested cost (before execution) or, with `data`, the actual cost of what was returned. */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Vars,
  data?: unknown,
): number {
  const w = walkOf(schema, fragments, variables);
  if (operation.operation === "mutation") {
    const type = schema.getMutationType();
    if (!type) return 0;
    return collect(w, operation.selectionSet, type).filter((f) => f.name.value !== "__typename").length * MUTATION_FIELD_COST;
  }
  const root = schema.getQueryType();
  if (!root) return 0;
  if (data === undefined) return selectionCost(w, operation.selectionSet, root, undefined);
  return selectionCost(w, operation.selectionSet, root, data ?? {});
}
