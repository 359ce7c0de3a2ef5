// Starts the built server (dist/server.js, as users run it) over stdio with a real MCP client.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { appendFileSync, mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";

export const SERVER_ENTRY = fileURLToPath(new URL("../../dist/server.js", import.meta.url));
/** Every spawned server's stderr is kept here for scripts/check-log-leaks.mjs. */
export const LOG_DIR = fileURLToPath(new URL("../../.test-logs/", import.meta.url));

export interface StartedClient {
  client: Client;
  transport: Transport;
  stderr: () => string;
  close: () => Promise<void>;
}

export async function startStdioClient(args: string[], env: Record<string, string> = {}): Promise<StartedClient> {
  return startStdioServer({
    command: process.execPath,
    args: [SERVER_ENTRY, ...args],
    env: { LOG_LEVEL: "debug", ...env },
  });
}

/** Any server command (e.g. one launched from an unpacked bundle's manifest), with only PATH inherited. */
export async function startStdioServer(launch: {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}): Promise<StartedClient> {
  const transport = new StdioClientTransport({
    command: launch.command,
    args: launch.args,
    env: { PATH: process.env.PATH ?? "", ...launch.env },
    cwd: launch.cwd,
    stderr: "pipe",
  });
  let stderr = "";
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = `${LOG_DIR}server-${randomUUID()}.log`;
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    appendFileSync(logFile, chunk);
  });
  const client = new Client({ name: "revcent-mcp-tests", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr, close: () => client.close() };
}
