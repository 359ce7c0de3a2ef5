// MCP over streamable HTTP (one endpoint, /mcp), many callers at once. Every request is checked,
// in order: Host and Origin (DNS rebinding), caller authentication, the caller's rate, then the body
// (type, charset, size, one JSON-RPC message). Each caller gets McpServers of their own, from the
// factory the entry point passes in; sessions are bound to the caller that opened them.
import { randomUUID } from "node:crypto";
import { createServer, type Server as NodeServer } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { McpServer } from "@modelcontextprotocol/server";
import { hostHeaderValidation } from "@modelcontextprotocol/node";
import { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";
import { isInitializeRequest } from "@modelcontextprotocol/server";
import type { KeyVerdict } from "../../client/key-check.js";
import { KnownKeys } from "./known-keys.js";
import { ListenStreams } from "./listens.js";
import { modernRequests } from "./modern.js";
import type { Logger } from "pino";
import { authenticator, type Caller, type HttpAuth } from "./auth.js";
import { readJsonBody, type BodyError } from "./body.js";
import { originValidation } from "./origin.js";
import { CallerRateLimit, type Rate } from "./rate-limit.js";
import { sendError } from "./replies.js";
import { SessionTable } from "./sessions.js";

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
  rate: Rate;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long shutdown waits for calls in progress. */
  drainMs: number;
  /** The clock of idle sessions and rate buckets (ms); tests move it instead of waiting. */
  now?: () => number;
  /** How often idle sessions and rate buckets are swept; by default a quarter of idleMs (1-60 s). */
  sweepEveryMs?: number;
  /** Behind a load balancer: the client's address is the first of X-Forwarded-For. */
  trustProxy: boolean;
  /** Asks RevCent whether a caller's own key is real (callers' own keys only). */
  checkKey?: (apiKey: string) => Promise<KeyVerdict>;
  /** A caller's last session closed: what is kept per caller can be freed. */
  released?: (principal: string) => void;
}

/** Dynamic client registrations one address may make per hour (OAuth). */
const REGISTRATIONS_PER_HOUR = 20;

export const HTTP_DEFAULTS = {
  maxSessions: 1000,
  idleMs: 30 * 60_000,
  bodyLimitBytes: 1024 * 1024,
  rate: { perSecond: 20, burst: 40 },
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  drainMs: 10_000,
};

/**
 * A new McpServer for one caller. `sessions` tells the guard how a conversation is identified:
 * by the transport's session id, or not at all (stateless: verification travels as a handle).
 */
export type ServerForCaller = (caller: Caller, sessions: "transport" | "none") => McpServer;

export interface RunningHttpServer {
  url: string;
  sessions: () => number;
  close(): Promise<void>;
}

