// The only way anything reaches RevCent, V2 or the legacy V1 endpoint. One keep-alive undici Pool
// per origin, a deadline on every call, MCP cancellation wired through, no redirects (the key never
// leaves the configured origin), a response size cap, and retries only where they cannot repeat an
// effect.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Operation } from "../operations/operation.js";
import { RevCentError } from "../errors.js";
import { errorFromResponse, errorFromV1Response } from "./upstream-errors.js";
import { exchange, type Abortable, type ExchangeResponse } from "./exchange.js";
import type { Policy } from "../operations/policy.js";
import { UpstreamPool } from "./upstream-pool.js";
import { buildRequest } from "./request.js";

export interface RevCentClientOptions {
  baseUrl: string;
  /** RevCent's legacy V1 endpoint, for V1 operations; they are refused without it. */
  v1Url?: string;
  /** The merchant's API key (x-api-key) … */
  apiKey?: string;
  /**
   * … or, for an OAuth sign-in, RevCent's access token (Authorization: Bearer), from a source that
   * refreshes it; `stale` names a token RevCent just refused, so the source refreshes it.
   */
  bearer?: (stale?: string) => Promise<string>;
  policy: Policy;
  logger: Logger;
  timeoutMs: number;
  maxResponseBytes?: number;
  maxRetries?: number;
  /** Upper bound on one wait between attempts, Retry-After included. */
  maxBackoffMs?: number;
  connections?: number;
  userAgent?: string;
  /** Shared by every client of a server (one pool per origin); a client makes its own otherwise. */
  pool?: UpstreamPool;
  /** The shared pool for the V1 endpoint's origin, when it differs from baseUrl's. */
  v1Pool?: UpstreamPool;
}

/** Where requests of one API go: a pool for its origin and the path prefix of the API. */
interface Endpoint {
  pool: UpstreamPool;
  basePath: string;
  /** Whether this client made the pool (and closes it). */
  owned: boolean;
  /** V1 reports outcomes in the body's code, whatever the HTTP status. */
  v1: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** The call's idempotency key, when the caller records it (the audit trail); made here otherwise. */
  idempotencyKey?: string;
}

export interface RevCentResponse {
  status: number;
  body: unknown;
}

const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  UND_ERR_SOCKET: "connection reset",
  UND_ERR_CLOSED: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host lookup failed",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

export class RevCentClient {
  private readonly v2: Endpoint;
  private readonly v1: Endpoint | undefined;
  private readonly headers: { read: Record<string, string>; write: Record<string, string> };
  private readonly tooLarge: (declared?: number) => RevCentError;
  private readonly debug: boolean;
  private readonly opts: Required<
    Omit<RevCentClientOptions, "userAgent" | "pool" | "v1Url" | "v1Pool" | "apiKey" | "bearer">
  > &
    Pick<RevCentClientOptions, "apiKey" | "bearer"> & {
      userAgent: string;
    };

  constructor(options: RevCentClientOptions) {
    this.opts = {
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
      maxRetries: 2,
      maxBackoffMs: 10_000,
      connections: 16,
      userAgent: "revcent-mcp",
      ...options,
    };
    this.v2 = this.endpoint(options.baseUrl, options.pool, undefined, false);
    this.v1 = options.v1Url ? this.endpoint(options.v1Url, options.v1Pool, this.v2, true) : undefined;
    const key: Record<string, string> = this.opts.apiKey ? { "x-api-key": this.opts.apiKey } : {};
    const read = { ...key, accept: "application/json", "user-agent": this.opts.userAgent };
    this.headers = { read, write: { ...read, "content-type": "application/json" } };
    this.tooLarge = (declared) => tooLarge(this.opts.maxResponseBytes, declared);
    this.debug = this.opts.logger.isLevelEnabled("debug");
  }

