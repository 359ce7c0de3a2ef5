// The sandbox's BigQuery export: GetBigQueryTables lists a table per exported collection, with a
// schema that matches the rows the sandbox serves for that collection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { call, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start();
});
afterAll(() => sb.close());

describe("sandbox BigQuery tables", () => {
  it("lists the exported tables with fully qualified ids and schemas", async () => {
    const r = await call(sb, "GET", "/bigquery_tables");
    expect(r.status).toBe(200);
    const names = r.body.results.map((t: { table_name: string }) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(["customers", "sales", "transactions", "subscriptions"]));
    for (const table of r.body.results) {
      expect(table.table_id).toBe(`revcent-sandbox.revcent_sandbox_account.${table.table_name}`);
      expect(table.schema.fields.length).toBeGreaterThan(3);
      expect(table.num_rows).toBeGreaterThan(0);
    }
  });

  it("describes one table by name, with types read off its rows", async () => {
    const r = await call(sb, "GET", "/bigquery_tables/transactions");
    expect(r.status).toBe(200);
    const byName = new Map(r.body.schema.fields.map((f: { name: string }) => [f.name, f]));
    expect(byName.get("amount")).toMatchObject({ type: "NUMERIC", mode: "NULLABLE" });
    expect(byName.get("approved")).toMatchObject({ type: "BOOL" });
    expect(byName.get("created_date_unix")).toMatchObject({ type: "INT64" });
    expect(byName.get("created_date")).toMatchObject({ type: "TIMESTAMP" });
    expect(byName.get("customer")).toMatchObject({
      type: "RECORD",
      fields: expect.arrayContaining([expect.objectContaining({ name: "email", type: "STRING" })]),
    });
    expect(byName.get("metadata")).toMatchObject({ type: "RECORD", mode: "REPEATED" });

    const txn = await call(sb, "GET", `/transactions/${SEED_IDS.transaction}`);
    for (const key of Object.keys(txn.body).filter(
      (k) => !["api_call_id", "api_call_unix", "code", "result"].includes(k),
    )) {
      expect(byName.has(key), key).toBe(true);
    }
  });

  it("answers 404 for an unknown table", async () => {
    expect((await call(sb, "GET", "/bigquery_tables/no_such_table")).status).toBe(404);
  });
});
