// The server as the command line starts it (parseConfig -> startRuntime -> buildServer), run inside
// the test process and reached by the SDK's Client over its InMemoryTransport: the same path a
// stdio user takes, without a process start per test. Logs are kept like a spawned server's stderr,
// in .test-logs/, so scripts/check-log-leaks.mjs reads them too.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { Writable } from "node:stream";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { httpOptionsFor, startRuntime } from "../../src/runtime.js";
import { serveHttp, type HttpOptions } from "../../src/transports/http/server.js";
import type { Logger } from "pino";
import { LOG_DIR, type StartedClient } from "./stdio-client.js";

export interface InProcessOptions {
  /** The guard's clock (and, over HTTP, the clock of idle sessions and rate buckets). */
  now?: () => number;
  /** A client the test built (its capabilities, its elicitation handler); a plain one otherwise. */
  client?: Client;
  /** Lifetime of the MCP access tokens the server issues (OAuth). */
  accessTokenTtlSeconds?: number;
}

/** A logger whose lines are kept in memory and in .test-logs/, like a spawned server's stderr. */
function keptLogs(level: string): { logger: Logger; text: () => string } {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = `${LOG_DIR}in-process-${randomUUID()}.log`;
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      appendFileSync(logFile, chunk);
      done();
    },
  });
  return { logger: createLogger(level, sink), text: () => text };
}

/** Starts the server in-process with these flags and environment, and connects a client to it. */
export async function startInProcess(
  args: string[],
  env: Record<string, string> = {},
  options: InProcessOptions = {},
): Promise<StartedClient> {
  const config = parseConfig(args, { LOG_LEVEL: "debug", ...env });
  const logs = keptLogs(config.logLevel);
  const stderr = () => logs.text();
  const runtime = await startRuntime(config, logs.logger, options);
  const server = runtime.stdioServer();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = options.client ?? new Client({ name: "revcent-mcp-tests", version: "0.0.0" });
  await client.connect(clientSide);
  return {
    client,
    transport: clientSide,
    stderr,
    async close() {
      await client.close();
      await server.close();
      await runtime.close();
    },
  };
}

/** In-process against a sandbox the test started itself (its URL, its key). */
export function startInProcessOnSandbox(
  sandboxUrl: string,
  args: string[] = [],
  options: InProcessOptions = {},
): Promise<StartedClient> {
  return startInProcess(["--api-url", sandboxUrl, ...args], { REVCENT_API_KEY: "sandbox-key" }, options);
}

export interface InProcessHttpServer {
  url: string;
  stderr(): string;
  sessions(): number;
  cachedCallers(): number;
  close(): Promise<void>;
}

/**
 * The HTTP transport as `--transport http` starts it, in-process on a loopback port: real HTTP, the
 * same options from the same flags, without a process start. `overrides` replace transport options
 * a test shortens (a sweep interval, a clock).
 */
export async function startHttpInProcess(
  args: string[],
  env: Record<string, string> = {},
  options: InProcessOptions & { overrides?: Partial<HttpOptions> } = {},
): Promise<InProcessHttpServer> {
  const config = parseConfig(["--transport", "http", "--port", "0", ...args], { LOG_LEVEL: "debug", ...env });
  const logs = keptLogs(config.logLevel);
  const runtime = await startRuntime(config, logs.logger, options);
  const httpOptions = {
    ...(await httpOptionsFor(config, runtime)),
    ...(options.now ? { now: options.now } : {}),
    ...options.overrides,
  };
  const running = await serveHttp(runtime.serverFor, logs.logger, httpOptions);
  let closed: Promise<void> | undefined;
  return {
    url: running.url,
    stderr: logs.text,
    sessions: running.sessions,
    cachedCallers: () => runtime.parts.cachedCallers,
    // Idempotent: a test may close it itself and again in its cleanup.
    close: () =>
      (closed ??= (async () => {
        await running.close();
        await runtime.close();
      })()),
  };
}
