// The HTTP server as a process (dist/server.js --transport http, as users run it): the one spawned
// HTTP conversation (initialize, tools/list, a tool call), the unauthenticated sandbox refusing a
// non-loopback host with exit code 2, and SIGTERM letting in-flight calls finish before the process
// exits 0. Everything else about HTTP runs in-process (the other files here).
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  connectClient,
  initializeRequest,
  killAll,
  newSandbox,
  openSession,
  post,
  PROTOCOL_VERSION,
  runToExit,
  SANDBOX_KEY,
  SEED_IDS,
  startHttp,
  startHttpServer,
  type Sandbox,
} from "./helpers.js";

afterAll(() => killAll());

/** stderr without pino's JSON log lines. */
const plainLines = (stderr: string) => stderr.split("\n").filter((line) => line !== "" && !line.startsWith("{"));

describe("non-loopback hosts", () => {
  it("--sandbox --transport http --host 0.0.0.0 exits non-zero with a one-line error", async () => {
    const r = await runToExit(["--sandbox", "--transport", "http", "--host", "0.0.0.0", "--port", "0"]);
    expect(r.code).toBe(2);
    expect(r.signal).toBeNull();
    expect(plainLines(r.stderr)).toEqual([
      "revcent-mcp: refusing to serve the sandbox without authentication on 0.0.0.0: use a loopback host, or set MCP_AUTH_TOKENS.",
    ]);
    expect(r.stderr).not.toContain("serving MCP at");
    expect(r.stdout).toBe("");
  });

  it("the same with MCP_AUTH_TOKENS set starts, and demands the token", async () => {
    const s = await startHttp(["--sandbox", "--host", "0.0.0.0"], { MCP_AUTH_TOKENS: "tok-wild" }); // in-process: a start, not an exit
    try {
      expect(s.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/mcp$/);
      const url = `http://127.0.0.1:${s.port}/mcp`;
      expect((await post(url, initializeRequest())).status).toBe(401);
      const ok = await post(url, initializeRequest(), { authorization: "Bearer tok-wild" });
      expect(ok.status).toBe(200);
      expect(ok.body.result.serverInfo.name).toBe("revcent-mcp");
    } finally {
      await s.stop();
    }
  });
});

describe("the built server over --transport http", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await newSandbox();
  });
  afterAll(() => sandbox?.close());

  it("initialize, tools/list and a tool call through the SDK client; stderr says where it serves, and no key", async () => {
    const s = await startHttpServer(["--api-url", sandbox.url]);
    const c = await connectClient(s.url, { "x-api-key": SANDBOX_KEY });
    try {
      expect(c.client.getServerVersion()?.name).toBe("revcent-mcp");
      expect((await c.client.listTools()).tools.map((t) => t.name)).toContain("GetCustomer");
      const r = await c.call("GetCustomer", { customer_id: SEED_IDS.customer });
      expect(r.isError, r.text).toBe(false);
      expect(r.data).toMatchObject({ id: SEED_IDS.customer, email: "jane.doe@example.com" });
      expect(s.stderr()).toContain(`revcent-mcp serving MCP at ${s.url}`);
      expect(s.stderr()).toContain("serving MCP over streamable HTTP");
      expect(s.stderr()).not.toContain(SANDBOX_KEY);
    } finally {
      await c.close();
      await s.stop();
    }
  });
});

describe("graceful shutdown", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await newSandbox();
  });
  afterAll(() => sandbox?.close());

  it("SIGTERM during a slow tool call: the call completes, new requests are refused, exit 0", async () => {
    sandbox.faults.clear();
    const s = await startHttpServer(["--api-url", sandbox.url]);
    const c = await connectClient(s.url, { "x-api-key": SANDBOX_KEY });
    // Held upstream only now: connecting asked RevCent about the key already (a GetCustomer too).
    sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault: { kind: "latency", ms: 1500 } });
    try {
      const pending = c.call("GetCustomer", { customer_id: SEED_IDS.customer });
      await vi.waitFor(() => expect(sandbox.faults.hits.map((h) => h.operationId)).toContain("GetCustomer"), {
        interval: 10,
      });
      s.proc.kill("SIGTERM");
      // No new work once the signal is handled: refused (503) or no longer listening. Asked until
      // the process has handled it, while the call (held 1.5 s upstream) is still in progress.
      let callDone = false;
      void pending.finally(() => (callDone = true));
      await vi.waitFor(
        async () => {
          const late = await post(s.url, initializeRequest(), { "x-api-key": SANDBOX_KEY }).catch(
            () => "refused" as const,
          );
          expect(late === "refused" || late.status === 503).toBe(true);
        },
        { timeout: 1000, interval: 20 },
      );
      expect(callDone, "the slow call was still running when new requests were refused").toBe(false);
      const r = await pending;
      expect(r.isError, r.text).toBe(false);
      expect(r.data).toMatchObject({ id: SEED_IDS.customer, email: "jane.doe@example.com" });
      expect(await s.exited).toEqual({ code: 0, signal: null });
    } finally {
      await c.close();
      await s.stop();
      sandbox.faults.clear();
    }
  }, 20_000);

  it("SIGTERM with no request open exits 0 at once", async () => {
    const s = await startHttpServer(["--api-url", sandbox.url]);
    try {
      const session = await openSession(s.url, { "x-api-key": SANDBOX_KEY });
      expect(
        (
          await post(
            s.url,
            { jsonrpc: "2.0", id: 2, method: "tools/list" },
            { "x-api-key": SANDBOX_KEY, "mcp-session-id": session, "mcp-protocol-version": PROTOCOL_VERSION },
          )
        ).status,
      ).toBe(200);
      const start = Date.now();
      s.proc.kill("SIGTERM");
      expect(await s.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - start).toBeLessThan(3000);
    } finally {
      await s.stop();
    }
  });

  // Regression: shutdown once counted every open /mcp response as a call in progress, including a
  // session's standalone GET SSE stream, which the SDK client opens after initialize and keeps
  // open, and so waited its full 10 s deadline although no call was running.
  it("SIGTERM with an idle SDK client connected (its GET stream open) exits 0 within 3 s", async () => {
    const s = await startHttpServer(["--api-url", sandbox.url]);
    let streamOpened!: () => void;
    const streamOpen = new Promise<void>((resolve) => (streamOpened = resolve));
    // The client's standalone GET stream, seen open when the server has answered it with 200.
    const watchGet: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if ((init?.method ?? "GET") === "GET" && res.status === 200) streamOpened();
      return res;
    };
    const c = await connectClient(s.url, { "x-api-key": SANDBOX_KEY }, { fetch: watchGet });
    try {
      expect((await c.client.listTools()).tools.length).toBeGreaterThan(0);
      await streamOpen;
      const start = Date.now();
      s.proc.kill("SIGTERM");
      // kept: a deadline, not a wait; the process must exit before it.
      const exit = await Promise.race([s.exited, sleep(3000).then(() => "still running after 3 s" as const)]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - start).toBeLessThan(3000);
    } finally {
      await c.close();
      await s.stop();
    }
  });
});
