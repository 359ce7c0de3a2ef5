// Requests of the 2026-07-28 revision: each carries its protocol version in _meta and stands alone
// (no initialize, no session), answered by the SDK's handler with a server built for this caller.
// 2025-era requests keep their own path (sessions, initialize); isLegacyRequest tells them apart.
import type { IncomingMessage, ServerResponse } from "node:http";
import { toNodeHandler, toWebRequest } from "@modelcontextprotocol/node";
import {
  createMcpHandler,
  isLegacyRequest,
  PROTOCOL_VERSION_META_KEY,
  type McpServer,
} from "@modelcontextprotocol/server";
import type { Caller } from "./auth.js";

export interface ModernRequests {
  /** Whether the parsed POST body is a 2026-07-28 request (it claims a version in _meta). */
  claims(req: IncomingMessage, body: unknown): Promise<boolean>;
  /** Answers a 2026-07-28 request with a server of the caller's own. */
  handle(req: IncomingMessage, res: ServerResponse, body: unknown, caller: Caller): Promise<void>;
  /** Ends open listen streams (gracefully: the client sees the listen result) and exchanges. */
  close(): Promise<void>;
}

export function modernRequests(
  serverFor: (caller: Caller) => McpServer,
  onError: (error: Error) => void,
  maxSubscriptions: number,
): ModernRequests {
  // The caller reaches the factory through the request's auth info, set here only, after our own
  // authentication. The auth info carries an opaque ticket, never the caller's RevCent key: the SDK
  // hands auth info to every handler's context, where a key must not be.
  const callers = new WeakMap<object, Caller>();
  const handler = createMcpHandler(
    (ctx) => {
      const ticket = ctx.authInfo?.extra?.ticket;
      const caller = typeof ticket === "object" && ticket !== null ? callers.get(ticket) : undefined;
      if (!caller) throw new Error("a 2026-07-28 request reached the handler without an authenticated caller");
      return serverFor(caller);
    },
    { legacy: "reject", onerror: onError, maxSubscriptions },
  );
  return {
    async claims(req, body) {
      // The SDK's classification builds a web Request from the body: worth it only for a message
      // that claims a version somewhere. One with no claim is 2025 traffic, as the SDK would say.
      if (!claimsAVersion(req, body)) return false;
      return !(await isLegacyRequest(await toWebRequest(req, body)));
    },
    handle(req, res, body, caller) {
      const ticket = {};
      callers.set(ticket, caller);
      const authInfo = { token: caller.principal, clientId: caller.principal, scopes: [], extra: { ticket } };
      const forCaller = { fetch: (request: Request) => handler.fetch(request, { authInfo }) };
      return toNodeHandler(forCaller, { onerror: onError })(req, res, body);
    },
    close: () => handler.close(),
  };
}

/** A version claim in _meta, a 2026 or later protocol header, or a discovery request. */
function claimsAVersion(req: IncomingMessage, body: unknown): boolean {
  const message = body as { method?: unknown; params?: { _meta?: unknown } };
  const meta = message.params?._meta;
  if (typeof meta === "object" && meta !== null && PROTOCOL_VERSION_META_KEY in meta) return true;
  const header = req.headers["mcp-protocol-version"];
  return (typeof header === "string" && header >= "2026") || message.method === "server/discover";
}
