// The sandbox serves whatever the spec describes: a synthetic spec with invented resources gets
// the same generic behaviour (no list of operations is built in), and $refs are resolved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { compileApi } from "../../src/sandbox/operations.js";
import { FIXED_NOW, call, dateWindow, loadSpec } from "./helpers.js";

const id20 = { type: "string", minLength: 20, maxLength: 20 };
const MINI = {
  openapi: "3.1.0",
  info: { title: "mini", version: "1" },
  components: {
    parameters: {
      limit: { name: "limit", in: "query", required: true, schema: { type: "integer", minimum: 1, maximum: 10 } },
      page: { name: "page", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
      gizmo_id: { name: "gizmo_id", in: "path", required: true, schema: id20 },
    },
    schemas: {
      // Closed, and without idempotency_key, as RevCent's official operation files write bodies.
      Gizmo: {
        type: "object",
        additionalProperties: false,
        required: ["label"],
        properties: { label: { type: "string", minLength: 2 }, size: { type: "string", enum: ["S", "M", "L"] } },
      },
    },
  },
  paths: {
    "/gizmos": {
      get: {
        operationId: "GetGizmos",
        "x-revcent-max-range-days": 5,
        parameters: [
          { name: "date_start", in: "query", required: true, schema: { type: "integer" } },
          { name: "date_end", in: "query", required: true, schema: { type: "integer" } },
          { $ref: "#/components/parameters/limit" },
          { $ref: "#/components/parameters/page" },
        ],
      },
      post: {
        operationId: "CreateGizmo",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Gizmo" } } },
        },
      },
    },
    "/gizmos/{gizmo_id}": {
      parameters: [{ $ref: "#/components/parameters/gizmo_id" }],
      get: { operationId: "GetGizmo" },
    },
    "/gizmos/{gizmo_id}/polish": {
      post: { operationId: "PolishGizmo", parameters: [{ $ref: "#/components/parameters/gizmo_id" }] },
    },
    "/gizmos/search": {
      get: {
        operationId: "SearchGizmos",
        parameters: [{ name: "search_term", in: "query", required: true, schema: { type: "string" } }],
      },
    },
    "/settings": { get: { operationId: "GetSettings" }, post: { operationId: "EditSettings" } },
  },
};

describe("a synthetic spec", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ spec: MINI, now: () => FIXED_NOW, apiKey: "k" });
  });
  afterAll(() => sb.close());
  const opts = { key: "k" };

  it("validates from the spec: $ref parameters, limits, range days and body schema", async () => {
    expect((await call(sb, "GET", "/gizmos", { ...opts, query: dateWindow(FIXED_NOW, 5, { limit: 11 }) })).status).toBe(
      400,
    );
    const tooLong = await call(sb, "GET", "/gizmos", { ...opts, query: dateWindow(FIXED_NOW, 6, { limit: 5 }) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain("5 days");
    const noLabel = await call(sb, "POST", "/gizmos", { ...opts, body: { size: "M" } });
    expect(noLabel.body.message).toContain("label");
    expect((await call(sb, "POST", "/gizmos", { ...opts, body: { label: "ok", size: "XL" } })).body.message).toContain(
      "size",
    );
    expect((await call(sb, "POST", "/gizmos", { ...opts, rawBody: "" })).status).toBe(400);
  });

  it("accepts the documented idempotency_key on a closed body that does not list it, and refuses other unknown fields", async () => {
    const key = "gizmo-key-0001";
    const created = await call(sb, "POST", "/gizmos", { ...opts, body: { label: "Keyed", idempotency_key: key } });
    expect(created.status).toBe(200);
    const again = await call(sb, "POST", "/gizmos", { ...opts, body: { label: "Keyed", idempotency_key: key } });
    expect(again.body).toMatchObject({ error_code: "E_IDEMPOTENCY" });
    const unknown = await call(sb, "POST", "/gizmos", { ...opts, body: { label: "Odd", colour: "red" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("Unknown parameter: colour");
  });

  it("creates, gets, lists, searches and acts on an invented resource", async () => {
    const created = await call(sb, "POST", "/gizmos", { ...opts, body: { label: "Shiny", size: "L" } });
    expect(created.status).toBe(200);
    const id = created.body.gizmo_id;
    expect(id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await call(sb, "GET", `/gizmos/${id}`, opts)).body).toMatchObject({ id, label: "Shiny" });
    const listed = await call(sb, "GET", "/gizmos", { ...opts, query: dateWindow(FIXED_NOW, 5, { limit: 10 }) });
    expect(listed.body.results.map((g: { id: string }) => g.id)).toContain(id);
    expect(
      (await call(sb, "GET", "/gizmos/search", { ...opts, query: { search_term: "shiny" } })).body.results[0].id,
    ).toBe(id);
    const polished = await call(sb, "POST", `/gizmos/${id}/polish`, { ...opts, body: {} });
    expect(polished.body).toMatchObject({
      id,
      gizmo_id: id,
      status: "Polished",
      polished_date_unix: Math.floor(FIXED_NOW / 1000),
    });
    expect((await call(sb, "GET", "/customers", opts)).status).toBe(404);
  });

  it("treats a GET/POST path without items or paging as singleton settings", async () => {
    expect((await call(sb, "POST", "/settings", { ...opts, body: { theme: "dark" } })).body).toMatchObject({
      code: 1,
      theme: "dark",
    });
    expect((await call(sb, "GET", "/settings", opts)).body).toMatchObject({
      code: 1,
      result: "Success",
      theme: "dark",
    });
  });
});

describe("classification of the project spec", () => {
  const api = compileApi(loadSpec());
  const kind = (method: string, path: string) => api.operations.find((o) => o.method === method && o.path === path);

  it("derives kinds and collections from path patterns", () => {
    expect(kind("GET", "/customers")).toMatchObject({ kind: "list", collection: "customers", maxRangeDays: 90 });
    expect(kind("GET", "/customers/search")).toMatchObject({ kind: "search", collection: "customers" });
    expect(kind("POST", "/customers/{customer_id}/add_to_group")).toMatchObject({
      kind: "action",
      action: "add_to_group",
      idParam: "customer_id",
    });
    expect(kind("POST", "/sales/pending/{sale_id}/process")).toMatchObject({
      kind: "action",
      collection: "sales",
      action: "process",
    });
    expect(kind("POST", "/sales/pending")).toMatchObject({ kind: "create", collection: "sales" });
    expect(kind("GET", "/products/sync/{product_sync_id}")).toMatchObject({ kind: "get", collection: "products/sync" });
    expect(kind("GET", "/sentinel")).toMatchObject({ kind: "singleton" });
    expect(kind("POST", "/sentinel")).toMatchObject({ kind: "singleton-edit" });
    expect(kind("GET", "/bigquery_tables")).toMatchObject({ kind: "all", collection: "bigquery_tables" });
    expect(kind("GET", "/coupons/validate")).toMatchObject({
      kind: "lookup",
      collection: "coupons",
      lookupField: "coupon_code",
    });
    expect(api.collections.get("shipping")).toMatchObject({ idKey: "shipping_id", fixedLengthIds: true });
    expect(api.collections.get("key_values")).toMatchObject({ idKey: "key", fixedLengthIds: false });
  });

  it("rejects a document without paths", () => {
    expect(() => compileApi({ openapi: "3.1.0" })).toThrow(/paths/);
  });
});
