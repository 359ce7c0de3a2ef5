// A slow client (slowloris): headers sent one byte at a time must not hold a connection past the
// server's headers timeout, and must not stop others. The first test runs the built server as
// users do (its 10 s default); the timeout itself is tested in-process with an injected 1 s one.
import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { HTTP_DEFAULTS, serveHttp, type RunningHttpServer } from "../../src/transports/http/server.js";
import { initializeRequest, killAll, post, startHttpServer, type HttpServerProcess } from "./helpers.js";

const HEADERS_TIMEOUT_MS = 1_000;

interface Trickle {
  socket: Socket;
  /** ms after the first byte when the server closed the connection; undefined while open. */
  closedAfter(): number | undefined;
  answer(): string;
  stop(): void;
}

/** Opens a TCP connection and sends an endless request head one byte every `everyMs`. */
async function trickleHeaders(port: number, everyMs: number): Promise<Trickle> {
  const socket = createConnection({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ${"a".repeat(100_000)}`;
  const start = Date.now();
  let closedAt: number | undefined;
  let answer = "";
  let i = 0;
  socket.on("data", (d: Buffer) => (answer += d.toString()));
  socket.on("error", () => undefined);
  socket.on("close", () => (closedAt ??= Date.now()));
  const timer = setInterval(() => {
    if (closedAt === undefined && i < head.length) socket.write(head[i++]!);
  }, everyMs);
  return {
    socket,
    closedAfter: () => (closedAt === undefined ? undefined : closedAt - start),
    answer: () => answer,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

describe("slow client", () => {
  let s: HttpServerProcess;
  beforeAll(async () => {
    s = await startHttpServer(["--sandbox"]);
  });
  afterAll(async () => {
    await s?.stop();
    await killAll();
  });

  it("while clients trickle headers byte by byte, other clients are served", async () => {
    const slow = await Promise.all(Array.from({ length: 20 }, () => trickleHeaders(s.port, 100)));
    try {
      await sleep(1000);
      for (const t of slow) expect(t.closedAfter()).toBeUndefined(); // still trickling
      const health = await fetch(`${s.origin}/healthz`);
      expect(health.status).toBe(200);
      expect((await post(s.url, initializeRequest())).status).toBe(200);
    } finally {
      for (const t of slow) t.stop();
    }
  });

});

describe("the headers timeout (in-process, 1 s)", () => {
  let runtime: Runtime;
  let running: RunningHttpServer;
  beforeAll(async () => {
    const logger = pino({ level: "silent" });
    runtime = await startRuntime(parseConfig(["--sandbox"], {}), logger);
    running = await serveHttp(runtime.serverFor, logger, {
      ...HTTP_DEFAULTS, host: "127.0.0.1", port: 0, auth: { mode: "open", apiKey: "sandbox-key" }, stateless: false,
      allowedHosts: ["127.0.0.1", "localhost"], allowedOrigins: [], headersTimeoutMs: HEADERS_TIMEOUT_MS,
    });
  });
  afterAll(async () => {
    await running?.close();
    await runtime?.close();
  });

  // Regression: the headers timeout was once set after app.listen(), when Node checks it only
  // every 30 s; a client sending headers byte by byte kept its connection for 10-40 s.
  it("headers sent slower than the headers timeout are cut off with 408 within 2.5 s of it", async () => {
    const t = await trickleHeaders(Number(new URL(running.url).port), 100);
    try {
      const closed = new Promise<void>((resolve) => t.socket.once("close", () => resolve()));
      const deadline = sleep(HEADERS_TIMEOUT_MS + 2500).then(() => "still open");
      expect(await Promise.race([closed.then(() => "closed"), deadline]), "the connection is still open 3.5 s after the first header byte").toBe("closed");
      expect(t.closedAfter()).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 500);
      expect(t.answer()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      t.stop();
    }
  });
});
