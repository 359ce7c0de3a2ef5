// Entry: config -> spec -> operations -> policy -> client -> McpServer -> transport.
// `revcent-mcp sandbox` runs the emulator alone instead; `revcent-mcp spec diff` compares specs.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildServer } from "./build-server.js";
import { ConfigError, HELP, HelpRequested, SANDBOX_API_KEY, parseConfig, v1EndpointFor, type Config } from "./config.js";
import { createLogger } from "./log.js";
import { SharedServerParts, type SharedState } from "./server-deps.js";
import { VerificationHandles } from "./guard/handle.js";
import { BUNDLED_SPEC, bundledOperations } from "./tools/bundled-operations.js";
import { SpecError, loadOperations } from "./tools/openapi.js";
import { bundledV1Operations } from "./tools/v1-catalog.js";
import { serveStdio } from "./transports/stdio.js";

async function main(): Promise<void> {
  if (process.argv[2] === "spec") {
    const { runSpecCommand } = await import("./spec/command.js");
    process.exitCode = runSpecCommand(process.argv.slice(3), process.env, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
    return;
  }
  let config: Config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stderr.write(HELP);
      return;
    }
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // The document is read and parsed at most once, and only when something needs it: a start with
  // the bundled spec and no sandbox uses the precomputed operations alone.
  let specDocument: unknown;
  const spec = () => (specDocument ??= readSpec(config.openapiPath));

  if (config.command === "sandbox") {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox({ spec: spec(), port: config.port, host: config.host });
    process.stderr.write(`RevCent sandbox listening at ${sandbox.url} (API key: ${SANDBOX_API_KEY})\n`);
    const stop = () => void sandbox.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return;
  }

  let operations;
  try {
    // Card fields stay in schemas only for PCI-scoped deployments; the precomputed model strips them.
    const derive = config.openapiPath !== undefined || config.allowCardData;
    const options = { keepCardFields: config.allowCardData };
    const { v2, v1 } = derive ? { v2: loadOperations(spec(), options), v1: bundledV1Operations(options) } : bundledOperations();
    const clash = v2.find((op) => v1.some((legacy) => legacy.id === op.id));
    if (clash) throw new SpecError(`the OpenAPI document's operation ${clash.id} has the name of a V1 operation`);
    operations = [...v2, ...v1];
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SpecError) return fail(err.message);
    throw err;
  }

  let apiUrl = config.apiUrl;
  let v1Url = v1EndpointFor(config.apiUrl, config.apiV1Url);
  let apiKey = config.apiKey ?? "";
  let closeSandbox = async () => {};
  if (config.sandbox) {
    const { startSandbox } = await import("./sandbox/index.js");
    const sandbox = await startSandbox({ spec: spec() });
    apiUrl = sandbox.url;
    // The sandbox serves V1 next to V2; a configured V1 URL must not send sandbox calls elsewhere.
    v1Url = v1EndpointFor(sandbox.url, undefined);
    apiKey = SANDBOX_API_KEY;
    closeSandbox = () => sandbox.close();
    logger.info({ url: sandbox.url }, "sandbox started");
  }

  let parts: SharedServerParts;
  let closeStore = async () => {};
  try {
    const shared = await sharedState(config);
    closeStore = shared.close;
    parts = new SharedServerParts(config, operations, { apiUrl, v1Url }, logger, shared);
  } catch (err) {
    await closeSandbox();
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const shutdown = async () => {
    await parts.close();
    await closeStore();
    await closeSandbox();
    logger.flush();
  };
  if (config.transport === "http") return serveOverHttp(config, parts, config.sandbox ? SANDBOX_API_KEY : apiKey, shutdown);

  const deps = parts.forKey(apiKey);
  const server = buildServer(deps);
  await serveStdio(server, shutdown);
  logger.info({ tools: deps.catalog.tools.length, profile: config.profile, guard: config.guard, sandbox: config.sandbox }, "serving MCP over stdio");
}

/** Guard state several instances can share (Redis), and the key that signs verification handles. */
async function sharedState(config: Config): Promise<SharedState & { close: () => Promise<void> }> {
  const handles = config.guardSecret ? new VerificationHandles(createHash("sha256").update(config.guardSecret).digest()) : undefined;
  if (!config.redisUrl) return { handles, close: async () => {} };
  const { connectRedisGuardStore } = await import("./guard/redis-store.js");
  try {
    const redis = await connectRedisGuardStore(config.redisUrl);
    return { guardStore: redis.store, handles, close: () => redis.close() };
  } catch (err) {
    throw new ConfigError(`cannot reach Redis at REDIS_URL: ${(err as Error).message}`);
  }
}

async function serveOverHttp(config: Config, parts: SharedServerParts, serverKey: string, shutdown: () => Promise<void>): Promise<void> {
  const { HTTP_DEFAULTS, isLoopback, serveHttp } = await import("./transports/http.js");
  const auth = config.authTokens.length
    ? ({ mode: "tokens", tokens: config.authTokens, apiKey: serverKey } as const)
    : config.sandbox
      ? ({ mode: "open", apiKey: serverKey } as const)
      : ({ mode: "byok" } as const);
  if (auth.mode === "open" && !isLoopback(config.host)) {
    await shutdown();
    return fail(`refusing to serve the sandbox without authentication on ${config.host}: use a loopback host, or set MCP_AUTH_TOKENS.`);
  }
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const ownHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const allowedHosts = [...new Set(["localhost", "127.0.0.1", "[::1]", ...(wildcard ? [] : [ownHost]), ...config.allowedHosts])];
  const running = await serveHttp(parts, {
    ...HTTP_DEFAULTS,
    host: config.host,
    port: config.port,
    auth,
    stateless: config.stateless,
    allowedHosts,
    allowedOrigins: config.allowedOrigins,
    maxSessions: config.maxSessions,
    rate: { perSecond: config.rateLimit, burst: config.rateLimit * 2 },
  });
  const header = auth.mode === "byok" ? ' --header "x-api-key: <your RevCent API key>"' : auth.mode === "tokens" ? ' --header "Authorization: Bearer <token>"' : "";
  process.stderr.write(`revcent-mcp serving MCP at ${running.url}${config.sandbox ? " (sandbox)" : ""}
Connect Claude Code: claude mcp add --transport http revcent ${running.url}${header}
`);
  parts.logger.info({ url: running.url, auth: auth.mode, stateless: config.stateless, tools: parts.catalog.tools.length, profile: config.profile }, "serving MCP over streamable HTTP");
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    await shutdown();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

function readSpec(path: string | undefined): unknown {
  const source = path ?? BUNDLED_SPEC;
  try {
    return JSON.parse(readFileSync(source, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read the OpenAPI document ${String(source)}: ${(err as Error).message}`);
  }
}

function fail(message: string): void {
  process.stderr.write(`revcent-mcp: ${message}\n`);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) return fail(err.message);
  process.stderr.write(`revcent-mcp: unexpected error: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
