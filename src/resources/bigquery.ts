// BigQuery table schemas for writing BigQueryRunQuery SQL: read through the session's own call
// path (policy, guard, hygiene) and cached per credential, since schemas change rarely and every
// session of one account would otherwise ask again.
import type { RequestExtra, SessionOperations } from "../session-operations.js";
import type { ToolCatalog } from "../tools/catalog.js";
import type { TtlCache } from "./ttl-cache.js";

export const LIST_TABLES = "GetBigQueryTables";
export const GET_TABLE = "GetBigQueryTable";
export const BIGQUERY_TABLES_URI = "revcent://bigquery/tables";
export const BIGQUERY_TABLE_TEMPLATE = "revcent://bigquery/tables/{table_name}";

export type SchemaCache = TtlCache<Record<string, unknown>>;

/** Table names in a GetBigQueryTables answer, whichever of the usual keys RevCent uses. */
export function tableNamesOf(body: Record<string, unknown>): string[] {
  const list = [body.results, body.tables].find(Array.isArray) ?? [];
  const names = list.map((table) => {
    if (typeof table !== "object" || table === null) return undefined;
    const t = table as Record<string, unknown>;
    const id = typeof t.table_id === "string" ? t.table_id.split(".").pop() : undefined;
    return [t.table_name, t.name, id].find((n): n is string => typeof n === "string" && n.length > 0);
  });
  return names.filter((n): n is string => n !== undefined);
}

export class TableSchemas {
  constructor(
    private readonly cache: SchemaCache,
    private readonly credential: string,
    private readonly operations: SessionOperations,
    private readonly catalog: ToolCatalog,
  ) {}

  /** Whether the session may list every table (and so complete table names). */
  get listable(): boolean {
    return this.catalog.get(LIST_TABLES) !== undefined;
  }

  get readable(): boolean {
    return this.catalog.get(GET_TABLE) !== undefined;
  }

  all(extra: RequestExtra | undefined, via: "resource" | "prompt" = "resource"): Promise<Record<string, unknown>> {
    return this.cache.get(`${this.credential}\n${LIST_TABLES}`, () => this.operations.read(via, LIST_TABLES, {}, extra));
  }

  one(name: string, extra: RequestExtra | undefined): Promise<Record<string, unknown>> {
    return this.cache.get(`${this.credential}\n${GET_TABLE}\n${name}`, () => this.operations.read("resource", GET_TABLE, { table_name: name }, extra));
  }

  /** Table names starting with `prefix` (any case); none when the tables cannot be read. */
  async complete(prefix: string): Promise<string[]> {
    if (!this.listable) return [];
    const names = await this.all(undefined).then(tableNamesOf, () => []);
    const wanted = prefix.toLowerCase();
    return names.filter((n) => n.toLowerCase().startsWith(wanted));
  }
}