export async function serveHttp(
  serverFor: ServerForCaller,
  logger: Logger,
  options: HttpOptions,
): Promise<RunningHttpServer> {
  // A caller's last session gone: the deps kept for their credential and their key's
  // acceptance are let go (a later session rebuilds them; nothing in them is state).
  const sessions = new SessionTable(options.idleMs, options.now, (principal) => {
    knownKeys?.forget(principal);
    options.released?.(principal);
  });
  const rateLimit = new CallerRateLimit(options.rate, options.now);
  const authenticate = authenticator(options.auth);
  // Callers' own keys: any value passes authenticate(); RevCent is the judge of whether it is real.
  const knownKeys = options.auth.mode === "byok" && options.checkKey ? new KnownKeys(options.checkKey) : undefined;
  const addressLimit = new CallerRateLimit(
    options.rate,
    options.now,
    "this address with keys RevCent has not accepted yet",
  );
  // Sign-in routes carry no credential at all: each address pays for them from a bucket of its own.
  const signInLimit = new CallerRateLimit(options.rate, options.now, "sign-in requests from this address");
  // A client registers once; a stream of registrations from one address is a flood of stored clients.
  const registrationLimit = new CallerRateLimit(
    { perSecond: REGISTRATIONS_PER_HOUR / 3600, burst: REGISTRATIONS_PER_HOUR },
    options.now,
    "client registrations from this address",
  );
  const listens = new ListenStreams(options.idleMs);
  const modern = modernRequests(
    (caller) => serverFor(caller, "none"),
    (error) => logger.warn({ err: { message: error.message, name: error.name } }, "2026-07-28 request failed"),
    // Open listen streams are capped like open sessions: each holds a connection.
    options.maxSessions,
  );
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let closing = false;

  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.json({ status: closing ? "closing" : "ok", sessions: sessions.size });
  });
  const validHost = hostHeaderValidation(options.allowedHosts);
  app.use((req, res, next) => {
    // The guard answers 403 itself when the Host is not one of ours.
    if (validHost(req, res)) next();
  });
  app.use(originValidation(options.allowedOrigins, options.allowedHosts));
  // Route-level handlers, not app.use("/mcp", …): a mounted middleware makes the router rewrite
  // req.url on every request, measurable at hundreds of calls per second.
  const gate = (req: Request, res: Response, next: NextFunction) => {
    if (closing)
      return sendError(res, 503, -32000, "The server is shutting down; reconnect shortly.", { "retry-after": "5" });
    const caller = authenticate(req, res);
    if (!caller) return;
    res.locals.caller = caller;
    // An unknown key pays from its address's bucket alone: a bucket per made-up key would be a map
    // entry per attempt.
    if (knownKeys && !knownKeys.isKnown(caller.principal)) {
      void firstSeen(req, res, caller).then((admitted) => admitted && admit(req, res, next));
      return;
    }
    if (!rateLimit.take(caller.principal, res)) return;
    admit(req, res, next);
  };
  /**
   * A key this server has not seen accepted: the caller's address pays from its own bucket (random
   * keys each get a fresh per-caller bucket), and RevCent is asked once whether the key is real
   * before anything is opened for it.
   */
  const firstSeen = async (req: Request, res: Response, caller: Caller): Promise<boolean> => {
    if (!addressLimit.take(`a:${addressOf(req, options.trustProxy)}`, res)) return false;
    const verdict = await knownKeys!.verify(caller.principal, caller.apiKey);
    if (verdict === "valid") return true;
    if (verdict === "invalid") sendError(res, 401, -32001, "Unauthorized: RevCent does not accept this API key.");
    else {
      sendError(res, 503, -32000, "RevCent could not be asked whether this API key is valid; try again shortly.", {
        "retry-after": "5",
      });
    }
    return false;
  };
  const admit = (req: Request, res: Response, next: NextFunction) => {
    // Shutdown waits for calls in progress, not for idle SSE streams (GET, or a 2026-07-28
    // subscriptions/listen POST), which it closes.
    if (req.method === "POST") {
      inFlight += 1;
      let counted = true;
      const release = () => {
        if (!counted) return;
        counted = false;
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      };
      res.locals.release = release;
      res.once("close", release);
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
  // OAuth: the SDK's bearer check, set once the authorization server exists (after listening).
  let oauthBearer: RequestHandler | undefined;
  const bearer: RequestHandler = (req, res, next) => (oauthBearer ? oauthBearer(req, res, next) : next());
  app.post(
    "/mcp",
    bearer,
    gate,
    jsonBody,
    (req, res) => void handlePost(req, res).catch((err) => internalError(res, err)),
  );
  app.get(
    "/mcp",
    bearer,
    gate,
    (req, res) => void handleSessionRequest(req, res).catch((err) => internalError(res, err)),
  );
  app.delete(
    "/mcp",
    bearer,
    gate,
    (req, res) => void handleSessionRequest(req, res).catch((err) => internalError(res, err)),
  );
  app.all("/mcp", bearer, gate, (_req, res) =>
    sendError(res, 405, -32000, "Method not allowed: use POST, GET or DELETE.", { allow: "POST, GET, DELETE" }),
  );
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => internalError(res, err));

  async function handlePost(req: Request, res: Response): Promise<void> {
    const caller = res.locals.caller as Caller;
    const body: unknown = req.body;
    if (Array.isArray(body))
      return sendError(res, 400, -32600, "Batch requests are not supported: send one JSON-RPC message per POST.");
    if (typeof body !== "object" || body === null)
      return sendError(res, 400, -32600, "The body must be one JSON-RPC message.");

    if (await modern.claims(req, body)) {
      // A listen stream stays open until the client, its lifetime or shutdown ends it: it is not a
      // call in progress, and a caller may hold only a few.
      if ((body as { method?: unknown }).method === "subscriptions/listen") {
        (res.locals.release as () => void)();
        if (!listens.admit(caller.principal, res)) return;
      }
      return modern.handle(req, res, body, caller);
    }
    if (options.stateless) {
      const server = serverFor(caller, "none");
      const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
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
      if (session) await sessions.use(session, () => session.transport.handleRequest(req, res, body));
      return;
    }
    if (!isInitializeRequest(body))
      return sendError(
        res,
        400,
        -32000,
        "Bad Request: no mcp-session-id header; send initialize first to open a session.",
      );
    if (sessions.size >= options.maxSessions) {
      return sendError(res, 503, -32000, "Too many open sessions; try again later.", { "retry-after": "30" });
    }
    const server = serverFor(caller, "transport");
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id: string): void => sessions.open(id, transport, server, caller.principal),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.forget(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handleSessionRequest(req: Request, res: Response): Promise<void> {
    if (options.stateless)
      return sendError(res, 405, -32000, "This server is stateless: only POST is supported.", { allow: "POST" });
    const sessionId = req.header("mcp-session-id");
    if (!sessionId) return sendError(res, 400, -32000, "Bad Request: no mcp-session-id header.");
    const session = sessionOf(sessionId, res.locals.caller as Caller, res);
    if (session) await sessions.use(session, () => session.transport.handleRequest(req, res));
  }

  function sessionOf(id: string, caller: Caller, res: Response) {
    const session = sessions.find(id, caller.principal);
    if (!session)
      sendError(
        res,
        404,
        -32001,
        "Session not found: it expired, was closed, or never existed. Send initialize to open a new one.",
      );
    return session;
  }

  function internalError(res: Response, err: unknown): void {
    logger.error({ err: { message: (err as Error).message, name: (err as Error).name } }, "http request failed");
    if (!res.headersSent) sendError(res, 500, -32603, "Internal error.");
  }

  const sweep = setInterval(
    () => {
      sessions.closeIdle();
      rateLimit.forgetIdle();
      addressLimit.forgetIdle();
      signInLimit.forgetIdle();
      registrationLimit.forgetIdle();
    },
    options.sweepEveryMs ?? Math.min(60_000, Math.max(1000, options.idleMs / 4)),
  );
  sweep.unref();

  // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by
  // default); a slow client must be cut off close to the timeout, not up to 30 s later.
  const httpServer: NodeServer = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
      keepAliveTimeout: 5000,
    },
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
  if (options.auth.mode === "oauth") {
    const { mountOAuth } = await import("./oauth-routes.js");
    const server = options.auth.authorizationServer(new URL(`http://${urlHost}:${port}`));
    const address = (req: Request) => `a:${addressOf(req, options.trustProxy)}`;
    oauthBearer = mountOAuth(
      app,
      server,
      (req, res) => signInLimit.take(address(req), res),
      (req, res) => registrationLimit.take(address(req), res),
    );
  }

  return {
    url: `http://${urlHost}:${port}/mcp`,
    sessions: () => sessions.size,
    async close() {
      // Stop accepting, let calls in progress finish (up to drainMs), then close every session.
      closing = true;
      clearInterval(sweep);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const deadline = setTimeout(resolve, options.drainMs);
          drained = () => {
            clearTimeout(deadline);
            resolve();
          };
        });
      }
      await modern.close();
      await sessions.closeAll();
      httpServer.closeAllConnections();
      await stopped;
    },
  };
}

/** The client's address: the socket's, or behind a trusted proxy the first X-Forwarded-For entry. */
function addressOf(req: Request, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.header("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
  return forwarded || req.socket.remoteAddress || "unknown";
}
