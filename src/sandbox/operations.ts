// Compiles the OpenAPI document into sandbox operations: each path+method gets its resolved
// parameters and body schema, and a kind (list, get, create, action, ...) with the collection
// it works on, all inferred from the path pattern. Nothing here knows the list of operations.
import { deref, derefSchema, isRecord, type Schema } from "./schema.js";

export type Method = "GET" | "POST";

type OperationKind =
  | "list" // GET /x with limit/page: paginated, filtered list
  | "all" // GET /x without paging, when /x/{id} exists: every item
  | "search" // GET /x/search
  | "lookup" // GET /x/<verb>?field=value, e.g. /coupons/validate?coupon_code=
  | "singleton" // GET /x without paging or items, e.g. /sentinel
  | "singleton-edit" // POST to a singleton
  | "get" // GET /x/{id}
  | "edit" // POST /x/{id}
  | "create" // POST /x
  | "action"; // POST /x/{id}/<action>

export interface ParamDef {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: Schema;
  style: string;
  explode: boolean;
}

export interface OperationDef {
  operationId: string;
  method: Method;
  path: string;
  /** Path template split on "/", e.g. ["customers", "{customer_id}"]. */
  segments: string[];
  params: ParamDef[];
  bodySchema?: Schema;
  bodyRequired: boolean;
  maxRangeDays?: number;
  kind: OperationKind;
  /** Store collection, e.g. "customers", "products/sync". */
  collection: string;
  /** For actions: the verb after the id, e.g. "delete", "add_to_group". */
  action?: string;
  /** For lookups: the query parameter matched against items. */
  lookupField?: string;
  /** For get/edit/action: the path parameter holding the item id. */
  idParam?: string;
}

export interface CollectionInfo {
  name: string;
  /** Name of the id in responses and path templates, e.g. "sale_id", "key". */
  idKey: string;
  /** Whether ids are the 20-character RevCent kind (otherwise free-form, e.g. key_values). */
  fixedLengthIds: boolean;
  /** The GET list operation, if any (used by the seed to learn which filters apply). */
  list?: OperationDef;
  maxRangeDays?: number;
}

export interface CompiledApi {
  doc: unknown;
  operations: OperationDef[];
  collections: Map<string, CollectionInfo>;
}

class SandboxSpecError extends Error {}

const isParam = (segment: string) => segment.startsWith("{") && segment.endsWith("}");
const paramName = (segment: string) => segment.slice(1, -1);

function compileParams(doc: unknown, pathItem: Record<string, unknown>, op: Record<string, unknown>): ParamDef[] {
  const byKey = new Map<string, ParamDef>();
  const raw = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ];
  for (const entry of raw) {
    const p = deref(doc, entry);
    if (!isRecord(p) || typeof p.name !== "string" || (p.in !== "path" && p.in !== "query")) continue;
    const style = typeof p.style === "string" ? p.style : p.in === "query" ? "form" : "simple";
    byKey.set(`${p.in}:${p.name}`, {
      name: p.name,
      in: p.in,
      required: p.required === true || p.in === "path",
      schema: derefSchema(doc, p.schema),
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form" || style === "deepObject",
    });
  }
  return [...byKey.values()];
}

function jsonBody(doc: unknown, op: Record<string, unknown>): { schema?: Schema; required: boolean } {
  const body = deref(doc, op.requestBody);
  if (!isRecord(body)) return { required: false };
  const content = isRecord(body.content) ? body.content : {};
  const json = content["application/json"];
  const schema = isRecord(json) && json.schema !== undefined ? derefSchema(doc, json.schema) : undefined;
  return schema ? { schema, required: body.required === true } : { required: false };
}

interface RawOp {
  operationId: string;
  method: Method;
  path: string;
  segments: string[];
  params: ParamDef[];
  body: { schema?: Schema; required: boolean };
  maxRangeDays?: number;
}

export function compileApi(doc: unknown): CompiledApi {
  if (!isRecord(doc) || !isRecord(doc.paths)) throw new SandboxSpecError("the OpenAPI document has no paths");
  const raw: RawOp[] = [];
  for (const [path, pathItemRaw] of Object.entries(doc.paths)) {
    const pathItem = deref(doc, pathItemRaw);
    if (!isRecord(pathItem)) continue;
    for (const method of ["get", "post"] as const) {
      const op = pathItem[method];
      if (!isRecord(op)) continue;
      const days = op["x-revcent-max-range-days"];
      raw.push({
        operationId: typeof op.operationId === "string" ? op.operationId : `${method.toUpperCase()} ${path}`,
        method: method === "get" ? "GET" : "POST",
        path,
        segments: path.split("/").filter(Boolean),
        params: compileParams(doc, pathItem, op),
        body: jsonBody(doc, op),
        ...(typeof days === "number" && days > 0 ? { maxRangeDays: days } : {}),
      });
    }
  }
  return classify(doc, raw);
}

