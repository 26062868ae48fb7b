/**
 * A subset of Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax) for the
 * `query:` argument of connections: `field:value`, quoted values, `OR` / `AND` / implicit AND,
 * `NOT` / `-` negation, parentheses, comparators (`:>`, `:>=`, `:<`, `:<=`) and a trailing `*`
 * prefix wildcard. Filters the simulator does not know make the query fail loudly instead of
 * matching everything, so a test never passes on a filter that was silently ignored.
 */

export type SearchNode =
  | { kind: "term"; field: string | null; op: ":" | ">" | ">=" | "<" | "<="; value: string }
  | { kind: "and"; nodes: SearchNode[] }
  | { kind: "or"; nodes: SearchNode[] }
  | { kind: "not"; node: SearchNode };

type Token = { t: "(" | ")" | "OR" | "AND" | "NOT" | "-" } | { t: "word"; v: string };

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      out.push({ t: c });
      i++;
      continue;
    }
    if (c === "-" && (out.length === 0 || input[i - 1] === " " || input[i - 1] === "(")) {
      out.push({ t: "-" });
      i++;
      continue;
    }
    let word = "";
    while (i < input.length && !/\s/.test(input[i]) && input[i] !== "(" && input[i] !== ")") {
      const ch = input[i];
      if (ch === '"' || ch === "'") {
        const end = input.indexOf(ch, i + 1);
        const stop = end === -1 ? input.length : end;
        word += input.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      if (ch === "\\" && i + 1 < input.length) {
        word += input[i + 1];
        i += 2;
        continue;
      }
      word += ch;
      i++;
    }
    if (word === "OR" || word === "AND" || word === "NOT") out.push({ t: word });
    else out.push({ t: "word", v: word });
  }
  return out;
}

function parseTerm(word: string): SearchNode {
  const colon = word.indexOf(":");
  if (colon <= 0) return { kind: "term", field: null, op: ":", value: word };
  const field = word.slice(0, colon);
  let rest = word.slice(colon + 1);
  let op: ":" | ">" | ">=" | "<" | "<=" = ":";
  for (const candidate of [">=", "<=", ">", "<"] as const) {
    if (rest.startsWith(candidate)) {
      op = candidate;
      rest = rest.slice(candidate.length);
      break;
    }
  }
  return { kind: "term", field, op, value: rest };
}

export function parseSearchQuery(input: string): SearchNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = () => tokens[pos];
  function parseOr(): SearchNode {
    const nodes = [parseAnd()];
    while (peek()?.t === "OR") {
      pos++;
      nodes.push(parseAnd());
    }
    return nodes.length === 1 ? nodes[0] : { kind: "or", nodes };
  }
  function parseAnd(): SearchNode {
    const nodes = [parseUnary()];
    for (;;) {
      const next = peek();
      if (!next || next.t === "OR" || next.t === ")") break;
      if (next.t === "AND") pos++;
      nodes.push(parseUnary());
    }
    return nodes.length === 1 ? nodes[0] : { kind: "and", nodes };
  }
  function parseUnary(): SearchNode {
    const next = peek();
    if (next?.t === "NOT" || next?.t === "-") {
      pos++;
      return { kind: "not", node: parseUnary() };
    }
    return parsePrimary();
  }
  function parsePrimary(): SearchNode {
    const next = tokens[pos++];
    if (!next) throw new Error(`Unexpected end of search query "${input}"`);
    if (next.t === "(") {
      const inner = parseOr();
      if (tokens[pos++]?.t !== ")") throw new Error(`Unbalanced parentheses in search query "${input}"`);
      return inner;
    }
    if (next.t === "word") return parseTerm(next.v);
    throw new Error(`Unexpected ${next.t} in search query "${input}"`);
  }
  if (tokens.length === 0) return { kind: "and", nodes: [] };
  const node = parseOr();
  if (pos < tokens.length) throw new Error(`Could not parse search query "${input}"`);
  return node;
}

/** How a resource exposes one searchable field: its value(s) as strings or numbers. */
export type FieldAccessor<T> = (item: T) => string | number | null | undefined | (string | number)[];

function compare(actual: string | number, op: string, expected: string): boolean {
  if (op === ":") {
    const a = String(actual).toLowerCase();
    const e = expected.toLowerCase();
    if (e.endsWith("*")) return a.startsWith(e.slice(0, -1));
    return a === e;
  }
  const numeric = typeof actual === "number" && expected.trim() !== "" && !Number.isNaN(Number(expected));
  const left = numeric ? (actual as number) : String(actual);
  const right = numeric ? Number(expected) : expected;
  switch (op) {
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    default:
      return left <= right;
  }
}

/**
 * Builds a predicate from a search string. `fields` maps filter names to accessors; `defaultFields`
 * are searched (substring, case-insensitive) by bare words. An unknown filter name throws.
 */
export function searchPredicate<T>(
  query: string | null | undefined,
  fields: Record<string, FieldAccessor<T>>,
  defaultFields: FieldAccessor<T>[],
): (item: T) => boolean {
  if (!query || !query.trim()) return () => true;
  const tree = parseSearchQuery(query);
  const check = (node: SearchNode): void => {
    if (node.kind === "term" && node.field !== null && !(node.field in fields)) {
      throw new Error(`The simulator does not support the search filter "${node.field}"`);
    }
    if (node.kind === "and" || node.kind === "or") node.nodes.forEach(check);
    if (node.kind === "not") check(node.node);
  };
  check(tree);
  const evaluate = (node: SearchNode, item: T): boolean => {
    switch (node.kind) {
      case "and":
        return node.nodes.every((n) => evaluate(n, item));
      case "or":
        return node.nodes.some((n) => evaluate(n, item));
      case "not":
        return !evaluate(node.node, item);
      case "term": {
        if (node.field === null) {
          const needle = node.value.toLowerCase().replace(/\*$/, "");
          return defaultFields.some((f) => {
            const v = f(item);
            const values = Array.isArray(v) ? v : [v];
            return values.some((x) => x !== null && x !== undefined && String(x).toLowerCase().includes(needle));
          });
        }
        const raw = fields[node.field](item);
        const values = Array.isArray(raw) ? raw : [raw];
        // A comma-separated value means "any of" for list filters such as `product_ids:1,2`.
        const expected = node.op === ":" ? node.value.split(",") : [node.value];
        return values.some(
          (v) => v !== null && v !== undefined && expected.some((e) => compare(v, node.op, e)),
        );
      }
    }
  };
  return (item) => evaluate(tree, item);
}
