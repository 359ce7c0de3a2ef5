// Flat tool arguments -> the HTTP request RevCent expects: path params encoded, query arrays as
// repeated params (form/explode), deepObject params as name[i][key]=value, the rest a JSON body;
// for a V1 operation, V1's envelope: {"request": {type, method, ...arguments}}.
import type { Operation } from "../operations/operation.js";

export interface PreparedRequest {
  method: "GET" | "POST";
  /** Path and query, relative to the API base path. */
  path: string;
  body?: string;
}

export function buildRequest(op: Operation, args: Record<string, unknown>, idempotencyKey?: string): PreparedRequest {
  if (op.v1) {
    // V1 has no idempotency key; its writes are never retried blind instead (revcent-client.ts).
    const request: Record<string, unknown> = { type: op.v1.type, method: op.v1.method };
    for (const name of op.bodyFields) if (args[name] !== undefined) request[name] = args[name];
    return { method: "POST", path: "", body: JSON.stringify({ request }) };
  }
  let path = op.path;
  const query = new URLSearchParams();
  for (const p of op.parameters) {
    const value = args[p.name];
    if (value === undefined || value === null) continue;
    if (p.in === "path") {
      path = path.replace(`{${p.name}}`, encodeURIComponent(scalar(value)));
    } else if (p.style === "deepObject") {
      appendDeepObject(query, p.name, value);
    } else if (Array.isArray(value)) {
      if (p.explode) for (const item of value) query.append(p.name, scalar(item));
      else query.append(p.name, value.map(scalar).join(","));
    } else {
      query.append(p.name, scalar(value));
    }
  }
  const qs = query.toString();
  const request: PreparedRequest = { method: op.method, path: qs ? `${path}?${qs}` : path };
  if (op.hasBody) {
    const body: Record<string, unknown> = {};
    for (const name of op.bodyFields) if (args[name] !== undefined) body[name] = args[name];
    if (idempotencyKey) body.idempotency_key = idempotencyKey;
    request.body = JSON.stringify(body);
  }
  return request;
}

function appendDeepObject(query: URLSearchParams, name: string, value: unknown): void {
  const entries = Array.isArray(value) ? value.map((v, i) => [`${name}[${i}]`, v] as const) : [[name, value] as const];
  for (const [prefix, item] of entries) {
    if (typeof item === "object" && item !== null) {
      for (const [key, v] of Object.entries(item)) if (v !== undefined) query.append(`${prefix}[${key}]`, scalar(v));
    } else {
      query.append(prefix, scalar(item));
    }
  }
}

function scalar(v: unknown): string {
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}
