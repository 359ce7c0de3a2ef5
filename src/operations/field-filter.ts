// The field filter language of RevCent's documents (003), applied to any tool result to save
// context: `-name` drops a top-level field, `name` keeps only the named top-level fields,
// `name.field` keeps only that field (of the object, or of each list item), `-name.field` drops
// it, `name.field=value` keeps list items whose field equals one of the values given for it, and
// `-name.field=value` drops matching items. Fields may be dotted paths.
import { isObject } from "./operation.js";

export interface FieldFilter {
  neg: boolean;
  section: string;
  field: string;
  value?: string;
  text: string;
}

/** A filter expression, or a message saying what is wrong with it. */
export function parseFieldFilter(text: string): FieldFilter | string {
  const trimmed = text.trim();
  const neg = trimmed.startsWith("-");
  const body = neg ? trimmed.slice(1) : trimmed;
  const eq = body.indexOf("=");
  const path = eq >= 0 ? body.slice(0, eq) : body;
  const [section = "", ...rest] = path.split(".");
  if (!section) return `"${text}" names no field`;
  if (eq >= 0 && !rest.length) return `"${text}" must name a field before "="`;
  return { neg, section, field: rest.join("."), ...(eq >= 0 ? { value: body.slice(eq + 1) } : {}), text };
}

export function applyFieldFilters(doc: Record<string, unknown>, filters: FieldFilter[]): Record<string, unknown> {
  const whitelist = filters.some((f) => !f.neg && !f.field)
    ? new Set(filters.filter((f) => !f.neg).map((f) => f.section))
    : undefined;
  const out: Record<string, unknown> = {};
  for (const [section, content] of Object.entries(doc)) {
    const mine = filters.filter((f) => f.section === section);
    if (whitelist && !whitelist.has(section)) continue;
    if (mine.some((f) => f.neg && !f.field)) continue;
    const keep = mine.filter((f) => !f.neg && f.field && f.value === undefined).map((f) => f.field);
    const drop = mine.filter((f) => f.neg && f.field && f.value === undefined).map((f) => f.field);
    const wanted = new Map<string, string[]>();
    for (const f of mine.filter((x) => !x.neg && x.value !== undefined))
      wanted.set(f.field, [...(wanted.get(f.field) ?? []), f.value!]);
    const unwanted = mine.filter((f) => f.neg && f.value !== undefined);
    const keepItem = (item: unknown) =>
      [...wanted].every(([field, values]) => matches(item, field, values)) &&
      !unwanted.some((f) => matches(item, f.field, [f.value!]));
    if (Array.isArray(content)) out[section] = content.filter(keepItem).map((item) => shape(item, keep, drop));
    else
      out[section] =
        content === null || content === undefined ? content : keepItem(content) ? shape(content, keep, drop) : null;
  }
  return out;
}

function getPath(obj: unknown, path: string): unknown {
  let node = obj;
  for (const key of path.split(".")) node = isObject(node) ? node[key] : undefined;
  return node;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = obj;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function deletePath(obj: Record<string, unknown>, path: string): void {
  const keys = path.split(".");
  const parent = keys.length > 1 ? getPath(obj, keys.slice(0, -1).join(".")) : obj;
  if (isObject(parent)) delete parent[keys[keys.length - 1]!];
}

/** Keeps only `keep` fields, drops `drop` fields, of one object. */
function shape(obj: unknown, keep: string[], drop: string[]): unknown {
  if (!isObject(obj)) return obj;
  let out: Record<string, unknown> = structuredClone(obj);
  if (keep.length) {
    const kept: Record<string, unknown> = {};
    for (const f of keep) {
      const v = getPath(out, f);
      if (v !== undefined) setPath(kept, f, v);
    }
    out = kept;
  }
  for (const f of drop) deletePath(out, f);
  return out;
}

const matches = (item: unknown, field: string, values: string[]) => {
  const v = getPath(item, field);
  return v !== undefined && v !== null && values.includes(String(v));
};

/**
 * The named paths of one object, and nothing else: `customer.first_name` keeps that field of the
 * nested object, `products.name` that field of each element of the array. What the object lacks
 * stays absent, so the projection can only ever show less than it was given.
 */
export function pickFields(value: unknown, paths: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((element) => pickFields(element, paths));
  if (!isObject(value)) return value;
  const byHead = new Map<string, string[]>();
  for (const path of paths) {
    const dot = path.indexOf(".");
    const head = dot < 0 ? path : path.slice(0, dot);
    const rest = byHead.get(head) ?? [];
    if (dot >= 0) rest.push(path.slice(dot + 1));
    else rest.push("");
    byHead.set(head, rest);
  }
  const out: Record<string, unknown> = {};
  for (const [head, rests] of byHead) {
    if (!(head in value)) continue;
    const child = value[head];
    // The whole field when it is named itself; else only the named parts of it.
    out[head] = rests.includes("") || child === null || typeof child !== "object" ? child : pickFields(child, rests);
  }
  return out;
}
