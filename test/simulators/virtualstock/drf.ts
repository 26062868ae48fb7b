import { z } from "zod";
import { isNaiveDateOrDateTime } from "./time";

/**
 * Request-body validation that answers the way Django REST Framework does: zod schemas whose
 * messages are DRF's own ("This field is required.") and a converter from zod issues to DRF's
 * nested error body ({"items":[{},{"carrier":["This field is required."]}]}).
 */

/** DRF's nested field-error body. */
export type DrfErrors = { [field: string]: string[] | DrfErrors | DrfErrors[] };

const REQUIRED = "This field is required.";
const NOT_NULL = "This field may not be null.";
const NOT_BLANK = "This field may not be blank.";

function fail(ctx: z.RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

interface StringOpts {
  max?: number;
  allowBlank?: boolean;
}

/** CharField: required, not null; numbers are accepted and turned into strings, as DRF does. */
export function charField(opts: StringOpts = {}) {
  return z.unknown().optional().transform((v, ctx): string => {
    if (v === undefined) return fail(ctx, REQUIRED);
    if (v === null) return fail(ctx, NOT_NULL);
    if (typeof v !== "string" && typeof v !== "number") return fail(ctx, "Not a valid string.");
    const s = String(v).trim();
    if (s === "" && !opts.allowBlank) return fail(ctx, NOT_BLANK);
    if (opts.max !== undefined && s.length > opts.max)
      return fail(ctx, `Ensure this field has no more than ${opts.max} characters.`);
    return s;
  });
}

/** CharField(required=False, allow_null=True, allow_blank=True). */
export function optionalCharField(opts: StringOpts = {}) {
  return z.unknown().optional().transform((v, ctx): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== "string" && typeof v !== "number") return fail(ctx, "Not a valid string.");
    const s = String(v);
    if (opts.max !== undefined && s.length > opts.max)
      return fail(ctx, `Ensure this field has no more than ${opts.max} characters.`);
    return s;
  });
}

/** IntegerField: integers or integer strings ("2", as the collection's samples send). */
export function integerField(opts: { min?: number } = {}) {
  return z.unknown().optional().transform((v, ctx): number => {
    if (v === undefined) return fail(ctx, REQUIRED);
    if (v === null) return fail(ctx, NOT_NULL);
    let n: number;
    if (typeof v === "number") n = v;
    else if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) n = Number(v);
    else return fail(ctx, "A valid integer is required.");
    if (!Number.isSafeInteger(n)) return fail(ctx, "A valid integer is required.");
    if (opts.min !== undefined && n < opts.min)
      return fail(ctx, `Ensure this value is greater than or equal to ${opts.min}.`);
    return n;
  });
}

/** DecimalField with two places, given as a string or a number. */
export function decimalField(opts: { required?: boolean } = {}) {
  return z.unknown().optional().transform((v, ctx): string | null => {
    if (v === undefined || v === null) {
      if (opts.required === false) return null;
      return fail(ctx, v === undefined ? REQUIRED : NOT_NULL);
    }
    const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : null;
    if (s === null || !/^-?\d+(\.\d+)?$/.test(s)) return fail(ctx, "A valid number is required.");
    if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return fail(ctx, "Ensure that there are no more than 2 decimal places.");
    return s;
  });
}

const DATE_MESSAGE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
const DATETIME_MESSAGE =
  "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

/**
 * Date or naive date-time. The collection documents dispatch dates as YYYY-MM-DD while a production
 * JL integration sends date-times; both are accepted and the date part is kept where a date is meant.
 */
export function dateLikeField(opts: { required: boolean; kind: "date" | "datetime" }) {
  return z.unknown().optional().transform((v, ctx): string | null => {
    if (v === undefined || v === null || v === "") {
      if (!opts.required) return null;
      return fail(ctx, v === undefined ? REQUIRED : v === null ? NOT_NULL : NOT_BLANK);
    }
    const s = typeof v === "string" ? v.trim().replace(/(Z|[+-]\d{2}:?\d{2})$/, "") : "";
    if (!isNaiveDateOrDateTime(s)) return fail(ctx, opts.kind === "date" ? DATE_MESSAGE : DATETIME_MESSAGE);
    return s;
  });
}

