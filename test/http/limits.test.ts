// Limits of the HTTP transport, in-process from the CLI's flags: the per-caller rate limit (429 +
// Retry-After), the session cap (503 + Retry-After), and idle-session expiry (30 min: the test
// moves the server's injected clock, and its housekeeping sweeps every 20 ms instead of 60 s).
import { describe, expect, it, vi } from "vitest";
import { initializeRequest, openSession, post, PROTOCOL_VERSION, rpcError, serverClock, startHttp } from "./helpers.js";

const MINUTE = 60_000;
const listTools = { jsonrpc: "2.0", id: 5, method: "tools/list" };

describe("rate limit per caller", () => {
  it("a flood from one token gets 429 with retry-after while another token is still served", async () => {
    const s = await startHttp(["--sandbox", "--rate-limit", "5"], { MCP_AUTH_TOKENS: "tok-a,tok-b" });
    try {
      const a = { authorization: "Bearer tok-a" };
      // 60 at once: a burst of 10 (2 x 5) gets through, plus whatever refills (5/s) meanwhile.
      const started = Date.now();
      const flood = await Promise.all(Array.from({ length: 60 }, () => post(s.url, listTools, a)));
      const refilled = Math.ceil(((Date.now() - started) / 1000) * 5);
      const limited = flood.filter((r) => r.status === 429);
      const passed = flood.filter((r) => r.status !== 429);
      expect(passed.length).toBeGreaterThanOrEqual(10);
      expect(passed.length).toBeLessThanOrEqual(10 + refilled + 1);
      expect(limited.length).toBeGreaterThanOrEqual(30);
      for (const r of passed) expect(r.status).toBe(400); // tools/list without a session: past the limiter
      for (const r of limited) {
        expect(r.headers.get("retry-after")).toBe("1");
        expect(r.body).toEqual(rpcError(-32000, "Too many requests from this caller; retry after 1 s."));
      }
      // Same window: tok-b has its own bucket.
      const b = { authorization: "Bearer tok-b" };
      const session = await openSession(s.url, b);
      const list = await post(s.url, listTools, {
        ...b,
        "mcp-session-id": session,
        "mcp-protocol-version": PROTOCOL_VERSION,
      });
      expect(list.status).toBe(200);
      expect(list.body.result.tools.length).toBeGreaterThan(0);
    } finally {
      await s.stop();
    }
  });
});

describe("session cap", () => {
  it("with --max-sessions 2, a third initialize gets 503 with retry-after; closing one makes room", async () => {
    const s = await startHttp(["--sandbox", "--max-sessions", "2"]);
    try {
      const first = await openSession(s.url);
      await openSession(s.url);
      const third = await post(s.url, initializeRequest());
      expect(third.status).toBe(503);
      expect(third.headers.get("retry-after")).toBe("30");
      expect(third.body).toEqual(rpcError(-32000, "Too many open sessions; try again later."));
      expect(third.headers.get("mcp-session-id")).toBeNull();
      // the open sessions are unaffected
      expect(
        (await post(s.url, listTools, { "mcp-session-id": first, "mcp-protocol-version": PROTOCOL_VERSION })).status,
      ).toBe(200);
      const del = await fetch(s.url, {
        method: "DELETE",
        headers: { "mcp-session-id": first, "mcp-protocol-version": PROTOCOL_VERSION },
      });
      expect(del.status).toBe(200);
      expect((await post(s.url, initializeRequest())).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  // handlePost checks the cap before `await server.connect()` and counts the session later
  // (onsessioninitialized); initializes that arrive together must still not get past it.
  it("the cap holds when initializes arrive at the same time", async () => {
    const s = await startHttp(["--sandbox", "--max-sessions", "2"]);
    try {
      const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => post(s.url, initializeRequest(i + 1))));
      const opened = replies.filter((r) => r.status === 200).length;
      const health = (await (await fetch(`${s.origin}/healthz`)).json()) as { sessions: number };
      expect({ opened, open: health.sessions }).toEqual({ opened: 2, open: 2 });
      expect(replies.filter((r) => r.status === 503)).toHaveLength(10);
    } finally {
      await s.stop();
    }
  });
});

describe("idle sessions", () => {
  it("a session idle for more than 30 minutes is closed (404); one used meanwhile stays", async () => {
    const clock = serverClock();
    const s = await startHttp(["--sandbox"], {}, { now: clock.now, overrides: { sweepEveryMs: 20 } });
    try {
      const kept = await openSession(s.url);
      const idle = await openSession(s.url);
      const on = (session: string) =>
        post(s.url, listTools, { "mcp-session-id": session, "mcp-protocol-version": PROTOCOL_VERSION });
      // A session's idle time counts from when the server finished its last request. In-process,
      // the server ends the response and records that end in the same turn of its event loop,
      // before the client can read the answer: the clock can move as soon as the answer is in.
      /** Waits until the server has swept twice since now (each sweep reads the clock twice). */
      const twoSweeps = async () => {
        const from = clock.reads();
        await vi.waitFor(() => expect(clock.reads() - from).toBeGreaterThanOrEqual(4), {
          timeout: 10_000,
          interval: 10,
        });
      };
      clock.advance(20 * MINUTE);
      await twoSweeps();
      expect(s.sessions()).toBe(2); // 20 min idle: both still open
      expect((await on(kept)).status).toBe(200); // this touches `kept`
      clock.advance(11 * MINUTE); // `idle`: 31 min without use; `kept`: 11 min
      // A request on `idle` would count as use: wait for the sweep on the server's own count.
      await vi.waitFor(() => expect(s.sessions()).toBe(1), { timeout: 10_000, interval: 10 });
      const gone = await on(idle);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual(
        rpcError(
          -32001,
          "Session not found: it expired, was closed, or never existed. Send initialize to open a new one.",
        ),
      );
      expect((await on(kept)).status).toBe(200);
      expect(await (await fetch(`${s.origin}/healthz`)).json()).toEqual({ status: "ok", sessions: 1 });
    } finally {
      await s.stop();
    }
  });
});
