// RevCent's BigQuery export, emulated: one table per exported collection, whose schema is read off
// the seeded rows themselves (so it always matches what the sandbox serves), answered by
// GetBigQueryTables / GetBigQueryTable. Running SQL is out of reach: BigQueryRunQuery accepts the
// query and returns no rows.
import type { CreateHook } from "./custom-types.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";

export const BIGQUERY_TABLES_COLLECTION = "bigquery_tables";
const PROJECT = "revcent-sandbox";
const DATASET = "revcent_sandbox_account";

/** The collections the account's BigQuery dataset holds, and what one row is. */
const EXPORTED: Record<string, string> = {
  customers: "customer",
  sales: "sale",
  transactions: "payment transaction (sale, renewal or refund)",
  product_sales: "product sold in a sale",
  subscriptions: "subscription",
  trials: "trial",
  shipping: "shipment",
  chargebacks: "chargeback",
  pending_refunds: "pending refund",
  products: "product",
  campaigns: "campaign",
};

interface BigQueryField {
  name: string;
  type: "STRING" | "INT64" | "NUMERIC" | "FLOAT64" | "BOOL" | "TIMESTAMP" | "RECORD";
  mode: "NULLABLE" | "REPEATED";
  description?: string;
  fields?: BigQueryField[];
}

/** A column's type from the values the rows hold: the first value that says something decides. */
function fieldOf(name: string, values: unknown[]): BigQueryField {
  const present = values.filter((v) => v !== null && v !== undefined);
  const arrays = present.filter(Array.isArray);
  if (arrays.length && arrays.length === present.length) {
    const inner = fieldOf(name, arrays.flat());
    return { ...inner, mode: "REPEATED" };
  }
  const records = present.filter(isRecord);
  if (records.length && records.length === present.length) {
    return { name, type: "RECORD", mode: "NULLABLE", fields: fieldsOf(records) };
  }
  const sample = present[0];
  if (typeof sample === "boolean") return { name, type: "BOOL", mode: "NULLABLE" };
  if (typeof sample === "number") {
    if (name.endsWith("_unix")) return { name, type: "INT64", mode: "NULLABLE", description: "Unix seconds." };
    const money = /amount|price|total|cost|fee/.test(name);
    if (money) return { name, type: "NUMERIC", mode: "NULLABLE", description: "In the item's iso_currency." };
    return { name, type: present.every((v) => Number.isInteger(v)) ? "INT64" : "FLOAT64", mode: "NULLABLE" };
  }
  return { name, type: "STRING", mode: "NULLABLE" };
}

function fieldsOf(rows: Record<string, unknown>[]): BigQueryField[] {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))].sort();
  return names.map((name) =>
    fieldOf(
      name,
      rows.map((row) => row[name]),
    ),
  );
}

/** Stores one table item per exported collection that has rows; call after everything else is seeded. */
export function seedBigQueryTables(store: Store, now: number): void {
  const tables = store.collection(BIGQUERY_TABLES_COLLECTION);
  for (const [name, row] of Object.entries(EXPORTED)) {
    const rows: Item[] = store.collection(name).all();
    if (!rows.length) continue;
    const fields: BigQueryField[] = [
      ...fieldsOf(rows),
      { name: "created_date", type: "TIMESTAMP", mode: "NULLABLE", description: "created_date_unix as a TIMESTAMP." },
    ];
    tables.insert({
      id: name,
      table_name: name,
      created_date_unix: now,
      updated_date_unix: now,
      table_id: `${PROJECT}.${DATASET}.${name}`,
      description: `One row per ${row}. Query it as \`${PROJECT}.${DATASET}.${name}\`.`,
      num_rows: rows.length,
      schema: { fields },
    });
  }
}

export const runBigQuery: CreateHook = ({ body, newId }) => ({
  job_id: newId("bigquery"),
  bigquery_sql: typeof body.bigquery_sql === "string" ? body.bigquery_sql : "",
  total_rows: 0,
  results: [],
});
