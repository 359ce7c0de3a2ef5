// A slow client (slowloris): headers sent one byte at a time must not hold a connection past the
// server's headers timeout (10 s, HTTP_DEFAULTS.headersTimeoutMs), and must not stop others.
import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initializeRequest, killAll, post, startHttpServer, type HttpServerProcess } from "./helpers.js";

const HEADERS_TIMEOUT_MS = 10_000;

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

  // BUG: src/transports/http.ts sets httpServer.headersTimeout = 10 s after app.listen(), but Node
  // only checks that timeout every `connectionsCheckingInterval` (30 s by default; it can only be
  // set when the server is created, which app.listen() does without it). A client sending headers
  // byte by byte keeps its connection for 10-40 s: observed 408 + close at ~30 s, not ~10 s.
  it("headers sent slower than the 10 s headers timeout are cut off with 408 within 12.5 s", async () => {
    const t = await trickleHeaders(s.port, 200);
    try {
      const deadline = Date.now() + HEADERS_TIMEOUT_MS + 2500;
      while (t.closedAfter() === undefined && Date.now() < deadline) await sleep(100);
      expect(t.closedAfter(), "the connection is still open 12.5 s after the first header byte").toBeDefined();
      expect(t.closedAfter()).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 500);
      expect(t.answer()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      t.stop();
    }
  }, 20_000);
});
