// The input schema a model reads in tools/list: the validation schema minus what costs context on
// every turn and teaches the model nothing the server does not enforce or explain once. Validation
// keeps the full schema (Operation.inputSchema), so nothing dropped here is accepted that was not
// before: an unknown argument or a 19-character id is still refused, with a message that names the
// field and what is allowed.
// RevCent ids are ID_LENGTH characters: said once in the instructions, not as two keywords per id.
import { ID_LENGTH, isObject, type JsonSchema } from "./operation.js";

/**
 * The list and search parameters the docs define for every list (paging, date range, the three
 * general filters, the search term). Their meaning is in the server instructions once instead of
 * in ~90 tools.
 */
const LIST_PARAMETERS = new Set([
  "date_start",
  "date_end",
  "limit",
  "page",
  "campaign_filter",
  "metadata_filter",
  "customer_id",
  "search_term",
]);

/** Words a description may add to a property's name and still say nothing new ("The sale ID."). */
const FILLER = new Set([
  "the",
  "a",
  "an",
  "of",
  "this",
  "its",
  "your",
  "own",
  "id",
  "name",
  "number",
  "text",
  "value",
  "one",
]);

/** Objects with at least this many properties that repeat within a tool are defined once. */
const SHARED_SHAPE_MIN_PROPERTIES = 4;

/** `isList`: a paged list or search (kind.ts), whose list parameters the instructions explain. */
export function compactInputSchema(schema: JsonSchema, isList: boolean): JsonSchema {
  const compacted = compactNode(schema, undefined, 0, isList) as JsonSchema;
  return shareRepeatedShapes(compacted);
}

function compactNode(node: unknown, name: string | undefined, depth: number, isList: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => compactNode(n, name, depth + 1, isList));
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  const fixedIdLength = node.type === "string" && node.minLength === ID_LENGTH && node.maxLength === ID_LENGTH;
  for (const [key, value] of Object.entries(node)) {
    if (key === "additionalProperties" && value === false) continue;
    if (fixedIdLength && (key === "minLength" || key === "maxLength")) continue;
    if (isList && depth === 1 && name && LIST_PARAMETERS.has(name) && (key === "minimum" || key === "maximum"))
      continue;
    if (key === "format" && value === "unix-time") continue;
    if (key === "description" && typeof value === "string") {
      const text = withoutIdLength(value);
      if (isList && depth === 1 && name && LIST_PARAMETERS.has(name)) continue;
      if (!text || (name && restatesName(name, text))) continue;
      out.description = name?.endsWith("_filter") ? text.replace(/^To filter (items )?based on (the )?/, "") : text;
    } else if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([prop, sub]) => [prop, compactNode(sub, prop, depth + 1, isList)]),
      );
    } else if (key === "items" && isList && depth === 1 && name === "metadata_filter") {
      // Its {name, value} shape is in the server instructions; an array still says what it holds
      // (OpenAI's and VS Code's schema checks refuse an array without items).
      out.items = { type: "object" };
    } else if (key === "items") {
      out.items = compactNode(value, name, depth + 1, isList);
    } else {
      out[key] = compactNode(value, name, depth + 1, isList);
    }
  }
  // An object with no known properties says all it can as {"type":"object"}.
  if (isObject(out.properties) && !Object.keys(out.properties).length && out.type === "object") delete out.properties;
  return out;
}

function withoutIdLength(text: string): string {
  return text
    .replace(/ ?\(20 characters\)/g, "")
    .replace(/\(20 characters, /g, "(")
    .replace(/\b20[- ]character /g, "")
    .trim();
}

/** True when every word of the description is the property's own name or filler. */
function restatesName(name: string, description: string): boolean {
  const nameWords = new Set(words(name.replace(/_/g, " ")));
  return words(description).every((w) => nameWords.has(w) || nameWords.has(w.replace(/e?s$/, "")) || FILLER.has(w));
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter(Boolean);
}

/**
 * A contact block used for customer, bill_to and ship_to is defined once under `$defs` and
 * referenced three times; its own description stays beside the reference.
 */
function shareRepeatedShapes(schema: JsonSchema): JsonSchema {
  const counts = new Map<string, number>();
  const firstUse = new Map<string, string>();
  const keyOf = (node: JsonSchema) => {
    const { description: _description, ...shape } = node;
    return JSON.stringify(shape);
  };
  const isShareable = (node: unknown): node is JsonSchema =>
    isObject(node) &&
    node.type === "object" &&
    isObject(node.properties) &&
    Object.keys(node.properties).length >= SHARED_SHAPE_MIN_PROPERTIES;
  const count = (node: unknown, name: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => count(n, name));
    if (!isObject(node)) return;
    if (isShareable(node)) {
      const key = keyOf(node);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (!firstUse.has(key)) firstUse.set(key, name);
    }
    for (const [k, v] of Object.entries(node)) count(v, k === "properties" || k === "items" ? name : k);
  };
  for (const [name, node] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) count(node, name);
  const names = new Map<string, string>();
  const defs: Record<string, JsonSchema> = {};
  for (const [key, n] of counts) {
    if (n < 2) continue;
    const first = firstUse.get(key) ?? "shape";
    const name = defs[first] ? `${first}${names.size + 1}` : first;
    names.set(key, name);
    defs[name] = JSON.parse(key) as JsonSchema;
  }
  if (!names.size) return schema;
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (!isObject(node)) return node;
    const shared = isShareable(node) ? names.get(keyOf(node)) : undefined;
    if (shared)
      return {
        ...(typeof node.description === "string" ? { description: node.description } : {}),
        $ref: `#/$defs/${shared}`,
      };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v)]));
  };
  return { ...schema, properties: replace(schema.properties), $defs: defs };
}

/**
 * One tools/list says what a body field means once: a property whose description repeats, word for
 * word, one an earlier tool of the same list gave a property of the same name loses it there
 * (CreatePendingSale, UpdatePendingSale, ProcessPendingSale and EstimateSale share CreateSale's
 * fields). Schemas are shared between catalogs, so changed nodes are copies.
 */
export function withoutRepeatedDescriptions(schemas: readonly JsonSchema[]): JsonSchema[] {
  const seen = new Set<string>();
  const visit = (node: unknown, name: string | undefined): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, name));
    if (!isObject(node)) return node;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "description" && typeof value === "string" && name) {
        const said = `${name}\u0000${value}`;
        if (seen.has(said)) continue;
        seen.add(said);
        out[key] = value;
      } else if ((key === "properties" || key === "$defs") && isObject(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([prop, sub]) => [prop, visit(sub, prop)]));
      } else {
        out[key] = visit(value, key === "items" ? name : undefined);
      }
    }
    return out;
  };
  return schemas.map((schema) => visit(schema, undefined) as JsonSchema);
}
