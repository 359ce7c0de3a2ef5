// Generator golden tests on small spec fixtures (hey-api style): the operations each fixture
// produces are compared with a checked-in golden file, so any change shows in review.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadOperations, SpecError } from "../src/operations/openapi.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`fixtures/generator/${name}`, import.meta.url), "utf8"));

describe("OpenAPI -> operations", () => {
  it("on the bundled spec, each tool's input is exactly its parameters and body fields, minus secrets", () => {
    const spec = JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
    const ops = loadOperations(spec);
    expect(ops).toHaveLength(282);
    const resolve = (p: { $ref?: string }) => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()!] : p);
    for (const op of ops) {
      const raw = spec.paths[op.path][op.method.toLowerCase()];
      const params = (raw.parameters ?? []).map(resolve);
      const body = raw.requestBody?.content?.["application/json"]?.schema;
      const expected = [...params.map((p: { name: string }) => p.name), ...Object.keys(body?.properties ?? {})].filter(
        (n) => n !== "idempotency_key" && !op.secretFields.includes(n),
      );
      expect(Object.keys(op.inputSchema.properties as object).sort(), op.id).toEqual(expected.sort());
      const required = [
        ...params.filter((p: { required?: boolean }) => p.required).map((p: { name: string }) => p.name),
        ...(body?.required ?? []),
      ];
      expect(((op.inputSchema.required as string[] | undefined) ?? []).sort(), op.id).toEqual(
        required.filter((n: string) => !op.secretFields.includes(n)).sort(),
      );
      for (const p of params) {
        const schema = (op.inputSchema.properties as Record<string, Record<string, unknown>>)[p.name]!;
        for (const key of ["type", "enum", "minimum", "maximum", "minLength", "maxLength", "format"]) {
          // Size formats (int32, float …) are dropped on purpose: the type says what a model needs.
          if (key === "format" && ["int32", "int64", "float", "double"].includes(p.schema[key])) continue;
          if (p.schema[key] !== undefined) expect(schema[key], `${op.id}.${p.name}.${key}`).toEqual(p.schema[key]);
        }
      }
    }
  });

  it("mini spec matches its golden output", async () => {
    const ops = loadOperations(fixture("mini-spec.json"));
    await expect(JSON.stringify(ops, null, 1) + "\n").toMatchFileSnapshot("fixtures/generator/mini-spec.golden.json");
  });

  it("RevCent's official GetTransactions operation loads unchanged and matches its golden output", async () => {
    const ops = loadOperations(fixture("official-spec.json"));
    await expect(JSON.stringify(ops, null, 1) + "\n").toMatchFileSnapshot(
      "fixtures/generator/official-spec.golden.json",
    );
  });

  it("official style: form/explode arrays, deepObject, unix-time, allOf response, empty form body on a GET", () => {
    const [op] = loadOperations(fixture("official-spec.json"));
    expect(op).toBeDefined();
    const byName = new Map(op!.parameters.map((p) => [p.name, p]));
    expect(byName.get("status_filter")).toEqual({
      name: "status_filter",
      in: "query",
      required: false,
      style: "form",
      explode: true,
    });
    expect(byName.get("metadata_filter")?.style).toBe("deepObject");
    const props = op!.inputSchema.properties as Record<string, { format?: string; items?: { enum?: string[] } }>;
    expect(props.date_start?.format).toBe("unix-time");
    expect(props.result_filter?.items?.enum).toEqual(["approved", "declined", "error", "held"]);
    expect(op!.bodyFields).toEqual([]); // the form-urlencoded body has no properties
    expect(op!.hasBody).toBe(false);
    expect(op!.maxRangeDays).toBe(90); // read from the description: the official file has no x- marks
    expect(op!.readOnly).toBe(true);
    const items = (op!.outputSchema?.properties as Record<string, { items?: { allOf?: unknown[] } }>).results?.items;
    expect(items?.allOf).toHaveLength(2);
    // Output schemas describe without forbidding: an extra upstream field must not fail the call.
    expect(JSON.stringify(op!.outputSchema)).not.toContain('"additionalProperties":false');
    expect(op!.inputSchema.additionalProperties).toBe(false);
    expect(JSON.stringify(op!.outputSchema)).toContain('"enum":["Approved","Declined","Held","Merchant Error"]');
  });

  it("strips secrets at any depth, by mark or by name, and records where they were", () => {
    const ops = loadOperations(fixture("mini-spec.json"));
    const create = ops.find((o) => o.id === "CreateWidget")!;
    expect(create.secretFields.sort()).toEqual([
      "api_password",
      "parts[].secret_code",
      "payment.card_number",
      "payment.vault",
    ]);
    const text = JSON.stringify(create.inputSchema);
    for (const word of [
      "card_number",
      "api_password",
      "secret_code",
      "vault",
      "idempotency_key",
      "x-revcent",
      "example",
    ]) {
      expect(text).not.toContain(word);
    }
    const payment = (create.inputSchema.properties as Record<string, { required?: string[] }>).payment;
    expect(payment?.required).toEqual(["amount"]);
  });

  it("annotations follow marks first, then verbs", () => {
    const ops = Object.fromEntries(loadOperations(fixture("mini-spec.json")).map((o) => [o.id, o]));
    expect(ops.PostWidgetsVoid).toMatchObject({ destructive: true, idempotent: false, readOnly: false });
    expect(ops.RecalculateGatewayThing).toMatchObject({
      destructive: true,
      idempotent: true,
      toolset: "gateway-things",
    });
    expect(ops.EditWidget).toMatchObject({ destructive: false, idempotent: true });
    expect(ops.RunReport).toMatchObject({ readOnly: true, destructive: false, maxRangeDays: 2 });
    expect(ops.GetWidget?.parameters).toEqual([
      { name: "widget_id", in: "path", required: true, style: "simple", explode: true },
    ]);
  });

  it("refuses documents it cannot serve, with a message naming the problem", () => {
    expect(() => loadOperations({})).toThrow(SpecError);
    const dangling = {
      paths: { "/a": { get: { operationId: "A", parameters: [{ $ref: "#/components/parameters/none" }] } } },
    };
    expect(() => loadOperations(dangling)).toThrow(/unresolved reference #\/components\/parameters\/none/);
    const clash = {
      paths: {
        "/a/{x}": {
          post: {
            operationId: "A",
            parameters: [{ name: "x", in: "path", required: true }],
            requestBody: {
              content: { "application/json": { schema: { type: "object", properties: { x: { type: "string" } } } } },
            },
          },
        },
      },
    };
    expect(() => loadOperations(clash)).toThrow(/A: input name x appears twice/);
  });
});
