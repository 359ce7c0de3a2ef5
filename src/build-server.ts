// buildServer(config, deps): one MCP server for any transport. Tools are served from JSON Schema
// computed once (tools/list) and validated lazily on call, through the SDK's request handlers:
// McpServer.registerTool would convert zod to JSON Schema for 282 tools on every list (docs/design-notes.md, start-up).
// Resources, prompts and completions are few and use McpServer's own registration; tools,
// resources and prompts all run operations through one SessionOperations.
import { McpServer } from "@modelcontextprotocol/server";
import { randomUUID } from "node:crypto";
import { ClientLog } from "./tools/client-log.js";
import { registerPrompts } from "./prompts/register.js";
import { TableSchemas, type SchemaCache } from "./resources/bigquery.js";
import { registerResources } from "./resources/register.js";
import { SessionOperations } from "./tools/session-operations.js";
import type { ToolCallDeps } from "./tools/call-tool.js";
import { requestStateCodec } from "./tools/request-state.js";
import { humanChannel } from "./tools/human-channel.js";

const SERVER_NAME = "revcent-mcp";
const SERVER_VERSION = "0.1.0";

/**
 * How long a 2026-07-28 client may keep a list (2025 clients get no cache fields). What a session
 * lists depends on its caller's credential and profile, so every answer is `private`: no shared
 * cache may hand one caller's list to another. Lists change only with a new process; a resource's
 * contents are live RevCent data and are not cached at all.
 */
const LIST_TTL_MS = 10 * 60_000;
const CACHE_HINTS = {
  "server/discover": { ttlMs: LIST_TTL_MS, cacheScope: "private" },
  "tools/list": { ttlMs: LIST_TTL_MS, cacheScope: "private" },
  "prompts/list": { ttlMs: LIST_TTL_MS, cacheScope: "private" },
  "resources/list": { ttlMs: LIST_TTL_MS, cacheScope: "private" },
  "resources/templates/list": { ttlMs: LIST_TTL_MS, cacheScope: "private" },
  "resources/read": { ttlMs: 0, cacheScope: "private" },
} as const;

export interface ServerDeps extends ToolCallDeps {
  /** Identifies the RevCent credential (a hash of the key, never the key) for guard state. */
  credential: string;
  /** BigQuery table schemas, shared by the server's sessions and keyed by credential. */
  tableSchemas: SchemaCache;
  /** The key that seals 2026-07-28 request state, the same on every instance that shares a secret. */
  requestStateKey: Uint8Array;
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
  const principal = options.principal ?? `k:${deps.credential}`;
  const stateCodec = requestStateCodec(deps.requestStateKey, principal);
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions: deps.catalog.instructions,
      cacheHints: CACHE_HINTS,
      requestState: { verify: stateCodec.verify },
    },
  );
  // Declared on the underlying Server: declared in McpServer's options, the capability would make
  // McpServer install its own zod-based tool handlers and advertise a list that changes.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  server.server.setRequestHandler("tools/list", () => ({ tools: deps.catalog.tools.slice() }));
  const instanceSession = options.sessions === "instance" ? randomUUID() : undefined;
  const operations = new SessionOperations(
    deps,
    instanceSession,
    options.sessions === "none",
    principal,
    new ClientLog(options.sessions === "none" ? undefined : server),
  );
  server.server.setRequestHandler("tools/call", (request, extra) => {
    const token = request.params._meta?.progressToken;
    const progress =
      token === undefined
        ? undefined
        : (done: number, total: number | undefined, message: string) =>
            extra.mcpReq.notify({
              method: "notifications/progress",
              params: { progressToken: token, progress: done, ...(total === undefined ? {} : { total }), message },
            });
    const human = humanChannel(extra, server.server.getClientCapabilities(), stateCodec);
    return operations
      .run("tool", request.params.name, request.params.arguments, extra, progress, human)
      .then((called) => called.result);
  });
  const tables = new TableSchemas(deps.tableSchemas, deps.credential, operations, deps.catalog);
  registerResources(server, deps.catalog, operations, tables);
  registerPrompts(server, deps.catalog, tables);
  return server;
}
