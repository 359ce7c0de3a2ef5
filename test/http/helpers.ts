// Shared by the streamable HTTP tests: the HTTP transport started in-process from the CLI's flags
// (startHttp), or the built server (dist/server.js) spawned with --transport http --port 0, its
// real URL read from stderr, where the process itself is under test; raw JSON-RPC POSTs for abuse
// cases; the SDK's own client for normal flows; a real redis-server on a free port; a recording
// proxy in front of the sandbox; a clock the test moves. Nothing of the product is mocked.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  type StreamableHTTPClientTransportOptions,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { LOG_DIR, SERVER_ENTRY } from "../helpers/stdio-client.js";
import { startHttpInProcess } from "../helpers/in-process.js";
import type { HttpOptions } from "../../src/transports/http/server.js";
import { answerOf } from "../helpers/answer.js";

export { SEED_IDS } from "../../src/sandbox/seed.js";
export type { Sandbox };

export const SANDBOX_KEY = "sandbox-key";
export const PROTOCOL_VERSION = "2025-06-18";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));

/** The sandbox; `otherApiKeys` are further keys it accepts (several callers, the same data). */
export function newSandbox(otherApiKeys: string[] = []): Promise<Sandbox> {
  return startSandbox({ spec, otherApiKeys });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HttpServerProcess {
  /** e.g. http://127.0.0.1:41234/mcp, as the server printed it. */
  url: string;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<Exit>;
  /** SIGTERM (if still running) and wait for the exit. */
  stop(): Promise<Exit>;
}

export interface HttpServer {
  /** e.g. http://127.0.0.1:41234/mcp */
  url: string;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The server's log lines (JSON), as a spawned server writes them to stderr. */
  stderr(): string;
  /** Open protocol sessions. */
  sessions(): number;
  /** Callers whose client and guard the server keeps (freed with a caller's last session). */
  cachedCallers(): number;
  /** Closes it as SIGTERM would: in-flight calls finish, then sessions close. */
  stop(): Promise<void>;
}

/**
 * The HTTP transport as `--transport http --port 0` starts it, in-process: the same flags and
 * environment, real HTTP on a loopback port. `now` is the server's clock (idle sessions, rate
 * buckets, the guard); `overrides` shorten transport options (e.g. sweepEveryMs).
 */
export async function startHttp(
  args: string[],
  env: Record<string, string> = {},
  options: { now?: () => number; overrides?: Partial<HttpOptions> } = {},
): Promise<HttpServer> {
  const running = await startHttpInProcess(args, env, options);
  const parsed = new URL(running.url);
  return {
    url: running.url,
    port: Number(parsed.port),
    origin: parsed.origin,
    stderr: running.stderr,
    sessions: running.sessions,
    cachedCallers: running.cachedCallers,
    stop: () => running.close(),
  };
}

/** Every spawned process, so a file's afterAll can end whatever a failed test left running. */
const spawned = new Set<ChildProcess>();

function baseEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", LOG_LEVEL: "debug", ...env };
}

function logFile(): string {
  mkdirSync(LOG_DIR, { recursive: true });
  return `${LOG_DIR}server-http-${randomUUID()}.log`;
}