  /** An API's endpoint: on the given shared pool, or its sibling API's when the origin is the same, or a pool of its own. */
  private endpoint(
    baseUrl: string,
    given: UpstreamPool | undefined,
    sibling: Endpoint | undefined,
    v1: boolean,
  ): Endpoint {
    const url = new URL(baseUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new Error(`unsupported API URL scheme ${url.protocol}`);
    const basePath = url.pathname.replace(/\/$/, "");
    if (given && given.origin !== url.origin)
      throw new Error(`the shared pool is for ${given.origin}, not ${url.origin}`);
    if (given) return { pool: given, basePath, owned: false, v1 };
    if (sibling?.pool.origin === url.origin) return { pool: sibling.pool, basePath, owned: false, v1 };
    return {
      pool: new UpstreamPool(url.origin, { connections: this.opts.connections, timeoutMs: this.opts.timeoutMs }),
      basePath,
      owned: true,
      v1,
    };
  }

  /**
   * Calls one operation. Throws RevCentError for everything a caller can act on; the policy is
   * checked here too, so a denied operation never reaches the network.
   */
  async call(op: Operation, args: Record<string, unknown>, options: CallOptions = {}): Promise<RevCentResponse> {
    if (!this.opts.policy.allows(op.id)) {
      throw new RevCentError("operation_not_allowed", `${op.id} is not allowed in this session.`);
    }
    const endpoint = op.v1 ? this.v1 : this.v2;
    if (!endpoint) {
      throw new RevCentError(
        "operation_not_allowed",
        `${op.id} is a V1 operation and this server has no V1 endpoint: set --api-v1-url.`,
      );
    }
    // One key per tool call, reused on retries, so RevCent can reject a repeat of a POST that did
    // reach it but whose answer was lost. V1 takes no such key.
    const idempotencyKey = op.method === "POST" && !op.v1 ? (options.idempotencyKey ?? randomUUID()) : undefined;
    const request = buildRequest(op, args, idempotencyKey);
    // Without a key, a repeated change could be carried out twice: only a 429 (RevCent did not
    // act) may be retried.
    const repeatable = op.readOnly || idempotencyKey !== undefined;
    const deadline = new Deadline(this.opts.timeoutMs, options.signal);
    const started = performance.now();

    try {
      return await this.attempt(op, endpoint, request, repeatable, deadline, options.signal, started);
    } finally {
      deadline.clear();
    }
  }

  private async attempt(
    op: Operation,
    endpoint: Endpoint,
    request: ReturnType<typeof buildRequest>,
    repeatable: boolean,
    deadline: Deadline,
    callerSignal: AbortSignal | undefined,
    started: number,
  ): Promise<RevCentResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.send(
          endpoint,
          request.method,
          endpoint.basePath + request.path,
          request.body,
          deadline,
        );
        if (this.debug)
          this.opts.logger.debug(
            { operation: op.id, status: response.status, attempt, ms: elapsed(started) },
            "revcent call",
          );
        return response;
      } catch (err) {
        const error = this.classify(err, callerSignal, deadline);
        const wait = this.backoffMs(attempt, error);
        const retry =
          attempt < this.opts.maxRetries &&
          isRetryable(error) &&
          (repeatable || error.code === "rate_limited") &&
          wait !== undefined;
        if (this.debug)
          this.opts.logger.debug(
            { operation: op.id, code: error.code, status: error.details.status, attempt, retry },
            "revcent call failed",
          );
        if (!retry) {
          if (error.code === "duplicate_request" && attempt > 0) throw duplicateAfterRetry(op);
          throw !op.readOnly && mayHaveTakenEffect(error) ? uncertainOutcome(op, error) : error;
        }
        await deadline.wait(wait);
      }
    }
  }

  /** Closes the pools this client made; a shared pool is closed by its owner. */
  async close(): Promise<void> {
    for (const endpoint of [this.v2, this.v1]) if (endpoint?.owned) await endpoint.pool.close();
  }

  private async send(
    endpoint: Endpoint,
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    abort: Abortable,
  ): Promise<RevCentResponse> {
    const base = body === undefined ? this.headers.read : this.headers.write;
    const cap = this.opts.maxResponseBytes;
    const send = async (token?: string) =>
      exchange(await endpoint.pool.get(), {
        method,
        path,
        headers: token ? { ...base, authorization: `Bearer ${token}` } : base,
        body,
        abort,
        maxBytes: cap,
        tooLarge: this.tooLarge,
      });
    const bearer = this.opts.bearer;
    const token = bearer ? await this.bearerToken(bearer) : undefined;
    let res = await send(token);
    // RevCent refused the token (revoked, or lapsed early): one refresh, one more try. A 401 means
    // RevCent did nothing, so even a write may be sent again.
    if (res.status === 401 && bearer && token) res = await send(await this.bearerToken(bearer, token));
    if (res.status >= 300 && res.status < 400) {
      throw new RevCentError(
        "redirect_refused",
        `RevCent answered with a redirect (HTTP ${res.status}); redirects are not followed so the API key stays on the configured host.`,
        { status: res.status },
      );
    }
    const parsed = parseJson(res);
    const ok = res.status >= 200 && res.status < 300;
    if (endpoint.v1) {
      if (ok && isV1Success(parsed)) return { status: res.status, body: parsed };
      if (ok && !hasCode(parsed))
        throw new RevCentError(
          "malformed_response",
          `RevCent's V1 answer (HTTP ${res.status}) carries no result code.`,
          { status: res.status },
        );
      throw errorFromV1Response(res.status, parsed, retryAfter(res.headers["retry-after"]));
    }
    if (ok) return { status: res.status, body: parsed };
    throw errorFromResponse(res.status, parsed, retryAfter(res.headers["retry-after"]));
  }

  /** RevCent's token for an OAuth sign-in; a sign-in RevCent ended is an unauthorized error the model can report. */
  private async bearerToken(bearer: (stale?: string) => Promise<string>, stale?: string): Promise<string> {
    try {
      return await bearer(stale);
    } catch (err) {
      if (err instanceof RevCentError) throw err;
      throw new RevCentError(
        "unauthorized",
        "The RevCent sign-in behind this connection has ended (revoked or expired): sign in again from your MCP client.",
        { notSent: true },
      );
    }
  }

  /** Maps what the network can do to us onto the taxonomy; anything else is a bug and is rethrown. */
  private classify(err: unknown, callerSignal: AbortSignal | undefined, deadline: Deadline): RevCentError {
    if (err instanceof RevCentError) return err;
    if (callerSignal?.aborted) return new RevCentError("cancelled", "The call was cancelled before RevCent answered.");
    if (deadline.expired)
      return new RevCentError("timeout", `RevCent did not answer within ${this.opts.timeoutMs} ms.`);
    const code = (err as { code?: unknown }).code;
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new RevCentError("timeout", `RevCent did not answer within ${this.opts.timeoutMs} ms.`);
    }
    const reason = typeof code === "string" ? NETWORK_FAILURES[code] : undefined;
    if (!reason) throw err;
    // Nothing listens there: retrying only delays the answer, and nothing was sent.
    if (code === "ECONNREFUSED")
      return new RevCentError("network_error", `Could not reach RevCent: ${reason}.`, { notSent: true });
    return new RevCentError("network_error", `Could not reach RevCent: ${reason}.`);
  }

  /**
   * Exponential backoff with jitter, or RevCent's Retry-After when longer; undefined when RevCent
   * asks for a longer wait than the cap, which is then the caller's to decide.
   */
  private backoffMs(attempt: number, error: RevCentError): number | undefined {
    const base = Math.min(this.opts.maxBackoffMs, 200 * 2 ** attempt);
    const jittered = base / 2 + Math.random() * (base / 2);
    const hinted = error.details.retryAfterSeconds !== undefined ? error.details.retryAfterSeconds * 1000 : 0;
    if (hinted > this.opts.maxBackoffMs) return undefined;
    return Math.max(jittered, hinted);
  }
}