function classify(doc: unknown, raw: RawOp[]): CompiledApi {
  const paths = new Set(raw.map((r) => r.path));
  const itemParamUnder = (prefix: string[]): string | undefined => {
    const hit = raw.find(
      (r) =>
        r.segments.length === prefix.length + 1 &&
        prefix.every((s, i) => r.segments[i] === s) &&
        isParam(r.segments[prefix.length]!),
    );
    return hit ? paramName(hit.segments[prefix.length]!) : undefined;
  };
  /** /sales/pending/{sale_id} shares the "sales" collection because /sales/{sale_id} exists. */
  const collectionOf = (prefix: string[], idParam?: string): string => {
    if (prefix.length > 1 && idParam && paths.has(`/${prefix[0]}/{${idParam}}`)) return prefix[0]!;
    return prefix.join("/");
  };
  const getOp = (path: string) => raw.find((r) => r.path === path && r.method === "GET");
  const hasPaging = (r: RawOp | undefined) => !!r && r.params.some((p) => p.in === "query" && p.name === "limit");
  const isSingletonGet = (r: RawOp | undefined) =>
    !!r &&
    !r.segments.some(isParam) &&
    !hasPaging(r) &&
    !r.params.some((p) => p.required) &&
    !itemParamUnder(r.segments);

  const operations: OperationDef[] = raw.map((r) => {
    const base = {
      operationId: r.operationId,
      method: r.method,
      path: r.path,
      segments: r.segments,
      params: r.params,
      bodyRequired: r.body.required,
      ...(r.body.schema ? { bodySchema: r.body.schema } : {}),
      ...(r.maxRangeDays ? { maxRangeDays: r.maxRangeDays } : {}),
    };
    const lastParam = lastParamIndex(r.segments);
    if (lastParam >= 0) {
      const idParam = paramName(r.segments[lastParam]!);
      const collection = collectionOf(r.segments.slice(0, lastParam), idParam);
      const rest = r.segments.slice(lastParam + 1);
      if (!rest.length) return { ...base, kind: r.method === "GET" ? "get" : "edit", collection, idParam };
      return { ...base, kind: r.method === "GET" ? "get" : "action", collection, idParam, action: rest.join("_") };
    }
    const segs = r.segments;
    const last = segs[segs.length - 1] ?? "";
    if (r.method === "GET") {
      if (last === "search" && segs.length > 1)
        return { ...base, kind: "search", collection: collectionOf(segs.slice(0, -1)) };
      if (hasPaging(r)) return { ...base, kind: "list", collection: collectionOf(segs) };
      const required = r.params.find((p) => p.in === "query" && p.required);
      if (required && segs.length > 1) {
        return { ...base, kind: "lookup", collection: collectionOf(segs.slice(0, -1)), lookupField: required.name };
      }
      if (itemParamUnder(segs)) return { ...base, kind: "all", collection: collectionOf(segs, itemParamUnder(segs)) };
      return { ...base, kind: "singleton", collection: segs.join("/") };
    }
    const itemParam = itemParamUnder(segs);
    if (itemParam) return { ...base, kind: "create", collection: collectionOf(segs, itemParam) };
    if (isSingletonGet(getOp(r.path))) return { ...base, kind: "singleton-edit", collection: segs.join("/") };
    return { ...base, kind: "create", collection: segs.join("/") };
  });

  return { doc, operations, collections: describeCollections(operations) };
}

function singular(word: string): string {
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

function lastParamIndex(segments: string[]): number {
  for (let i = segments.length - 1; i >= 0; i--) if (isParam(segments[i]!)) return i;
  return -1;
}

function describeCollections(operations: OperationDef[]): Map<string, CollectionInfo> {
  const out = new Map<string, CollectionInfo>();
  const idParams = new Map<string, { param: ParamDef; direct: boolean }[]>();
  for (const op of operations) {
    if (op.kind === "singleton" || op.kind === "singleton-edit") continue;
    let info = out.get(op.collection);
    if (!info) {
      const lastWord = op.collection.split("/").pop() ?? op.collection;
      info = { name: op.collection, idKey: `${singular(lastWord)}_id`, fixedLengthIds: true };
      out.set(op.collection, info);
    }
    if (op.kind === "list" && !info.list) {
      info.list = op;
      if (op.maxRangeDays) info.maxRangeDays = op.maxRangeDays;
    }
    const at = lastParamIndex(op.segments);
    const param = at >= 0 ? op.params.find((p) => p.in === "path" && `{${p.name}}` === op.segments[at]) : undefined;
    if (param) {
      const list = idParams.get(op.collection) ?? [];
      list.push({ param, direct: op.segments.slice(0, at).join("/") === op.collection });
      idParams.set(op.collection, list);
    }
  }
  for (const [name, candidates] of idParams) {
    const chosen = candidates.find((c) => c.direct) ?? candidates[0];
    const info = out.get(name);
    if (!chosen || !info) continue;
    info.idKey = chosen.param.name;
    info.fixedLengthIds = chosen.param.schema.minLength === 20 && chosen.param.schema.maxLength === 20;
  }
  return out;
}
