// A slow client (slowloris): headers sent one byte at a time must not hold a connection past the
// server's headers timeout, and must not stop others. Both run the HTTP transport in-process from
// the CLI's flags over real sockets: the first with its 10 s default, the second with an injected
// 1 s one. The waits here are the behaviour itself (bytes trickling over time), not polling.
import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initializeRequest, post, startHttp, type HttpServer } from "./helpers.js";

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
  let s: HttpServer;
  beforeAll(async () => {
    s = await startHttp(["--sandbox"]);
  });
  afterAll(() => s?.stop());

  it("while clients trickle headers byte by byte, other clients are served", async () => {
    const slow = await Promise.all(Array.from({ length: 20 }, () => trickleHeaders(s.port, 100)));
    try {
      await sleep(1000); // kept: ten bytes each, over a second of real time, is the slow client
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
  let s: HttpServer;
  beforeAll(async () => {
    s = await startHttp(["--sandbox"], {}, { overrides: { headersTimeoutMs: HEADERS_TIMEOUT_MS } });
  });
  afterAll(() => s?.stop());

  // Regression: the headers timeout was once set after app.listen(), when Node checks it only
  // every 30 s; a client sending headers byte by byte kept its connection for 10-40 s.
  it("headers sent slower than the headers timeout are cut off with 408 within 2.5 s of it", async () => {
    const t = await trickleHeaders(s.port, 100);
    try {
      const closed = new Promise<void>((resolve) => t.socket.once("close", () => resolve()));
      // kept: a deadline, not a wait; the connection must close before it.
      const deadline = sleep(HEADERS_TIMEOUT_MS + 2500).then(() => "still open");
      expect(
        await Promise.race([closed.then(() => "closed"), deadline]),
        "the connection is still open 3.5 s after the first header byte",
      ).toBe("closed");
      expect(t.closedAfter()).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 500);
      expect(t.answer()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      t.stop();
    }
  });
});
