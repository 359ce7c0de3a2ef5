// buildServer(config, deps): one MCP server for any transport. Tools are served from JSON Schema
// computed once (tools/list) and validated lazily on call, through the SDK's request handlers:
// McpServer.registerTool would convert zod to JSON Schema for 282 tools on every list (docs/design-notes.md, start-up).
// Resources, prompts and completions are few and use McpServer's own registration; tools,
// resources and prompts all run operations through one SessionOperations.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { randomUUID } from "node:crypto";
import { ClientLog } from "./tools/client-log.js";
import { registerPrompts } from "./prompts/register.js";
import { TableSchemas, type SchemaCache } from "./resources/bigquery.js";
import { registerResources } from "./resources/register.js";
import { SessionOperations } from "./tools/session-operations.js";
import type { ToolCallDeps } from "./tools/call-tool.js";

export const SERVER_NAME = "revcent-mcp";
export const SERVER_VERSION = "0.1.0";

export interface ServerDeps extends ToolCallDeps {
  /** Identifies the RevCent credential (a hash of the key, never the key) for guard state. */
  credential: string;
  /** BigQuery table schemas, shared by the server's sessions and keyed by credential. */
  tableSchemas: SchemaCache;
}

export interface BuildOptions {
  /**
   * How a conversation is identified for the guard: `instance` — one per server instance (stdio);
   * `transport` — the transport's session id (HTTP); `none` — no session (stateless HTTP), so a
   * verification travels only as a handle.
   */
  sessions: "instance" | "transport" | "none";
  /**
   * Who authenticated (a bearer token's or API key's hash, never the secret): verification handles
   * are bound to it. Defaults to the credential, for transports where the key is the only identity.
   */
  principal?: string;
}

export function buildServer(deps: ServerDeps, options: BuildOptions = { sessions: "instance" }): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        "RevCent payments API. RevCent ids are 20 characters. Lists need date_start/date_end (unix seconds), limit (1-25) and page (from 1); they filter by customer_id, campaign_filter (campaign ids) and metadata_filter ([{name, value}], all must match; value METADATA_NAME_EXISTS matches any value). Searches take search_term. Lists (Get<Plural>) and searches (Search<Plural>) return ids and summaries; the matching Get<Singular> returns one item in full. For counts or totals use BigQueryRunQuery. Tools marked destructive move money or cannot be undone: confirm with the user first. Lists accept all_pages (follow every page, up to max_items: 1-1000, default 100) and split a date range longer than they allow into windows, merged. Read tools accept `fields` to shorten their answer (paths into the result; lists keep their items under results): `name` keeps only that top-level field, `-name` drops it, `results.amount` keeps only that field of each item, `-results.customer` drops it, `results.status=settled` keeps only matching items, `-results.status=refunded` drops them. Resources: revcent://guide explains errors, paging, filters and idempotency; revcent://operations/{operationId} documents one operation.",
    },
  );
  // Declared on the underlying Server: declared in McpServer's options, the capability would make
  // McpServer install its own zod-based tool handlers and advertise a list that changes.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: deps.catalog.tools.slice() }));
  const instanceSession = options.sessions === "instance" ? randomUUID() : undefined;
  const principal = options.principal ?? `k:${deps.credential}`;
  const operations = new SessionOperations(deps, instanceSession, options.sessions === "none", principal, new ClientLog(options.sessions === "none" ? undefined : server));
  server.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const token = request.params._meta?.progressToken;
    const progress = token === undefined ? undefined : (done: number, total: number | undefined, message: string) =>
      extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: done, ...(total === undefined ? {} : { total }), message } });
    return operations.run("tool", request.params.name, request.params.arguments, extra, progress).then((called) => called.result);
  });
  const tables = new TableSchemas(deps.tableSchemas, deps.credential, operations, deps.catalog);
  registerResources(server, deps.catalog, operations, tables);
  registerPrompts(server, deps.catalog, tables);
  return server;
}