/** Spawns the server and waits for its "serving MCP at URL" line (port 0: the real port is in it). */
export async function startHttpServer(args: string[], env: Record<string, string> = {}): Promise<HttpServerProcess> {
  const proc = spawn(process.execPath, [SERVER_ENTRY, "--transport", "http", "--port", "0", ...args], {
    env: baseEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(proc);
  const file = logFile();
  let stderr = "";
  const exited = new Promise<Exit>((resolve) =>
    proc.once("exit", (code, signal) => {
      spawned.delete(proc);
      resolve({ code, signal });
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its URL within 15 s:\n${stderr}`)), 15_000);
    proc.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      appendFileSync(file, chunk);
      const match = /revcent-mcp serving MCP at (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${e.code ?? e.signal}) before serving:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    port: Number(parsed.port),
    origin: parsed.origin,
    proc,
    stderr: () => stderr,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/** Runs the server to completion (for configurations that must refuse to start). */
export async function runToExit(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Exit & { stderr: string; stdout: string }> {
  const proc = spawn(process.execPath, [SERVER_ENTRY, ...args], {
    env: baseEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(proc);
  let stderr = "";
  let stdout = "";
  proc.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  proc.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const exit = await new Promise<Exit>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  spawned.delete(proc);
  return { ...exit, stderr, stdout };
}

/** Kills anything still running that these helpers started (afterAll safety net). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...spawned].map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once("exit", () => resolve());
          proc.kill("SIGKILL");
        }),
    ),
  );
}

// ---------------------------------------------------------------- raw JSON-RPC over HTTP

export interface RawReply {
  status: number;
  headers: Headers;
  /** The JSON body, or the first JSON-RPC message of an SSE body; undefined when empty. */
  body: any;
  text: string;
}

export const initializeRequest = (id: number | string = 1) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "http-tests", version: "0.0.0" } },
});

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawReply> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return reply(res);
}

async function reply(res: Response): Promise<RawReply> {
  const text = await res.text();
  let body: any;
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const data = text.split("\n").find((line) => line.startsWith("data: "));
    body = data ? JSON.parse(data.slice(6)) : undefined;
  } else if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** A request through node:http, which (unlike fetch) lets a test set any Host header. */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method, headers },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The JSON-RPC error body every refusal of the transport has (message: a string or a matcher). */
export const rpcError = (code: number, message: unknown) => ({ jsonrpc: "2.0", error: { code, message }, id: null });

/** initialize + notifications/initialized by hand; returns the session id. */
export async function openSession(url: string, headers: Record<string, string> = {}): Promise<string> {
  const init = await post(url, initializeRequest(), headers);
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${init.text}`);
  const session = init.headers.get("mcp-session-id");
  if (!session) throw new Error("initialize: no mcp-session-id");
  const note = await post(
    url,
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { ...headers, "mcp-session-id": session, "mcp-protocol-version": PROTOCOL_VERSION },
  );
  if (note.status !== 202) throw new Error(`notifications/initialized: HTTP ${note.status} ${note.text}`);
  return session;
}

/** A tools/call by hand on a session (or stateless when session is undefined). */
export function callToolRaw(
  url: string,
  session: string | undefined,
  name: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
  id = 2,
): Promise<RawReply> {
  return post(
    url,
    { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } },
    { ...headers, "mcp-protocol-version": PROTOCOL_VERSION, ...(session ? { "mcp-session-id": session } : {}) },
  );
}

// ---------------------------------------------------------------- the SDK's client

export interface McpClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  call(
    name: string,
    args?: Record<string, unknown>,
  ): Promise<{ isError: boolean; text: string; data: Record<string, any> | undefined }>;
  close(): Promise<void>;
}

export async function connectClient(
  url: string,
  headers: Record<string, string> = {},
  options: Pick<StreamableHTTPClientTransportOptions, "fetch"> = {},
): Promise<McpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, ...options });
  const client = new Client({ name: "http-tests", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    transport,
    async call(name, args = {}) {
      const raw = (await client.callTool({ name, arguments: args })) as CallToolResult;
      const first = raw.content[0] as { text?: string } | undefined;
      return {
        isError: Boolean(raw.isError),
        text: first?.text ?? "",
        data: answerOf(raw) as Record<string, any> | undefined,
      };
    },
    close: () => client.close().catch(() => undefined),
  };
}

// ---------------------------------------------------------------- upstream recorder

export interface RecordingProxy {
  url: string;
  /** Headers of every request that reached the proxy, in order. */
  seen: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A node:http proxy in front of the sandbox that records each request's headers and forwards it. */
export async function recordingProxy(sandbox: Sandbox): Promise<RecordingProxy> {
  const target = new URL(sandbox.url);
  const seen: RecordingProxy["seen"] = [];
  const server: Server = createHttpServer((req, res) => {
    seen.push({ method: req.method ?? "", path: req.url ?? "", headers: { ...req.headers } });
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------- redis-server

export type RedisProcess = Pick<RedisServer, "url" | "stop">;

/** A real redis-server of this test's own; killed with the other spawned processes. */
export async function startRedis(): Promise<RedisProcess> {
  const redis = await startRedisServer();
  spawned.add(redis.process);
  redis.process.once("exit", () => spawned.delete(redis.process));
  return redis;
}

// ---------------------------------------------------------------- the server's clock

export interface ServerClock {
  /** Pass as `now` to startHttp. */
  now(): number;
  advance(ms: number): void;
  reset(): void;
  /** How many times the server has read the clock: with no request open, only its sweeps do. */
  reads(): number;
}

/** The server's clock, moved by the test (injected, in-process); the sandbox keeps real time. */
export function serverClock(): ServerClock {
  let offset = 0;
  let reads = 0;
  return {
    now: () => {
      reads += 1;
      return Date.now() + offset;
    },
    advance(ms) {
      offset += ms;
    },
    reset() {
      offset = 0;
    },
    reads: () => reads,
  };
}
