// The V1 catalog loader: spec/v1-operations.json becomes the same Operation model the OpenAPI
// loader produces (golden file below, so any change shows in review), and V1 requests are built in
// V1's envelope from it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildRequest } from "../src/client/request.js";
import { loadOperations, SpecError } from "../src/operations/openapi.js";
import { loadV1Operations } from "../src/operations/v1-catalog.js";

const catalog = JSON.parse(readFileSync(new URL("../spec/v1-operations.json", import.meta.url), "utf8"));
const v2 = loadOperations(
  JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8")),
);
const operations = loadV1Operations(catalog);

/** A one-operation catalog, for the loader's refusals. */
const single = (op: Record<string, unknown>) => ({
  tag: { name: "V1 Legacy", "x-revcent-toolset": "v1-legacy" },
  operations: [
    {
      operationId: "V1ThingRetrieve",
      type: "thing",
      method: "retrieve",
      summary: "s",
      description: "d",
      request: { type: "object", properties: { id: { type: "string" } } },
      ...op,
    },
  ],
});

describe("V1 catalog", () => {
  it("matches its golden output", async () => {
    await expect(JSON.stringify(operations, null, 1) + "\n").toMatchFileSnapshot(
      "fixtures/generator/v1-operations.golden.json",
    );
  });

  it("holds only operations V2 lacks, in their own opt-in toolset, named V1<Type><Method>", () => {
    const v2Ids = new Set(v2.map((o) => o.id));
    expect(operations.filter((o) => v2Ids.has(o.id))).toEqual([]);
    expect(new Set(operations.map((o) => o.toolset))).toEqual(new Set(["v1-legacy"]));
    expect(v2.some((o) => o.toolset === "v1-legacy")).toBe(false);
    for (const op of operations) expect(op.id).toMatch(/^V1[A-Z][A-Za-z]+$/);
    // V2 has no path for what these read (license keys, quota, fraud detection requests).
    const v2Paths = v2.map((o) => o.path).join(" ");
    for (const type of ["license_key", "quota_unit", "fraud_detection_request"])
      expect(v2Paths).not.toContain(`/${type}`);
  });

  it("marks where every request field comes from, and where each operation is documented", () => {
    for (const raw of catalog.operations) {
      expect(raw["x-revcent-docs"], raw.operationId).toMatch(/^V1 reference, /);
      for (const [name, field] of Object.entries(raw.request.properties as Record<string, Record<string, unknown>>)) {
        expect(["v1-docs", "inferred"], `${raw.operationId}.${name}`).toContain(field["x-revcent-provenance"]);
      }
    }
  });

  it("gives reads the read-only hint and the cancel the destructive one, linked to the read that checks it", () => {
    const cancel = operations.find((o) => o.id === "V1PendingSaleCancel")!;
    expect(cancel).toMatchObject({
      readOnly: false,
      destructive: true,
      idempotent: false,
      verifyWith: "GetSale",
      v1: { type: "sale", method: "void", entityArgument: "unique_request_id" },
    });
    expect(v2.find((o) => o.id === cancel.verifyWith)).toBeDefined();
    expect(operations.filter((o) => o.readOnly).map((o) => o.v1!.method)).toEqual([
      "retrieve",
      "retrieve",
      "retrieve",
      "retrieve",
    ]);
  });

  it("builds V1's envelope: type and method from the catalog, then the arguments; no idempotency key", () => {
    const op = operations.find((o) => o.id === "V1LicenseKeyRetrieve")!;
    expect(buildRequest(op, { id: "KEY-1", fields: ["ignored"] }, "key-ignored")).toEqual({
      method: "POST",
      path: "",
      body: JSON.stringify({ request: { type: "license_key", method: "retrieve", id: "KEY-1" } }),
    });
  });

  it("refuses catalogs it cannot serve: names without V1, envelope fields, a verify argument that is no field", () => {
    expect(() => loadV1Operations({ operations: [] })).toThrow(SpecError);
    expect(() => loadV1Operations(single({ operationId: "ThingRetrieve" }))).toThrow(/start with V1/);
    expect(() =>
      loadV1Operations(single({ request: { type: "object", properties: { type: { type: "string" } } } })),
    ).toThrow(/field type is part of V1's envelope/);
    expect(() =>
      loadV1Operations(single({ "x-revcent-verify-with": { operation: "GetSale", argument: "sale_id" } })),
    ).toThrow(/names sale_id, which is not a request field/);
    const twice = single({});
    twice.operations.push(twice.operations[0]!);
    expect(() => loadV1Operations(twice)).toThrow(/duplicate V1 operation V1ThingRetrieve/);
  });

  it("keeps secrets out of V1 inputs as the OpenAPI loader does", () => {
    const [op] = loadV1Operations(
      single({ request: { type: "object", properties: { id: { type: "string" }, api_key: { type: "string" } } } }),
    );
    expect(Object.keys(op!.inputSchema.properties as object)).toEqual(["id"]);
    expect(op!.secretFields).toEqual(["api_key"]);
  });
});
