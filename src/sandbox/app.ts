// The HTTP layer: /v2 prefix, API key, routing, 404/405, body reading, validation, idempotency,
// then the handler; every answer is JSON in RevCent's shapes. POST /v1 is the legacy V1 endpoint.
// /oauth/* and the authorization server metadata are the OAuth side's (oauth.ts); the API takes
// either x-api-key or an access token it issued as `Authorization: Bearer`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handle } from "./handlers.js";
import { IdempotencyKeys } from "./idempotency.js";
import type { OAuthServer } from "./oauth.js";
import type { Fault, FaultInjector, FaultTarget } from "./faults.js";
import type { CompiledApi, Method } from "./operations.js";
import { Prng } from "./prng.js";
import { queryEntries } from "./query.js";
import { ApiError, badRequest, errorBody, methodNotAllowed, unauthorized, type ApiCall } from "./responses.js";
import { Router } from "./router.js";
import type { Store } from "./store.js";
import { V1_PATH, answerV1, parseV1Request } from "./v1.js";
import type { Operation } from "../operations/operation.js";
import { parseBody, validateParams } from "./validate.js";

export const BASE_PATH = "/v2";
const MAX_BODY_BYTES = 1024 * 1024;
const ID_SEED = 0x1d5_2024;

export interface AppOptions {
  api: CompiledApi;
  /** The V1 catalog's operations, answered at /v1. */
  v1Operations: readonly Operation[];
  store: Store;
  /** The keys it accepts; idempotency keys are remembered per API key. */
  apiKeys: ReadonlySet<string>;
  /** Clock in ms. */
  clock: () => number;
  faults: FaultInjector;
  /** Scheme, host and port the sandbox listens on, for URLs it hands out (form_url, zip_url). */
  origin: () => string;
  /** Authorization and token endpoints, and the access tokens the API accepts. */
  oauth: OAuthServer;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () =>
      tooLarge
        ? reject(badRequest("The request body is too large", "E_INVALID_JSON"))
        : resolve(Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}

function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/**
 * Plays a fault that replaces the answer; returns true when the request is finished. Latency only
 * delays, and a lost response is played after the request has had its effects.
 */
async function injectBefore(fault: Fault, res: ServerResponse, onAbandoned: () => void): Promise<boolean> {
  switch (fault.kind) {
    case "latency": {
      const abandoned = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          res.off("close", onClose);
          resolve(false);
        }, fault.ms);
        const onClose = () => {
          clearTimeout(timer);
          resolve(true);
        };
        res.once("close", onClose);
      });
      if (abandoned) onAbandoned();
      return abandoned;
    }
    case "lost_response":
      return false;
    case "status":
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { code: 0, message: "Injected failure.", result: "Error" }));
      return true;
    case "rate_limit":
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(fault.retryAfterSeconds) });
      res.end(JSON.stringify({ code: 0, message: "Too many requests.", result: "Error" }));
      return true;
    case "html":
      res.writeHead(fault.status ?? 502, { "content-type": "text/html" });
      res.end(
        "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream-lb-7.internal</p></body></html>",
      );
      return true;
    case "malformed":
      res.writeHead(fault.status ?? 200, { "content-type": "application/json" });
      res.end('{"code":1,"results":[{"id":"abc"');
      return true;
    case "oversized": {
      const filler = "x".repeat(Math.max(0, fault.bytes - 32));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: 1, filler }));
      return true;
    }
    case "redirect":
      res.writeHead(302, { location: fault.location });
      res.end();
      return true;
    case "reset":
      res.socket?.destroy();
      return true;
  }
}

const unknownEndpoint = (method: string, path: string) =>
  new ApiError(404, `Unknown endpoint: ${method} ${path}`, "Not Found");

/** A request matched to what answers it: the fault target, and the handler that runs after any fault. */
interface Routed {
  target: FaultTarget;
  run: () => Record<string, unknown>;
}

