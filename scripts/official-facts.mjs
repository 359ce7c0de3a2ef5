// RevCent's official per-operation files, as far as their public copies could be read, reduced to
// facts (spec/official/<operationId>.json: parameters and request body schemas without prose, and
// whether the whole file was seen). build-spec.mjs merges them into the operations it builds:
// what a file shows wins over what we reconstructed, what it does not show (a file cut off before
// its end) keeps our reconstruction, and every node taken from a file says so in its provenance.
import { readFileSync, readdirSync } from "node:fs";

export const OFFICIAL = "official-operation-file";

/** The readable official files, keyed by `METHOD /path`. */
export function loadOfficialFacts(dir) {
  const facts = new Map();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const entry = JSON.parse(readFileSync(dir + file, "utf8"));
    if (!entry.found?.file) continue;
    facts.set(`${entry.method} ${entry.path}`, entry);
  }
  return facts;
}

/** Schema keywords that are facts; everything else (prose, examples) stays out. */
const FACT_KEYS = [
  "type",
  "enum",
  "const",
  "format",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "pattern",
  "default",
  "minItems",
  "maxItems",
];

/**
 * A schema node built from an official node, keeping our description and marks where we have the
 * same field; nested objects and array items merge the same way.
 */
export function mergeSchema(official, ours, complete) {
  const node = {};
  if (ours?.description) node.description = ours.description;
  for (const key of FACT_KEYS) if (official[key] !== undefined) node[key] = official[key];
  // A field the file names but whose facts were cut off: our facts, where we have them.
  const seenFacts = FACT_KEYS.some((key) => official[key] !== undefined) || official.properties || official.items;
  if (!seenFacts && ours) return { ...ours };
  if (ours?.["x-revcent-secret"]) node["x-revcent-secret"] = true;
  node["x-revcent-provenance"] = OFFICIAL;
  if (official.properties || (node.type === "object" && ours?.properties)) {
    Object.assign(node, mergeObject(official, ours, complete));
  }
  if (official.items) node.items = mergeSchema(official.items, ours?.items, complete);
  return node;
}

/** The properties, required list and closedness of an object schema, official first. */
function mergeObject(official, ours, complete) {
  const properties = {};
  for (const [name, child] of Object.entries(official.properties ?? {}))
    properties[name] = mergeSchema(child, ours?.properties?.[name], complete);
  // Fields the file did not show: dropped when the whole file was seen, kept when it was cut off.
  if (!complete) for (const [name, child] of Object.entries(ours?.properties ?? {})) properties[name] ??= child;
  const required =
    complete && official.required
      ? official.required
      : [...new Set([...(official.required ?? []), ...(ours?.required ?? [])])];
  const out = { type: "object", properties };
  if (required.length) out.required = required.filter((name) => name in properties);
  if (
    official.additionalProperties === false ||
    (complete && official.additionalProperties === undefined && ours?.additionalProperties === false)
  )
    out.additionalProperties = false;
  return out;
}

/** A request body schema: the official one merged over ours (undefined: no file, or no body in it). */
export function officialBody(entry, authored) {
  const schema = entry?.requestBody?.schema;
  if (!schema) return undefined;
  const body = schema.allOf ? Object.assign({}, ...schema.allOf) : schema;
  const merged = {
    ...(authored?.description ? { description: authored.description } : {}),
    ...mergeObject(body, authored, entry.complete),
    [`x-revcent-provenance`]: OFFICIAL,
  };
  return merged;
}

/** What the docs' words for a filter name mean, for a description of our own. */
function filterDescription(name) {
  const thing = name.replace(/_filter$/, "").replace(/_/g, " ");
  return name.endsWith("_filter") ? `Only items with one of these ${thing} values.` : `Only items of this ${thing}.`;
}

/**
 * Query parameters: each one the official file lists, in its order (our component where we have
 * one of that name, else its facts with a description of our own); then, when the file was cut
 * off, ours that it did not get to.
 */
export function officialQueryParameters(entry, ours, resolve) {
  const listed = (entry.parameters ?? []).filter((p) => p.in === "query");
  const byName = new Map(ours.map((p) => [resolve(p).name, p]));
  const out = listed.map((p) => {
    const mine = byName.get(p.name);
    if (mine && resolve(mine).required === Boolean(p.required) && sameFacts(resolve(mine).schema, p.schema))
      return mine;
    const schema = mergeSchema(p.schema ?? {}, mine ? resolve(mine).schema : undefined, true);
    return {
      name: p.name,
      in: "query",
      required: Boolean(p.required),
      style: p.style ?? "form",
      ...(p.explode !== undefined ? { explode: p.explode } : schema.type === "array" ? { explode: true } : {}),
      description: mine ? resolve(mine).description : filterDescription(p.name),
      schema,
    };
  });
  if (!entry.complete) for (const p of ours) if (!listed.some((l) => l.name === resolve(p).name)) out.push(p);
  return out;
}

function sameFacts(a = {}, b = {}) {
  return (
    FACT_KEYS.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key])) &&
    JSON.stringify(a.items?.type) === JSON.stringify(b.items?.type)
  );
}
