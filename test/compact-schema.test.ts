// The schema a model reads (tools/list) is a compaction of the one validation enforces: these tests
// pin what it drops, and that it never adds, removes or renames an argument.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compactInputSchema, withoutRepeatedDescriptions } from "../src/operations/compact-schema.js";
import type { JsonSchema } from "../src/operations/operation.js";
import { loadOperations } from "../src/operations/openapi.js";
import { Validators } from "../src/operations/validation.js";

const operations = loadOperations(
  JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8")),
);
const op = (id: string) => operations.find((o) => o.id === id)!;
type Props = Record<string, JsonSchema>;

/** Every argument path a schema accepts, following $refs into $defs. */
function argumentPaths(schema: JsonSchema, defs = (schema.$defs ?? {}) as Props, prefix = ""): string[] {
  const resolved = typeof schema.$ref === "string" ? defs[schema.$ref.replace("#/$defs/", "")]! : schema;
  const paths: string[] = [];
  for (const [name, sub] of Object.entries((resolved.properties ?? {}) as Props)) {
    paths.push(prefix + name);
    paths.push(...argumentPaths(sub, defs, `${prefix}${name}.`));
  }
  if (resolved.items) paths.push(...argumentPaths(resolved.items as JsonSchema, defs, `${prefix}[].`));
  return paths;
}

describe("compactInputSchema", () => {
  it("keeps exactly the same arguments, types and enums on every operation of the spec", () => {
    for (const o of operations) {
      // A list's metadata_filter items ({name, value}) are described once, in the instructions.
      const expected = argumentPaths(o.inputSchema).filter((p) => !p.startsWith("metadata_filter.[]."));
      expect(argumentPaths(o.toolInputSchema), o.id).toEqual(expected);
      expect(o.toolInputSchema.required, o.id).toEqual(o.inputSchema.required);
    }
    const statuses = (op("GetTransactions").toolInputSchema.properties as Props).status_filter!.items as JsonSchema;
    expect(statuses.enum).toEqual(["captured", "settled", "refunded", "held", "chargeback"]);
  });

  it("leaves every array saying what it holds (OpenAI and VS Code refuse an array without items)", () => {
    const bare: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== "object") return;
      const n = node as JsonSchema;
      if (n.type === "array" && !n.items) bare.push(at);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}.${k}`);
    };
    for (const o of operations) walk(o.toolInputSchema, o.id);
    expect(bare).toEqual([]);
  });

  it("drops what the instructions say once: id lengths, list parameters' prose and bounds, unix-time", () => {
    const getSale = op("GetSale").toolInputSchema.properties as Props;
    expect(getSale.sale_id).toEqual({ type: "string" });
    const list = op("GetSales").toolInputSchema.properties as Props;
    expect(list.limit).toEqual({ type: "integer" });
    expect(list.date_start).toEqual({ type: "integer" });
    expect(list.metadata_filter).toEqual({ type: "array", items: { type: "object" } });
    // Outside a list, the same names keep what they say: CreateSale's customer_id is not a filter.
    expect((op("CreateSale").toolInputSchema.properties as Props).customer_id!.description).toMatch(
      /Existing customer/,
    );
  });

  it("drops descriptions that only restate the name, keeps those that add something", () => {
    const compacted = compactInputSchema(
      {
        type: "object",
        additionalProperties: false,
        properties: {
          city: { type: "string", description: "City." },
          sale_id: { type: "string", minLength: 20, maxLength: 20, description: "The sale ID (20 characters)." },
          iso_currency: { type: "string", minLength: 3, maxLength: 3, description: "ISO 4217, default USD." },
          amount: { type: "number", description: "Amount to refund; omit to refund in full." },
        },
      },
      false,
    );
    expect(compacted).toEqual({
      type: "object",
      properties: {
        city: { type: "string" },
        sale_id: { type: "string" },
        iso_currency: { type: "string", minLength: 3, maxLength: 3, description: "ISO 4217, default USD." },
        amount: { type: "number", description: "Amount to refund; omit to refund in full." },
      },
    });
  });

  it("defines a repeated contact block once under $defs, and the result validates like the original", () => {
    const sale = op("CreateSale");
    const props = sale.toolInputSchema.properties as Props;
    expect(props.bill_to).toMatchObject({ $ref: "#/$defs/customer" });
    expect(props.ship_to).toMatchObject({ $ref: "#/$defs/customer" });
    expect(Object.keys(sale.toolInputSchema.$defs as object)).toEqual(["customer"]);
    const published = z.fromJSONSchema(sale.toolInputSchema as Parameters<typeof z.fromJSONSchema>[0]);
    const args = { campaign: "c".repeat(20), product: [{ id: "PR0001" }], ship_to: { zip: "90210", country: "USA" } };
    expect(published.safeParse(args).success).toBe(true);
    expect(published.safeParse({ ...args, ship_to: { zip: 90210 } }).success).toBe(false);
  });

  it("validation still enforces what the listed schema leaves out", () => {
    const validators = new Validators();
    const shortId = validators.validate(op("GetSale"), { sale_id: "x".repeat(19) });
    expect(shortId).toMatchObject({ ok: false, field: "sale_id" });
    const unknown = validators.validate(op("GetSale"), { sale_id: "x".repeat(20), verified: true });
    expect(unknown).toMatchObject({ ok: false, field: "verified" });
    const limit = validators.validate(op("GetSales"), { date_start: 1, date_end: 2, limit: 26, page: 1 });
    expect(limit).toMatchObject({ ok: false, field: "limit" });
  });
});

describe("withoutRepeatedDescriptions", () => {
  it("explains a field once per list, in the first tool that has it, without touching the inputs", () => {
    const first: JsonSchema = {
      type: "object",
      properties: {
        gateway: { type: "string", description: "Gateway ID or custom name." },
        zip: { type: "string", description: "Postal code." },
      },
    };
    const second: JsonSchema = {
      type: "object",
      properties: {
        gateway: { type: "string", description: "Gateway ID or custom name." },
        zip: { type: "string", description: "Where it ships." },
      },
    };
    const before = JSON.stringify([first, second]);
    const [a, b] = withoutRepeatedDescriptions([first, second]);
    expect(a).toEqual(first);
    expect(b).toEqual({
      type: "object",
      properties: { gateway: { type: "string" }, zip: { type: "string", description: "Where it ships." } },
    });
    expect(JSON.stringify([first, second])).toBe(before);
  });
});
