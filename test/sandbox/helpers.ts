// Shared helpers for the sandbox tests: the spec from disk, an in-process sandbox on a free
// loopback port, and a small HTTP client over undici.
import { readFileSync } from "node:fs";
import { request } from "undici";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";

const SPEC_URL = new URL("../../spec/revcent-v2.openapi.json", import.meta.url);
const API_KEY = "sandbox-key";
export const DAY = 86_400;
/** A fixed clock (ms) for tests that compare data across starts. */
export const FIXED_NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

let cachedSpec: unknown;
export function loadSpec(): unknown {
  cachedSpec ??= JSON.parse(readFileSync(SPEC_URL, "utf8"));
  return structuredClone(cachedSpec);
}

export function start(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return startSandbox({ spec: loadSpec(), port: 0, ...options });
}

type Query = Record<string, string | number | (string | number)[]> | string;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** Sent verbatim instead of JSON.stringify(body). */
  rawBody?: string;
  /** API key header; null omits it. */
  key?: string | null;
}

export interface Reply {
  status: number;
  body: any;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) return "";
  if (typeof query === "string") return query ? `?${query}` : "";
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
  }
  const s = qs.toString();
  return s ? `?${s}` : "";
}

export async function call(sandbox: Sandbox, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json" };
  const key = options.key === undefined ? API_KEY : options.key;
  if (key !== null) headers["x-api-key"] = key;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await request(`${sandbox.url}${path}${queryString(options.query)}`, {
    method: method as "GET",
    headers,
    body,
  });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // leave as text; tests assert on JSON
  }
  return { status: res.statusCode, body: parsed };
}

/** A date window ending at `nowMs`, `days` long, as list query params. */
export function dateWindow(
  nowMs: number,
  days: number,
  extra: Record<string, string | number | (string | number)[]> = {},
) {
  const end = Math.floor(nowMs / 1000);
  return { date_start: end - days * DAY, date_end: end, limit: 25, page: 1, ...extra };
}

/** Drops the per-call fields so two responses can be compared. */
export function withoutCall(body: Record<string, unknown>): Record<string, unknown> {
  const { api_call_id: _id, api_call_unix: _unix, ...rest } = body;
  return rest;
}