/**
 * Only transient failures are retried. That is safe for a GET, which changes nothing, and for a
 * POST because every attempt carries the call's one idempotency key: RevCent rejects a repeat of
 * a request it already received. A payment answer (402) or any other 4xx is final.
 */
const TRANSIENT: ReadonlySet<string> = new Set([
  "rate_limited",
  "upstream_error",
  "network_error",
  "malformed_response",
]);

function isRetryable(error: RevCentError): boolean {
  return TRANSIENT.has(error.code) && !error.details.notSent;
}

/** Failures after which a POST may or may not have been carried out by RevCent. */
const UNCERTAIN: ReadonlySet<string> = new Set([
  "upstream_error",
  "network_error",
  "malformed_response",
  "timeout",
  "cancelled",
  "response_too_large",
]);

function mayHaveTakenEffect(error: RevCentError): boolean {
  return UNCERTAIN.has(error.code) && !error.details.notSent;
}

function uncertainOutcome(op: Operation, error: RevCentError): RevCentError {
  const check = op.verifyWith ? `check with ${op.verifyWith}` : "check the affected item";
  return new RevCentError(
    error.code,
    `${error.message} The request may have reached RevCent and taken effect: ${check} before trying again.`,
    { ...error.details, outcomeUnknown: true },
  );
}