export function createApp(options: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { api, v1Operations, store, apiKeys, clock, faults, origin, oauth } = options;
  const router = new Router(api.operations);
  const idempotency = new IdempotencyKeys();
  const ids = new Prng(ID_SEED);
  const newId = (collection: string) => {
    const c = store.collection(collection);
    let id = ids.id();
    while (c.has(id)) id = ids.id();
    return id;
  };

  /** A V2 request: routed by path and method; validated, with its idempotency key, when it runs. */
  const routeV2 = (url: URL, method: string, raw: string, call: ApiCall, apiKey: string): Routed => {
    const segments = pathSegments(url.pathname.slice(BASE_PATH.length));
    const notFoundPath = () => unknownEndpoint(method, url.pathname);
    if (!segments) throw notFoundPath();
    if (method !== "GET" && method !== "POST") throw methodNotAllowed(method, url.pathname);
    const route = router.match(segments);
    if (!route) throw notFoundPath();
    const op = route.byMethod.get(method as Method);
    if (!op) throw methodNotAllowed(method, url.pathname);
    return {
      target: { operationId: op.operationId, method, path: url.pathname.slice(BASE_PATH.length) },
      run: () => {
        const params = validateParams(api.doc, op, route.params, queryEntries(url.search));
        const body = parseBody(api.doc, op, raw);
        const now = Math.floor(clock() / 1000);
        if (typeof body.idempotency_key === "string") idempotency.claim(apiKey, body.idempotency_key, now);
        return handle({ api, store, call, now, newId, origin: origin() }, op, { ...params, body });
      },
    };
  };

  /** A V1 request: POST only; named by its body's type and method (faults match the catalog's operationId). */
  const routeV1 = (method: string, raw: string, call: ApiCall): Routed => {
    if (method !== "POST")
      throw new ApiError(
        405,
        `Method ${method} is not allowed for ${V1_PATH}: the V1 API accepts POST only.`,
        "Method Not Allowed",
      );
    const request = parseV1Request(raw, v1Operations);
    const operationId = request?.op?.id ?? `${request?.type ?? "?"}/${request?.method ?? "?"}`;
    return {
      target: { operationId, method, path: V1_PATH },
      run: () => answerV1({ store, call, now: Math.floor(clock() / 1000), newId }, request),
    };
  };

  /**
   * Who calls: the API key, or `oauth:<client id>` for a live access token (so an idempotency key
   * outlives a token refresh). An x-api-key header, when present, decides alone.
   */
  const caller = (req: IncomingMessage): string => {
    const apiKey = req.headers["x-api-key"];
    if (apiKey !== undefined) {
      if (typeof apiKey !== "string" || !apiKeys.has(apiKey)) throw unauthorized();
      return apiKey;
    }
    const bearer = /^Bearer +([\x21-\x7e]+) *$/i.exec(req.headers.authorization ?? "");
    const clientId = bearer ? oauth.authenticate(bearer[1]!) : undefined;
    if (clientId === undefined) throw unauthorized();
    return `oauth:${clientId}`;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, call: ApiCall): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    const { authorization, "content-type": contentType } = req.headers;
    if (oauth.handle({ method, url, headers: { authorization, "content-type": contentType }, body: raw }, res)) return;
    const isV1 = url.pathname === V1_PATH;
    if (!isV1 && url.pathname !== BASE_PATH && !url.pathname.startsWith(`${BASE_PATH}/`))
      throw unknownEndpoint(method, url.pathname);
    const apiKey = caller(req);
    const routed = isV1 ? routeV1(method, raw, call) : routeV2(url, method, raw, call, apiKey);

    const fault = faults.take(routed.target);
    if (fault && (await injectBefore(fault, res, () => faults.abandoned.push(routed.target)))) return;
    const answer = routed.run();
    if (fault?.kind === "lost_response") {
      res.socket?.destroy();
      return;
    }
    send(res, 200, answer);
  };

  return (req, res) => {
    const call: ApiCall = { api_call_id: ids.id(), api_call_unix: Math.floor(clock() / 1000) };
    serve(req, res, call).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof ApiError) return send(res, err.status, errorBody(err, call));
      send(res, 500, { code: 0, message: `Sandbox error: ${(err as Error).message}`, result: "Error" });
    });
  };
}
