// Streamable HTTP: /mcp and /healthz, one McpServer and SDK transport per session over
// the server's shared parts. Every request is checked, in order: Host and Origin (DNS rebinding),
// who is calling (bearer token, the caller's own RevCent key, or nobody for the loopback sandbox),
// the caller's rate, the body (size before parsing, one JSON-RPC message), and for a session, that
// it exists and belongs to this caller. An MCP bearer token never goes upstream.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server as NodeServer } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { hostHeaderValidation } from "@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { buildServer, type ServerDeps } from "../build-server.js";
import type { SharedServerParts } from "../server-deps.js";
import { credentialOf } from "../server-deps.js";

export type HttpAuth =
  /** Bot backends: the server holds the RevCent key; callers present one of these bearer tokens. */
  | { mode: "tokens"; tokens: string[]; apiKey: string }
  /** Each caller brings its own RevCent key as x-api-key; sessions are bound to it. */
  | { mode: "byok" }
  /** Loopback only (the sandbox): no caller authentication. */
  | { mode: "open"; apiKey: string };

export interface HttpOptions {
  host: string;
  port: number;
  auth: HttpAuth;
  /** No protocol sessions: every POST stands alone; the guard relies on verification handles. */
  stateless: boolean;
  allowedHosts: string[];
  allowedOrigins: string[];
  maxSessions: number;
  idleMs: number;
  bodyLimitBytes: number;
  /** Per caller: sustained requests per second, and the burst above it. */
  rate: { perSecond: number; burst: number };
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export const HTTP_DEFAULTS = {
  maxSessions: 1000,
  idleMs: 30 * 60_000,
  bodyLimitBytes: 1024 * 1024,
  rate: { perSecond: 20, burst: 40 },
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
};

interface Caller {
  /** Who is calling, for session binding and rate limits (a token's or key's hash). */
  principal: string;
  /** The RevCent key their calls use. */
  apiKey: string;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  principal: string;
  lastSeen: number;
  busy: number;
}

export interface RunningHttpServer {
  url: string;
  sessions: () => number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

export async function serveHttp(parts: SharedServerParts, options: HttpOptions): Promise<RunningHttpServer> {
  const { logger } = parts;
  const sessions = new Map<string, Session>();
  const depsByCredential = new Map<string, ServerDeps>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const tokenHashes = options.auth.mode === "tokens" ? options.auth.tokens.map(sha256) : [];
  let inFlight = 0;
  let closing = false;

  const depsFor = (apiKey: string) => {
    const credential = credentialOf(apiKey);
    let deps = depsByCredential.get(credential);
    if (!deps) {
      deps = parts.forKey(apiKey);
      depsByCredential.set(credential, deps);
    }
    return deps;
  };

  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.json({ status: closing ? "closing" : "ok", sessions: sessions.size });
  });
  app.use(hostHeaderValidation(options.allowedHosts));
  app.use(originValidation(options.allowedOrigins, options.allowedHosts));
  // Route-level handlers, not app.use("/mcp", …): a mounted middleware makes the router rewrite
  // req.url on every request, measurable at hundreds of calls per second.
  const gate = (req: Request, res: Response, next: NextFunction) => {
    if (closing) return sendError(res, 503, -32000, "The server is shutting down; reconnect shortly.", { "retry-after": "5" });
    const caller = authenticate(req, res);
    if (!caller) return;
    if (!takeToken(caller.principal, res)) return;
    res.locals.caller = caller;
    // Shutdown waits for calls in progress, not for idle SSE streams (GET), which it closes.
    if (req.method === "POST") {
      inFlight += 1;
      res.once("close", () => (inFlight -= 1));
    }
    next();
  };
  const jsonBody = (req: Request, res: Response, next: NextFunction) => {
    readJsonBody(req, options.bodyLimitBytes).then(
      (body) => {
        req.body = body;
        next();
      },
      (err: BodyError) => {
        // The rest of an oversized or unreadable upload is not waited for: answer at once, discard
        // what keeps arriving for a moment so the client can read the answer, then hang up. (With
        // Connection: close, Node would drop the socket under a client still writing, which then
        // fails with EPIPE before it reads the answer.)
        sendError(res, err.status, err.status === 400 ? -32700 : -32600, err.message);
        res.once("finish", () => {
          req.resume();
          setTimeout(() => req.destroy(), 1000).unref();
        });
      },
    );
  };
  app.post("/mcp", gate, jsonBody, (req, res) => void handlePost(req, res).catch((err) => internalError(res, err)));
  app.get("/mcp", gate, (req, res) => void handleSessionRequest(req, res).catch((err) => internalError(res, err)));
  app.delete("/mcp", gate, (req, res) => void handleSessionRequest(req, res).catch((err) => internalError(res, err)));
  app.all("/mcp", gate, (_req, res) => sendError(res, 405, -32000, "Method not allowed: use POST, GET or DELETE.", { allow: "POST, GET, DELETE" }));
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => internalError(res, err));

  function authenticate(req: Request, res: Response): Caller | undefined {
    const auth = options.auth;
    if (auth.mode === "open") return { principal: "open", apiKey: auth.apiKey };
    if (auth.mode === "tokens") {
      const header = req.header("authorization") ?? "";
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
      const hash = token ? sha256(token) : undefined;
      if (!hash || !tokenHashes.some((known) => timingSafeEqual(known, hash))) {
        sendError(res, 401, -32001, "Unauthorized: send Authorization: Bearer <token> with one of this server's MCP tokens.", { "www-authenticate": 'Bearer realm="revcent-mcp"' });
        return undefined;
      }
      return { principal: `t:${hash.toString("hex").slice(0, 16)}`, apiKey: auth.apiKey };
    }
    const key = req.header("x-api-key")?.trim();
    if (!key) {
      sendError(res, 401, -32001, "Unauthorized: send your RevCent API key as the x-api-key header.");
      return undefined;
    }
    return { principal: `k:${credentialOf(key)}`, apiKey: key };
  }

  /** A token bucket per caller: a flood from one caller is refused while others are served. */
  function takeToken(principal: string, res: Response): boolean {
    const now = Date.now();
    const bucket = buckets.get(principal) ?? { tokens: options.rate.burst, at: now };
    // A clock set back (NTP, a VM resumed) must not take tokens away: elapsed time is never negative.
    bucket.tokens = Math.min(options.rate.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * options.rate.perSecond);
    bucket.at = now;
    buckets.set(principal, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / options.rate.perSecond));
    sendError(res, 429, -32000, `Too many requests from this caller; retry after ${retryAfter} s.`, { "retry-after": String(retryAfter) });
    return false;
  }

  async function handlePost(req: Request, res: Response): Promise<void> {
    const caller = res.locals.caller as Caller;
    const body: unknown = req.body;
    if (Array.isArray(body)) return sendError(res, 400, -32600, "Batch requests are not supported: send one JSON-RPC message per POST.");
    if (typeof body !== "object" || body === null) return sendError(res, 400, -32600, "The body must be one JSON-RPC message.");

    if (options.stateless) {
      const server = buildServer(depsFor(caller.apiKey), { sessions: "none", principal: caller.principal });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.once("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      return transport.handleRequest(req, res, body);
    }

    const sessionId = req.header("mcp-session-id");
    if (sessionId) {
      const session = sessionOf(sessionId, caller, res);
      if (session) await withSession(session, () => session.transport.handleRequest(req, res, body));
      return;
    }
    if (!isInitializeRequest(body)) return sendError(res, 400, -32000, "Bad Request: no mcp-session-id header; send initialize first to open a session.");
    if (sessions.size >= options.maxSessions) {
      return sendError(res, 503, -32000, "Too many open sessions; try again later.", { "retry-after": "30" });
    }
    const server = buildServer(depsFor(caller.apiKey), { sessions: "transport", principal: caller.principal });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, principal: caller.principal, lastSeen: Date.now(), busy: 0 });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handleSessionRequest(req: Request, res: Response): Promise<void> {
    if (options.stateless) return sendError(res, 405, -32000, "This server is stateless: only POST is supported.", { allow: "POST" });
    const sessionId = req.header("mcp-session-id");
    if (!sessionId) return sendError(res, 400, -32000, "Bad Request: no mcp-session-id header.");
    const session = sessionOf(sessionId, res.locals.caller as Caller, res);
    if (session) await withSession(session, () => session.transport.handleRequest(req, res));
  }

  /** The caller's session; a session of another caller is as unknown as a made-up id. */
  function sessionOf(id: string, caller: Caller, res: Response): Session | undefined {
    const session = sessions.get(id);
    if (session && session.principal === caller.principal) return session;
    sendError(res, 404, -32001, "Session not found: it expired, was closed, or never existed. Send initialize to open a new one.");
    return undefined;
  }

  async function withSession(session: Session, work: () => Promise<void>): Promise<void> {
    session.busy += 1;
    session.lastSeen = Date.now();
    try {
      await work();
    } finally {
      session.busy -= 1;
      session.lastSeen = Date.now();
    }
  }

  function internalError(res: Response, err: unknown): void {
    logger.error({ err: { message: (err as Error).message, name: (err as Error).name } }, "http request failed");
    if (!res.headersSent) sendError(res, 500, -32603, "Internal error.");
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (session.busy === 0 && now - session.lastSeen > options.idleMs) {
        sessions.delete(id);
        void session.transport.close();
        void session.server.close();
      }
    }
    for (const [principal, bucket] of buckets) if (now - bucket.at > 60_000) buckets.delete(principal);
  }, Math.min(60_000, Math.max(1000, options.idleMs / 4)));
  sweep.unref();

  // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by
  // default); a slow client must be cut off close to the timeout, not up to 30 s later.
  const httpServer: NodeServer = createServer(
    { headersTimeout: options.headersTimeoutMs, requestTimeout: options.requestTimeoutMs, connectionsCheckingInterval: 1000, keepAliveTimeout: 5000 },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const urlHost = options.host.includes(":") ? `[${options.host}]` : options.host;

  return {
    url: `http://${urlHost}:${port}/mcp`,
    sessions: () => sessions.size,
    async close() {
      // Stop accepting, let in-flight calls finish (up to 10 s), then close every session.
      closing = true;
      clearInterval(sweep);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      const deadline = Date.now() + 10_000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      for (const session of sessions.values()) {
        await session.transport.close().catch(() => undefined);
        await session.server.close().catch(() => undefined);
      }
      sessions.clear();
      httpServer.closeAllConnections();
      await stopped;
    },
  };
}

