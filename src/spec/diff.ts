// What differs between two descriptions of the API: ours (the bundled spec, or REVCENT_OPENAPI)
// and RevCent's (its official openapi.json, or a folder of its per-operation files). Operations are
// matched by method and path; for each, the operationId, the parameters (where, required, type,
// enum) and the body fields (nested names, required, type, enum) are compared. Prose is not.
import { isObject, type JsonSchema } from "../operations/operation.js";
import { makeDereferencer } from "../operations/json-ref.js";
import { IDEMPOTENCY_FIELD, SpecError } from "../operations/openapi.js";

/** One operation reduced to what the diff compares. */
export interface OperationShape {
  operationId: string;
  /** `in name` -> facts. */
  parameters: Map<string, string>;
  /** Dotted body field path -> facts. */
  body: Map<string, string>;
}

/** Operations keyed by `METHOD /path`. */
export type ApiShape = Map<string, OperationShape>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** An OpenAPI document's operations. */
export function shapeOfDocument(doc: unknown): ApiShape {
  if (!isObject(doc) || !isObject(doc.paths)) throw new SpecError("not an OpenAPI document: it has no paths object");
  const deref = makeDereferencer(doc, (message) => new SpecError(message));
  const shape: ApiShape = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      shape.set(
        `${method.toUpperCase()} ${path}`,
        shapeOfOperation(
          { ...op, parameters: [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])] },
          deref,
        ),
      );
    }
  }
  return shape;
}

/**
 * One of RevCent's per-operation files: `{method, path, operationId, parameters, requestBody}`,
 * its path a full URL of the V2 API. `name` says which file, for errors.
 */
export function shapeOfOperationFile(file: unknown, name: string): [string, OperationShape] {
  if (!isObject(file) || typeof file.method !== "string" || typeof file.path !== "string") {
    throw new SpecError(`${name}: not an operation file (it needs "method" and "path")`);
  }
  const path = file.path.replace(/^https?:\/\/[^/]+/, "").replace(/^\/v2(?=\/)/, "");
  return [
    `${file.method.toUpperCase()} ${path}`,
    shapeOfOperation(
      file,
      makeDereferencer(file, (message) => new SpecError(message)),
    ),
  ];
}

function shapeOfOperation(op: Record<string, unknown>, deref: (v: unknown) => unknown): OperationShape {
  const parameters = new Map<string, string>();
  for (const raw of Array.isArray(op.parameters) ? op.parameters : []) {
    const p = deref(raw);
    if (!isObject(p) || typeof p.name !== "string") continue;
    parameters.set(`${String(p.in)} ${p.name}`, facts(deref(p.schema), p.required === true, deref));
  }
  const body = new Map<string, string>();
  const content = isObject(op.requestBody) ? (deref(op.requestBody) as Record<string, unknown>).content : undefined;
  const schema =
    isObject(content) && isObject(content["application/json"]) ? deref(content["application/json"].schema) : undefined;
  if (isObject(schema)) addFields(schema, "", body, deref, 0);
  body.delete(IDEMPOTENCY_FIELD); // documented once for every POST; a file may or may not list it
  return { operationId: typeof op.operationId === "string" ? op.operationId : "", parameters, body };
}

function addFields(
  schema: JsonSchema,
  prefix: string,
  out: Map<string, string>,
  deref: (v: unknown) => unknown,
  depth: number,
): void {
  if (depth > 8) return;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  for (const [name, raw] of Object.entries(properties)) {
    const child = deref(raw);
    const path = prefix ? `${prefix}.${name}` : name;
    out.set(path, facts(child, required.has(name), deref));
    if (!isObject(child)) continue;
    if (isObject(child.properties)) addFields(child, path, out, deref, depth + 1);
    const items = deref(child.items);
    if (isObject(items) && isObject(items.properties)) addFields(items, `${path}[]`, out, deref, depth + 1);
  }
}

/** A field's comparable facts, as one line: `required string enum[a|b]`. */
function facts(raw: unknown, required: boolean, deref: (v: unknown) => unknown): string {
  const schema = isObject(raw) ? raw : {};
  const items = deref(schema.items);
  const type = Array.isArray(schema.type)
    ? schema.type.join("|")
    : typeof schema.type === "string"
      ? schema.type
      : "any";
  const itemType = isObject(items) && typeof items.type === "string" ? `<${items.type}>` : "";
  const values = Array.isArray(schema.enum)
    ? schema.enum
    : isObject(items) && Array.isArray(items.enum)
      ? items.enum
      : undefined;
  return [
    required ? "required" : "optional",
    type + itemType,
    values ? `enum[${values.map(String).sort().join("|")}]` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** The differences, one line each, in a stable order; empty when the two agree. */
export function diffShapes(ours: ApiShape, theirs: ApiShape): string[] {
  const lines: string[] = [];
  const keys = [...new Set([...ours.keys(), ...theirs.keys()])].sort();
  for (const key of keys) {
    const a = ours.get(key);
    const b = theirs.get(key);
    if (!a) {
      lines.push(`+ ${key} ${b!.operationId}: only in RevCent's`);
      continue;
    }
    if (!b) {
      lines.push(`- ${key} ${a.operationId}: only in ours`);
      continue;
    }
    const at = `~ ${key} ${a.operationId}`;
    if (b.operationId && a.operationId !== b.operationId)
      lines.push(`${at}: operationId ${a.operationId} -> ${b.operationId}`);
    lines.push(
      ...compareFacts(at, "parameter", a.parameters, b.parameters),
      ...compareFacts(at, "body field", a.body, b.body),
    );
  }
  return lines;
}

function compareFacts(at: string, what: string, ours: Map<string, string>, theirs: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const name of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(name);
    const b = theirs.get(name);
    if (a === b) continue;
    if (a === undefined) lines.push(`${at}: ${what} ${name} only in RevCent's (${b})`);
    else if (b === undefined) lines.push(`${at}: ${what} ${name} only in ours (${a})`);
    else lines.push(`${at}: ${what} ${name}: ${a} -> ${b}`);
  }
  return lines;
}

/** The summary line under a report. */
export function summarize(lines: string[]): string {
  const count = (mark: string) => lines.filter((l) => l.startsWith(mark)).length;
  const changed = new Set(lines.filter((l) => l.startsWith("~")).map((l) => l.slice(0, l.indexOf(":")))).size;
  return lines.length
    ? `${count("+")} operation(s) only in RevCent's, ${count("-")} only in ours, ${changed} changed`
    : "no differences";
}
