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
import { startRuntime } from "../../src/runtime.js";
import { LOG_DIR, type StartedClient } from "./stdio-client.js";

export interface InProcessOptions {
  /** The guard's clock; tests move it instead of waiting. */
  now?: () => number;
}

/** Starts the server in-process with these flags and environment, and connects a client to it. */
export async function startInProcess(args: string[], env: Record<string, string> = {}, options: InProcessOptions = {}): Promise<StartedClient> {
  const config = parseConfig(args, { LOG_LEVEL: "debug", ...env });
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = `${LOG_DIR}in-process-${randomUUID()}.log`;
  let stderr = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stderr += chunk.toString();
      appendFileSync(logFile, chunk);
      done();
    },
  });
  const runtime = await startRuntime(config, createLogger(config.logLevel, sink), options);
  const server = runtime.stdioServer();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "revcent-mcp-tests", version: "0.0.0" });
  await client.connect(clientSide);
  return {
    client,
    transport: clientSide,
    stderr: () => stderr,
    async close() {
      await client.close();
      await server.close();
      await runtime.close();
    },
  };
}

/** In-process against a sandbox the test started itself (its URL, its key). */
export function startInProcessOnSandbox(sandboxUrl: string, args: string[] = [], options: InProcessOptions = {}): Promise<StartedClient> {
  return startInProcess(["--api-url", sandboxUrl, ...args], { REVCENT_API_KEY: "sandbox-key" }, options);
}
