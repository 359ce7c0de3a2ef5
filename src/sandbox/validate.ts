// Validates a request against its operation in the spec: path ids, query params (coerced from
// strings), date ranges, and the JSON body. Throws ApiError(400) naming the parameter.
import type { OperationDef, ParamDef } from "./operations.js";
import { deepObjectValue, hasDeepValues, plainValues, type QueryEntries } from "./query.js";
import { badRequest } from "./responses.js";
import { checkValue, derefSchema, isRecord, schemaTypes, type Schema } from "./schema.js";
import { DAY_SECONDS } from "../operations/operation.js";

export interface RequestArgs {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

function coerceScalar(schema: Schema, raw: string, name: string): unknown {
  const types = schemaTypes(schema);
  if (types.includes("integer")) {
    if (/^-?\d+$/.test(raw.trim())) return Number(raw.trim());
    if (!types.includes("string")) throw badRequest(`${name} must be an integer`);
  }
  if (types.includes("number")) {
    const n = Number(raw);
    if (raw.trim() !== "" && Number.isFinite(n)) return n;
    if (!types.includes("string")) throw badRequest(`${name} must be a number`);
  }
  if (types.includes("boolean")) {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    if (!types.includes("string")) throw badRequest(`${name} must be true or false`);
  }
  return raw;
}

function readQueryParam(doc: unknown, p: ParamDef, entries: QueryEntries): unknown {
  const types = schemaTypes(p.schema);
  if (p.style === "deepObject") {
    if (!hasDeepValues(entries, p.name)) return undefined;
    return deepObjectValue(entries, p.name, types.includes("array"));
  }
  const values = plainValues(entries, p.name);
  if (!values.length) return undefined;
  if (types.includes("array")) {
    const items = derefSchema(doc, p.schema.items);
    const list = p.explode ? values : values.flatMap((v) => v.split(","));
    return list.map((v, i) => coerceScalar(items, v, `${p.name}[${i}]`));
  }
  if (types.includes("object")) {
    try {
      return JSON.parse(values[0]!);
    } catch {
      throw badRequest(`${p.name} must be a JSON object`);
    }
  }
  // Single-valued: extra repeats are ignored, as RevCent does for customer_id.
  return coerceScalar(p.schema, values[0]!, p.name);
}

export function validateParams(
  doc: unknown,
  op: OperationDef,
  pathValues: Record<string, string>,
  entries: QueryEntries,
): Omit<RequestArgs, "body"> {
  const path: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  for (const p of op.params) {
    if (p.in === "path") {
      const value = pathValues[p.name] ?? "";
      const err = checkValue(doc, p.schema, value, p.name);
      if (err) throw badRequest(err);
      path[p.name] = value;
      continue;
    }
    const value = readQueryParam(doc, p, entries);
    if (value === undefined) {
      if (p.required) throw badRequest(`Missing required parameter: ${p.name}`, "E_MISSING_PARAMETER");
      continue;
    }
    const err = checkValue(doc, p.schema, value, p.name);
    if (err) throw badRequest(err);
    query[p.name] = value;
  }
  checkDateRange(op, query);
  return { path, query };
}

function checkDateRange(op: OperationDef, query: Record<string, unknown>): void {
  const start = query.date_start;
  const end = query.date_end;
  if (typeof start !== "number" || typeof end !== "number") return;
  if (end < start) throw badRequest("date_end must not be earlier than date_start", "E_DATE_RANGE");
  if (op.maxRangeDays && end - start > op.maxRangeDays * DAY_SECONDS) {
    throw badRequest(
      `The difference between date_start and date_end cannot exceed ${op.maxRangeDays} days`,
      "E_DATE_RANGE",
    );
  }
}

export function parseBody(doc: unknown, op: OperationDef, raw: string): Record<string, unknown> {
  if (op.method !== "POST") return {};
  if (!raw.trim()) {
    if (op.bodyRequired) throw badRequest("A JSON request body is required", "E_MISSING_PARAMETER");
    return {};
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    throw badRequest(`Invalid JSON body: ${(err as Error).message}`, "E_INVALID_JSON");
  }
  if (!isRecord(body)) throw badRequest("The request body must be a JSON object", "E_INVALID_JSON");
  if (op.bodySchema) {
    // RevCent documents idempotency_key for every POST, whether or not a body schema lists it.
    const { idempotency_key: _key, ...fields } = body;
    const err = checkValue(doc, op.bodySchema, fields, "");
    if (err) throw badRequest(err, err.startsWith("Missing required") ? "E_MISSING_PARAMETER" : "E_INVALID_PARAMETER");
  }
  const key = body.idempotency_key;
  if (key !== undefined && (typeof key !== "string" || key.length < 10 || key.length > 255)) {
    throw badRequest("idempotency_key must be a string of 10 to 255 characters");
  }
  return body;
}