/** Strict YYYY-MM-DD (invoice dates: "ISO 8601, YYYY-MM-DD"). */
export function dateField() {
  return z.unknown().optional().transform((v, ctx): string => {
    if (v === undefined) return fail(ctx, REQUIRED);
    if (v === null) return fail(ctx, NOT_NULL);
    if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v) || !isNaiveDateOrDateTime(v))
      return fail(ctx, DATE_MESSAGE);
    return v;
  });
}

export function booleanField() {
  return z.unknown().optional().transform((v, ctx): boolean => {
    if (v === undefined || v === null) return false;
    if (v === true || v === "true" || v === 1 || v === "1") return true;
    if (v === false || v === "false" || v === 0 || v === "0") return false;
    return fail(ctx, "Must be a valid boolean.");
  });
}

/** A required, non-empty list of objects validated by `item`. */
export function listField<T extends z.ZodType>(item: T) {
  return z.unknown().optional().transform((v, ctx): unknown[] => {
    if (v === undefined) return fail(ctx, REQUIRED);
    if (v === null) return fail(ctx, NOT_NULL);
    if (!Array.isArray(v)) return fail(ctx, `Expected a list of items but got type "${drfTypeName(v)}".`);
    if (v.length === 0) return fail(ctx, "This list may not be empty.");
    return v;
  }).pipe(z.array(item));
}

export function drfTypeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (Array.isArray(v)) return "list";
  if (typeof v === "string") return "str";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  return "dict";
}

/**
 * Validates a JSON body against `schema`, answering like a DRF serializer: a non-object body gives
 * non_field_errors; field problems give the nested errors; list members without errors are {}.
 */
export function validateBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
): { ok: true; value: z.output<T> } | { ok: false; errors: DrfErrors } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return {
      ok: false,
      errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${drfTypeName(body)}.`] },
    };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: issuesToDrf(parsed.error.issues, body) };
}

type Container = Record<string, unknown> | unknown[];

/** Builds DRF's nested error shape from zod issue paths, filling error-free list members with {}. */
export function issuesToDrf(issues: readonly z.core.$ZodIssue[], body: unknown): DrfErrors {
  const root: Record<string, unknown> = {};
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (path.length === 0) {
      const list = (root.non_field_errors as string[] | undefined) ?? [];
      list.push(issue.message);
      root.non_field_errors = list;
      continue;
    }
    let node: Container = root;
    let source: unknown = body;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      const last = i === path.length - 1;
      source = source !== null && typeof source === "object" ? (source as Record<string, unknown>)[String(key)] : undefined;
      if (last) {
        const holder = node as Record<string, unknown>;
        const existing = holder[key as string];
        if (Array.isArray(existing) && existing.every((e) => typeof e === "string")) existing.push(issue.message);
        else holder[key as string] = [issue.message];
        break;
      }
      const nextKey = path[i + 1];
      const holder = node as Record<string, unknown>;
      if (typeof nextKey === "number") {
        let arr = holder[key as string] as unknown[] | undefined;
        if (!Array.isArray(arr) || arr.every((e) => typeof e === "string")) {
          const length = Array.isArray(source) ? source.length : nextKey + 1;
          arr = Array.from({ length }, () => ({}));
          holder[key as string] = arr;
        }
        node = arr as unknown as Container;
      } else {
        let obj = holder[key as string] as Record<string, unknown> | undefined;
        if (obj === undefined || Array.isArray(obj)) {
          obj = {};
          holder[key as string] = obj;
        }
        node = obj;
      }
    }
  }
  return root as DrfErrors;
}
