// BigQuery table schemas for writing BigQueryRunQuery SQL: read through the session's own call
// path (policy, guard, hygiene) and cached per credential, since schemas change rarely and every
// session of one account would otherwise ask again.
import { ProtocolError } from "@modelcontextprotocol/server";
import type { RequestExtra, SessionOperations } from "../tools/session-operations.js";
import type { ToolCatalog } from "../tools/catalog.js";
import type { TtlCache } from "./ttl-cache.js";

/** JSON-RPC code for a request given up (v1 named it RequestTimeout; v2 keeps that code inside the SDK). */
const REQUEST_CANCELLED = -32001;

const LIST_TABLES = "GetBigQueryTables";
const GET_TABLE = "GetBigQueryTable";
export const BIGQUERY_TABLES_URI = "revcent://bigquery/tables";
export const BIGQUERY_TABLE_TEMPLATE = "revcent://bigquery/tables/{table_name}";

export type SchemaCache = TtlCache<Record<string, unknown>>;

/** Table names in a GetBigQueryTables answer, whichever of the usual keys RevCent uses. */
function tableNamesOf(body: Record<string, unknown>): string[] {
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
    return this.shared(`${this.credential}\n${LIST_TABLES}`, extra, (load) =>
      this.operations.read(via, LIST_TABLES, {}, load),
    );
  }

  one(name: string, extra: RequestExtra | undefined): Promise<Record<string, unknown>> {
    return this.shared(`${this.credential}\n${GET_TABLE}\n${name}`, extra, (load) =>
      this.operations.read("resource", GET_TABLE, { table_name: name }, load),
    );
  }

  /**
   * A cached load is shared by every session of the credential, so it must not end with the
   * request that happened to start it: it runs without that request's abort signal, and each
   * caller stops waiting when its own request is cancelled.
   */
  private shared(
    key: string,
    extra: RequestExtra | undefined,
    read: (load: RequestExtra | undefined) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const load = extra && { ...extra, mcpReq: { ...extra.mcpReq, signal: new AbortController().signal } };
    const value = this.cache.get(key, () => read(load));
    const signal = extra?.mcpReq.signal;
    if (!signal) return value;
    return new Promise((resolve, reject) => {
      const stop = () => reject(new ProtocolError(REQUEST_CANCELLED, "cancelled"));
      if (signal.aborted) return stop();
      signal.addEventListener("abort", stop, { once: true });
      value.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
    });
  }

  /** Table names starting with `prefix` (any case); none when the tables cannot be read. */
  async complete(prefix: string): Promise<string[]> {
    if (!this.listable) return [];
    const names = await this.all(undefined).then(tableNamesOf, () => []);
    const wanted = prefix.toLowerCase();
    return names.filter((n) => n.toLowerCase().startsWith(wanted));
  }
}
