// JSON Schema helpers for the sandbox: local $ref resolution and a small validator covering the
// keywords the RevCent spec uses (type, enum, const, length, bounds, items, properties, required,
// additionalProperties, allOf/anyOf/oneOf). Unknown keywords (format, pattern, ...) are ignored.

import { makeDereferencer } from "../operations/json-ref.js";
import { isObject } from "../operations/operation.js";

export type Schema = Record<string, unknown>;

/** A JSON object: the domain's one test for it. */
export const isRecord = isObject;

const resolvers = new WeakMap<object, (node: unknown) => unknown>();

/** Resolves a node's $ref chain in `doc`; sibling keywords of the $ref win over the target's. */
export function deref(doc: unknown, node: unknown): unknown {
  if (!isObject(doc)) return node;
  let resolve = resolvers.get(doc);
  if (!resolve) resolvers.set(doc, (resolve = makeDereferencer(doc)));
  return resolve(node);
}

export function derefSchema(doc: unknown, node: unknown): Schema {
  const s = deref(doc, node);
  return isRecord(s) ? s : {};
}

/** The schema's declared types (3.1 allows an array; `nullable: true` adds "null"). */
export function schemaTypes(schema: Schema): string[] {
  const t = schema.type;
  const types = Array.isArray(t)
    ? t.filter((x): x is string => typeof x === "string")
    : typeof t === "string"
      ? [t]
      : [];
  if (schema.nullable === true && types.length) types.push("null");
  return types;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value; // string | number | boolean | object
}

function matchesType(value: unknown, type: string): boolean {
  if (type === "integer") return typeof value === "number" && Number.isInteger(value);
  if (type === "number") return typeof value === "number" && Number.isFinite(value);
  return typeOf(value) === type;
}

const regexCache = new Map<string, RegExp | undefined>();
function safeRegExp(pattern: string): RegExp | undefined {
  if (!regexCache.has(pattern)) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(pattern, "u");
    } catch {
      re = undefined; // an invalid pattern in the spec is ignored
    }
    regexCache.set(pattern, re);
  }
  return regexCache.get(pattern) ?? /(?:)/;
}

function describe(path: string): string {
  return path || "request body";
}

/** Properties, required names and closedness of an object schema, folding in its allOf parts. */
function objectShape(
  doc: unknown,
  schema: Schema,
): { properties: Record<string, unknown>; required: string[]; closed: boolean; extra: unknown } {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  let closed = false;
  let extra: unknown = undefined;
  const visit = (s: Schema, depth: number) => {
    if (depth > 20) return;
    if (isRecord(s.properties)) Object.assign(properties, s.properties);
    if (Array.isArray(s.required)) required.push(...s.required.filter((r): r is string => typeof r === "string"));
    if (s.additionalProperties === false) closed = true;
    else if (isRecord(s.additionalProperties)) extra = s.additionalProperties;
    if (Array.isArray(s.allOf)) for (const part of s.allOf) visit(derefSchema(doc, part), depth + 1);
  };
  visit(schema, 0);
  return { properties, required, closed, extra };
}

/**
 * Checks `value` against `schema`; returns a message naming the offending field, or null.
 * `path` is the field's dotted name, used in messages.
 */
export function checkValue(doc: unknown, rawSchema: unknown, value: unknown, path: string, depth = 0): string | null {
  if (depth > 40) return null;
  const schema = derefSchema(doc, rawSchema);
  const name = describe(path);

  const types = schemaTypes(schema);
  if (types.length && !types.some((t) => matchesType(value, t))) {
    return `${name} must be of type ${types.join(" or ")}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    return `${name} must be one of: ${schema.enum.map((e) => String(e)).join(", ")}`;
  }
  if ("const" in schema && schema.const !== value) return `${name} must equal ${String(schema.const)}`;

  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !safeRegExp(schema.pattern)?.test(value))
      return `${name} must match the pattern ${schema.pattern}`;
    if (schema.format === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value))
      return `${name} must be an email address`;
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) {
      return schema.minLength === schema.maxLength
        ? `${name} must be exactly ${schema.minLength} characters`
        : `${name} must be at least ${schema.minLength} characters`;
    }
    if (typeof schema.maxLength === "number" && length > schema.maxLength) {
      return schema.minLength === schema.maxLength
        ? `${name} must be exactly ${schema.maxLength} characters`
        : `${name} must be at most ${schema.maxLength} characters`;
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      return `${name} must be at least ${schema.minimum}`;
    if (typeof schema.maximum === "number" && value > schema.maximum)
      return `${name} must be at most ${schema.maximum}`;
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
      return `${name} must be greater than ${schema.exclusiveMinimum}`;
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum)
      return `${name} must be less than ${schema.exclusiveMaximum}`;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      return `${name} must contain at least ${schema.minItems} items`;
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      return `${name} must contain at most ${schema.maxItems} items`;
    if (schema.items !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const err = checkValue(doc, schema.items, value[i], `${path}[${i}]`, depth + 1);
        if (err) return err;
      }
    }
  }
  if (isRecord(value)) {
    const shape = objectShape(doc, schema);
    for (const req of shape.required) {
      if (value[req] === undefined) return `Missing required parameter: ${path ? `${path}.${req}` : req}`;
    }
    for (const [key, v] of Object.entries(value)) {
      const child = path ? `${path}.${key}` : key;
      if (key in shape.properties) {
        const err = checkValue(doc, shape.properties[key], v, child, depth + 1);
        if (err) return err;
      } else if (shape.closed) {
        return `Unknown parameter: ${child}`;
      } else if (shape.extra !== undefined) {
        const err = checkValue(doc, shape.extra, v, child, depth + 1);
        if (err) return err;
      }
    }
  }

  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      // Object keywords of the parts were folded into objectShape above; re-check the rest.
      const partSchema = derefSchema(doc, part);
      const { properties: _p, required: _r, additionalProperties: _a, ...rest } = partSchema;
      const err = checkValue(doc, isRecord(value) ? rest : partSchema, value, path, depth + 1);
      if (err) return err;
    }
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length) {
      let first: string | null = null;
      for (const option of options) {
        const err = checkValue(doc, option, value, path, depth + 1);
        if (!err) {
          first = null;
          break;
        }
        first ??= err;
      }
      if (first) return first;
    }
  }
  return null;
}

const ALWAYS_SECRET = new Set(["card_number", "card_code"]);

/** A copy of `value` without the fields its schema marks `x-revcent-secret` (card numbers, codes). */
export function stripSecrets(doc: unknown, rawSchema: unknown, value: unknown, depth = 0): unknown {
  if (depth > 20 || rawSchema === undefined) return value;
  const schema = derefSchema(doc, rawSchema);
  if (Array.isArray(value)) return value.map((v) => stripSecrets(doc, schema.items, v, depth + 1));
  if (!isRecord(value)) return value;
  const { properties } = objectShape(doc, schema);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const prop = properties[k] === undefined ? undefined : derefSchema(doc, properties[k]);
    if (prop?.["x-revcent-secret"] === true || ALWAYS_SECRET.has(k)) continue;
    out[k] = stripSecrets(doc, prop ?? {}, v, depth + 1);
  }
  return out;
}
