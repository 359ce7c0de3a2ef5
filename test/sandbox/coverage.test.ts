// Every operation in the spec answers 200 when called with valid minimal arguments derived from
// the spec itself (required params and body fields only), against seeded ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { FIXED_NOW, call, dateWindow, loadSpec, start } from "./helpers.js";

const spec: any = loadSpec();

function deref(node: any): any {
  let current = node;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    current = current.$ref.slice(2).split("/").reduce((o: any, k: string) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
  }
  return current ?? {};
}

/** A minimal value satisfying `schema`: required properties only, bounds respected. */
function sample(rawSchema: any, name = ""): unknown {
  const schema = deref(rawSchema);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s: any) => sample(s, name)));
  if (schema.oneOf || schema.anyOf) return sample((schema.oneOf ?? schema.anyOf)[0], name);
  if (schema.enum) return schema.enum[0];
  if ("const" in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "integer":
    case "number":
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}, name));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const req of schema.required ?? []) out[req] = sample(schema.properties?.[req] ?? { type: "string" }, req);
      // {item_type, item_id} bodies point at an existing seeded item of that type.
      if (typeof out.item_type === "string" && "item_id" in out) out.item_id = seedIdFor(`${out.item_type}_id`, 0);
      return out;
    }
    default: {
      if (schema.format === "email") return "sandbox@example.com";
      if (/campaign$/.test(name) && schema.minLength === 20) return SEED_IDS.campaign;
      const length = Math.max(schema.minLength ?? 1, 1);
      return "x".repeat(length);
    }
  }
}

const KNOWN_QUERY: Record<string, string> = { coupon_code: SEED_IDS.couponCode, search_term: "a" };

interface Case { method: string; path: string; operationId: string; url: string; query: Record<string, string | number>; body?: unknown }

function cases(): Case[] {
  const out: Case[] = [];
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    for (const method of ["get", "post"]) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      let url = path;
      const query: Record<string, string | number> = {};
      const window = dateWindow(FIXED_NOW, 1);
      for (const p of params) {
        if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(seedIdFor(p.name, 0)));
        else if (p.in === "query" && p.required) {
          const known = (window as Record<string, number>)[p.name] ?? KNOWN_QUERY[p.name];
          query[p.name] = known ?? String(sample(p.schema, p.name));
        }
      }
      const bodySchema = deref(op.requestBody)?.content?.["application/json"]?.schema;
      out.push({
        method: method.toUpperCase(), path, operationId: op.operationId, url, query,
        ...(method === "post" ? { body: bodySchema ? sample(bodySchema) : {} } : {}),
      });
    }
  }
  // Deletes last, so the seeded item each operation uses still exists when it runs.
  return [...out.filter((c) => !c.path.endsWith("/delete")), ...out.filter((c) => c.path.endsWith("/delete"))];
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

describe("every operation in the spec", () => {
  const all = cases();

  it("is enumerated from the spec", () => {
    expect(all.length).toBeGreaterThanOrEqual(250);
    expect(new Set(all.map((c) => c.operationId)).size).toBe(all.length);
  });

  it("answers 200 with a success body to valid minimal arguments", async () => {
    const failures: string[] = [];
    for (const c of all) {
      const r = await call(sb, c.method, c.url, { query: c.query, ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status, `${c.operationId} ${c.method} ${c.url}`).not.toBe(404);
      expect(r.status, `${c.operationId} ${c.method} ${c.url}`).not.toBe(405);
      if (r.status !== 200 || r.body?.code !== 1) failures.push(`${c.operationId} ${c.method} ${c.url} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 404, not 200, for the same calls with an unknown id", async () => {
    const withId = all.filter((c) => c.path.includes("{") && /_id\}/.test(c.path));
    expect(withId.length).toBeGreaterThan(100);
    for (const c of withId) {
      const url = c.url.replace(/[A-Za-z0-9]{20}/, "ZZZZZZZZZZZZZZZZZZZZ");
      const r = await call(sb, c.method, url, { query: c.query, ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status, `${c.operationId} ${url}`).toBe(404);
      expect(r.body.message).toBe("The requested item does not exist.");
    }
  });
});
