// Everything a configuration starts, apart from the process: the operations (bundled or from
// another document), the sandbox when asked for, the guard's shared state (memory or Redis), and
// the parts every session shares. The command line (server.ts) and in-process tests both start the
// server through here, so what tests exercise is what users run.
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import type { McpServer } from "@modelcontextprotocol/server";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import type { SignIn } from "./oauth/sign-in.js";
import { buildServer } from "./build-server.js";
import { SANDBOX_API_KEY, v1EndpointFor, type Config } from "./config.js";
import { openAuditSink } from "./audit/sinks.js";
import { ConfigError } from "./errors.js";
import { VerificationHandles } from "./guard/handle.js";
import { BUNDLED_SPEC, bundledOperations } from "./operations/bundled.js";
import { SpecError, loadOperations } from "./operations/openapi.js";
import type { Operation } from "./operations/operation.js";
import { bundledV1Operations } from "./operations/v1-catalog.js";
import { checkKey, type KeyVerdict } from "./client/key-check.js";
import { SharedServerParts, type SharedState } from "./server-deps.js";
import type { HttpAuth } from "./transports/http/auth.js";
import type { HttpOptions } from "./transports/http/server.js";

export interface RuntimeOptions {
  /** The guard's clock (ms); tests move it instead of waiting. */
  now?: () => number;
  /** Lifetime of the MCP access tokens this server issues (OAuth); tests shorten it. */
  accessTokenTtlSeconds?: number;
}

export interface Runtime {
  parts: SharedServerParts;
  /** The RevCent key the server itself holds (stdio, or HTTP with MCP tokens; the sandbox's key). */
  serverKey: string;
  /** A new McpServer for a caller of the HTTP transport. */
  serverFor(caller: { apiKey: string; principal: string; grant?: string }, sessions: "transport" | "none"): McpServer;
  /** The one McpServer of a stdio process (one conversation). */
  stdioServer(): McpServer;
  /** Whether RevCent accepts a caller's own key (one request that reads nothing). */
  checkKey(apiKey: string): Promise<KeyVerdict>;
  /** OAuth sign-in (`--auth oauth`): the vault of RevCent's tokens and the authorization server. */
  signIn?: SignIn;
  close(): Promise<void>;
}

/** Throws ConfigError or SpecError for what a user can fix; anything else is a bug. */
export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  // The document is read and parsed at most once, and only when something needs it: a start with
  // the bundled spec and no sandbox uses the precomputed operations alone.
  let specDocument: unknown;
  const spec = () => (specDocument ??= readSpec(config.openapiPath));
  const operations = loadConfiguredOperations(config, spec);

  let apiUrl = config.apiUrl;
  let v1Url = v1EndpointFor(config.apiUrl, config.apiV1Url);
  let serverKey = config.apiKey ?? "";
  let closeSandbox = async () => {};
  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox({ spec: spec() });
    apiUrl = sandbox.url;
    // The sandbox serves V1 next to V2; a configured V1 URL must not send sandbox calls elsewhere.
    v1Url = v1EndpointFor(sandbox.url, undefined);
    serverKey = SANDBOX_API_KEY;
    closeSandbox = () => sandbox.close();
    logger.info({ url: sandbox.url }, "sandbox started");
  }

  let parts: SharedServerParts;
  let closeStore = async () => {};
  let signIn: SignIn | undefined;
  try {
    const shared = await sharedState(config, options, logger);
    closeStore = shared.close;
    parts = new SharedServerParts(config, operations, { apiUrl, v1Url }, logger, shared);
    if (config.authMode === "oauth") signIn = await startSignIn(config, apiUrl, shared.redis, logger, options);
  } catch (err) {
    await closeStore();
    await closeSandbox();
    throw err;
  }
  const depsOf = (caller: { apiKey: string; grant?: string }) => {
    const grant = caller.grant;
    if (grant === undefined) return parts.forKey(caller.apiKey);
    if (!signIn) throw new Error("an OAuth caller without OAuth sign-in configured");
    const vault = signIn.vault;
    return parts.forGrant(grant, (stale) => vault.accessToken(grant, stale));
  };
  return {
    parts,
    serverKey,
    ...(signIn ? { signIn } : {}),
    serverFor: (caller, sessions) => buildServer(depsOf(caller), { sessions, principal: caller.principal }),
    stdioServer: () => buildServer(parts.forKey(serverKey)),
    checkKey: (apiKey) => checkKey(parts.pool, apiUrl, apiKey, config.requestTimeoutMs),
    async close() {
      await parts.close();
      await closeStore();
      await closeSandbox();
    },
  };
}

function loadConfiguredOperations(config: Config, spec: () => unknown): Operation[] {
  // Card fields stay in schemas only for PCI-scoped deployments; the precomputed model strips them.
  const derive = config.openapiPath !== undefined || config.allowCardData;
  const options = { keepCardFields: config.allowCardData };
  const { v2, v1 } = derive
    ? { v2: loadOperations(spec(), options), v1: bundledV1Operations(options) }
    : bundledOperations();
  const clash = v2.find((op) => v1.some((legacy) => legacy.id === op.id));
  if (clash) throw new SpecError(`the OpenAPI document's operation ${clash.id} has the name of a V1 operation`);
  return [...v2, ...v1];
}

/**
 * State several instances can share (Redis): the guard's, the money ledger and the audit stream; the
 * keys that sign verification handles and request state; and the audit file. Without Redis, all
 * of it lives in this process.
 */