function duplicateAfterRetry(op: Operation): RevCentError {
  const check = op.verifyWith ? `Check with ${op.verifyWith}` : "Check the affected item";
  return new RevCentError(
    "duplicate_request",
    `The first attempt of ${op.id} reached RevCent but its answer was lost; the retry carried the same idempotency key and was rejected as a duplicate, so the operation most likely went through once. ${check} before trying again; do not repeat it blindly.`,
    { outcomeUnknown: true },
  );
}

/** V1 reports success as body code 1, whatever the HTTP status says. */
function isV1Success(body: unknown): boolean {
  return hasCode(body) && (body as { code: number }).code === 1;
}

function hasCode(body: unknown): boolean {
  return typeof body === "object" && body !== null && typeof (body as Record<string, unknown>).code === "number";
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}

function parseJson(res: ExchangeResponse): unknown {
  const text = res.body.toString("utf8");
  if (text.trim() === "" && res.status >= 400) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const what = /^\s*</.test(text)
      ? "an HTML page"
      : text.trim() === ""
        ? "an empty body"
        : "a body that is not valid JSON";
    throw new RevCentError("malformed_response", `RevCent answered HTTP ${res.status} with ${what}.`, {
      status: res.status,
    });
  }
}

function tooLarge(cap: number, declared?: number): RevCentError {
  const size = declared === undefined ? "over" : `${declared} bytes, over`;
  return new RevCentError(
    "response_too_large",
    `RevCent's answer is ${size} the ${cap}-byte cap; narrow the request (smaller limit, shorter date range).`,
  );
}

/**
 * One call's deadline and the caller's cancellation, across all its attempts and waits. It tells
 * the running exchange or wait directly; no AbortController per call.
 */
class Deadline implements Abortable {
  private readonly timer: NodeJS.Timeout;
  private stop: (() => void) | undefined;
  private readonly onCallerAbort = () => this.abortNow();
  aborted = false;
  expired = false;

  constructor(
    ms: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.abortNow();
    }, ms);
    if (caller?.aborted) this.aborted = true;
    else caller?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  onAbort(stop: () => void): () => void {
    this.stop = stop;
    return () => {
      if (this.stop === stop) this.stop = undefined;
    };
  }

  /** Waits, or returns early when aborted. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        done();
        resolve();
      }, ms);
      const done = this.onAbort(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener("abort", this.onCallerAbort);
  }

  private abortNow(): void {
    this.aborted = true;
    this.stop?.();
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