class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The POST body as one parsed JSON value. Refused before parsing: a declared or streamed size over
 * the limit (413, as soon as the limit is crossed), a type other than JSON or a charset other
 * than UTF-8 (415); then malformed JSON (400).
 */
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    const charset = /charset=([^;\s]+)/.exec(type)?.[1]?.replace(/"/g, "");
    if (!type.startsWith("application/json")) return reject(new BodyError(415, "Unsupported Media Type: send the JSON-RPC message as application/json."));
    if (charset && charset !== "utf-8" && charset !== "utf8") return reject(new BodyError(415, `Unsupported charset ${charset}: send UTF-8.`));
    const tooLarge = () => new BodyError(413, `The request body is larger than ${limit} bytes.`);
    if (Number(req.headers["content-length"]) > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        return reject(tooLarge());
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("error", () => reject(new BodyError(400, "The request body could not be read.")));
    req.once("end", () => {
      if (size > limit) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new BodyError(400, "Parse error: the body is not valid JSON."));
      }
    });
  });
}

/** Browsers send Origin; a page from another origin must not drive a local server (DNS rebinding). */
function originValidation(allowedOrigins: string[], allowedHosts: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header("origin");
    if (!origin) return next();
    let hostname: string;
    try {
      hostname = new URL(origin).hostname;
    } catch {
      return sendError(res, 403, -32000, "Invalid Origin header.");
    }
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    if (allowedOrigins.includes(origin) || allowedHosts.includes(host)) return next();
    sendError(res, 403, -32000, `Origin ${origin} is not allowed.`);
  };
}

function sendError(res: Response, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.status(status).set(headers).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