async function sharedState(
  config: Config,
  options: RuntimeOptions,
  logger: Logger,
): Promise<SharedState & { redis?: Redis; close: () => Promise<void> }> {
  const now = options.now;
  // One secret, two keys: handles and request state are sealed with different ones.
  const requestStateKey = config.guardSecret ? requestStateKeyFrom(config.guardSecret) : undefined;
  const handles = config.guardSecret
    ? new VerificationHandles(createHash("sha256").update(config.guardSecret).digest(), now)
    : undefined;
  if (!config.redisUrl) {
    const audit = openAuditSink({ file: config.auditLog, logger });
    return { handles, requestStateKey, now, ...(audit ? { audit } : {}), close: async () => audit?.close() };
  }
  const { connectRedisGuardStore } = await import("./guard/redis-store.js");
  let redis: Awaited<ReturnType<typeof connectRedisGuardStore>>;
  try {
    redis = await connectRedisGuardStore(config.redisUrl, now);
  } catch (err) {
    throw new ConfigError(`cannot reach Redis at REDIS_URL: ${(err as Error).message}`);
  }
  try {
    const { RedisLedger } = await import("./money/redis-ledger.js");
    const audit = openAuditSink({ file: config.auditLog, redis: redis.client, logger });
    return {
      redis: redis.client,
      guardStore: redis.store,
      ledger: new RedisLedger(redis.client, now ? { now } : {}),
      ...(audit ? { audit } : {}),
      handles,
      requestStateKey,
      now,
      close: async () => {
        await audit?.close();
        await redis.close();
      },
    };
  } catch (err) {
    await redis.close();
    throw err;
  }
}

/** OAuth sign-in through RevCent; with --sandbox, through the sandbox's own OAuth and client. */
async function startSignIn(
  config: Config,
  apiUrl: string,
  redis: Redis | undefined,
  logger: Logger,
  options: RuntimeOptions,
): Promise<SignIn> {
  const { createSignIn } = await import("./oauth/sign-in.js");
  const sandboxOrigin = config.sandbox ? new URL(apiUrl).origin : undefined;
  const sandboxClient = sandboxOrigin ? (await import("./sandbox/oauth.js")).DEFAULT_OAUTH_CLIENT : undefined;
  const revcent = sandboxClient
    ? {
        clientId: sandboxClient.id,
        clientSecret: sandboxClient.secret,
        authorizeUrl: `${sandboxOrigin}/oauth/authorize`,
        tokenUrl: `${sandboxOrigin}/oauth/token`,
      }
    : {
        clientId: config.revcentOAuthClientId!,
        clientSecret: config.revcentOAuthClientSecret!,
        authorizeUrl: config.revcentOAuthAuthorizeUrl,
        tokenUrl: config.revcentOAuthTokenUrl,
      };
  return createSignIn({
    revcent,
    tokenKey: config.tokenKey,
    publicUrl: config.publicUrl,
    redis,
    logger,
    trustProxy: config.trustProxy,
    ...(options.now ? { now: options.now } : {}),
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
  });
}

/** Reads the spec document: the bundled one, or --openapi's. */
export function readSpec(path: string | undefined): unknown {
  const source = path ?? BUNDLED_SPEC;
  try {
    return JSON.parse(readFileSync(source, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read the OpenAPI document ${String(source)}: ${(err as Error).message}`);
  }
}

/**
 * The HTTP transport's options for a configuration: who may call (bearer tokens, each caller's own
 * key, or nobody on a loopback sandbox), and which Host names and Origins it answers. Throws
 * ConfigError for a sandbox without authentication on a non-loopback host.
 */
export async function httpOptionsFor(
  config: Config,
  runtime: Pick<Runtime, "serverKey" | "checkKey" | "signIn" | "parts">,
): Promise<HttpOptions> {
  const serverKey = runtime.serverKey;
  const { HTTP_DEFAULTS } = await import("./transports/http/server.js");
  const { isLoopback } = await import("./transports/http/origin.js");
  const auth: HttpAuth =
    config.authMode === "oauth"
      ? { mode: "oauth", authorizationServer: runtime.signIn!.authorizationServer }
      : config.authMode === "tokens"
        ? { mode: "tokens", tokens: config.authTokens, apiKey: serverKey }
        : config.authMode === "none"
          ? { mode: "open", apiKey: serverKey }
          : { mode: "byok" };
  if (auth.mode === "open" && !isLoopback(config.host)) {
    throw new ConfigError(
      `refusing to serve the sandbox without authentication on ${config.host}: use a loopback host, or set MCP_AUTH_TOKENS.`,
    );
  }
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const ownHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const allowedHosts = [
    ...new Set(["localhost", "127.0.0.1", "[::1]", ...(wildcard ? [] : [ownHost]), ...config.allowedHosts]),
  ];
  return {
    ...HTTP_DEFAULTS,
    host: config.host,
    port: config.port,
    auth,
    stateless: config.stateless,
    allowedHosts,
    allowedOrigins: config.allowedOrigins,
    maxSessions: config.maxSessions,
    rate: { perSecond: config.rateLimit, burst: config.rateLimit * 2 },
    trustProxy: config.trustProxy,
    checkKey: runtime.checkKey,
    released: (principal) => runtime.parts.release(principal),
  };
}

/** The request-state key of instances sharing REVCENT_GUARD_SECRET (not the handles' key). */
export function requestStateKeyFrom(guardSecret: string): Buffer {
  return createHmac("sha256", guardSecret).update("revcent-mcp request state").digest();
}
