// Who may call the HTTP transport: bring-your-own-key (x-api-key, sessions bound to the key) and
// server-held key (bearer tokens from MCP_AUTH_TOKENS; the token never goes upstream). The test
// process runs the sandbox; in token mode a recording proxy in front of it sees every upstream
// request's headers. The server runs in-process, started from the CLI's flags.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callToolRaw,
  connectClient,
  initializeRequest,
  newSandbox,
  openSession,
  post,
  PROTOCOL_VERSION,
  recordingProxy,
  rpcError,
  SANDBOX_KEY,
  SEED_IDS,
  startHttp,
  type HttpServer,
  type RecordingProxy,
  type Sandbox,
} from "./helpers.js";

const SESSION_NOT_FOUND = rpcError(
  -32001,
  "Session not found: it expired, was closed, or never existed. Send initialize to open a new one.",
);
const OTHER_KEY = "test-key-abc"; // a leak canary (test/fixtures/leak-canaries.json)
const listTools = { jsonrpc: "2.0", id: 7, method: "tools/list" };

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox([OTHER_KEY]);
});
afterAll(async () => {
  await sandbox?.close();
});

describe("BYOK: each caller sends its own RevCent key as x-api-key", () => {
  let s: HttpServer;
  beforeAll(async () => {
    s = await startHttp(["--api-url", sandbox.url]);
  });
  afterAll(() => s?.stop());

  it("a session opened with one key is not found (404) for another key", async () => {
    const session = await openSession(s.url, { "x-api-key": SANDBOX_KEY });
    const headers = { "mcp-session-id": session, "mcp-protocol-version": PROTOCOL_VERSION };
    const own = await post(s.url, listTools, { ...headers, "x-api-key": SANDBOX_KEY });
    expect(own.status).toBe(200);
    const foreign = await post(s.url, listTools, { ...headers, "x-api-key": OTHER_KEY });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(SESSION_NOT_FOUND);
    const foreignGet = await fetch(s.url, {
      headers: { ...headers, accept: "text/event-stream", "x-api-key": OTHER_KEY },
    });
    expect(foreignGet.status).toBe(404);
    expect(await foreignGet.json()).toEqual(SESSION_NOT_FOUND);
  });

  it("a request without x-api-key gets 401", async () => {
    const r = await post(s.url, initializeRequest());
    expect(r.status).toBe(401);
    expect(r.body).toEqual(rpcError(-32001, "Unauthorized: send your RevCent API key as the x-api-key header."));
    const blank = await post(s.url, initializeRequest(), { "x-api-key": "   " });
    expect(blank.status).toBe(401);
  });

  it("a tool call through the SDK client succeeds and reaches the sandbox with the caller's key", async () => {
    sandbox.faults.clear();
    sandbox.faults.add({ match: {}, fault: { kind: "latency", ms: 0 } }); // counts every upstream request
    const c = await connectClient(s.url, { "x-api-key": SANDBOX_KEY });
    try {
      const r = await c.call("GetCustomer", { customer_id: SEED_IDS.customer });
      expect(r.isError, r.text).toBe(false);
      expect(r.data).toMatchObject({ email: "jane.doe@example.com", zip: "90210" });
      expect(sandbox.faults.hits.map((h) => h.operationId)).toContain("GetCustomer");
    } finally {
      await c.close();
      sandbox.faults.clear();
    }
    // A key RevCent does not accept gets no session at all: RevCent is asked about it first.
    const made = await post(s.url, initializeRequest(), { "x-api-key": "made-up-key-0001" });
    expect(made.status).toBe(401);
    expect(made.body).toEqual(rpcError(-32001, "Unauthorized: RevCent does not accept this API key."));
    expect(made.headers.get("mcp-session-id")).toBeNull();
  });

  it("no caller's key appears in the server's stderr", async () => {
    // Upstream calls with both keys, so the log has lines about each (in-process: the lines a
    // spawned server writes to stderr; lifecycle.test.ts reads a spawned server's own stderr).
    for (const key of [SANDBOX_KEY, OTHER_KEY]) {
      const c = await connectClient(s.url, { "x-api-key": key });
      try {
        await c.call("GetCustomer", { customer_id: SEED_IDS.customer });
      } finally {
        await c.close();
      }
    }
    expect(s.stderr()).toContain('"msg":"revcent call"');
    expect(s.stderr()).not.toContain(SANDBOX_KEY);
    expect(s.stderr()).not.toContain(OTHER_KEY);
  });
});

describe("token mode: MCP_AUTH_TOKENS, REVCENT_API_KEY held by the server", () => {
  let s: HttpServer;
  let proxy: RecordingProxy;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    proxy = await recordingProxy(sandbox);
    s = await startHttp(["--api-url", proxy.url], { MCP_AUTH_TOKENS: "tok-a,tok-b", REVCENT_API_KEY: SANDBOX_KEY });
  });
  afterAll(async () => {
    await s?.stop();
    await proxy?.close();
  });

  it("no bearer, an unknown token, or another scheme gets 401 with www-authenticate", async () => {
    const expected = rpcError(
      -32001,
      "Unauthorized: send Authorization: Bearer <token> with one of this server's MCP tokens.",
    );
    const attempts: Record<string, string>[] = [
      {},
      bearer("tok-c"),
      bearer("tok-a-but-longer"),
      { authorization: "Basic dG9rLWE6" },
      { authorization: "tok-a" },
      { "x-api-key": SANDBOX_KEY },
    ];
    for (const headers of attempts) {
      const r = await post(s.url, initializeRequest(), headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.headers.get("www-authenticate"), JSON.stringify(headers)).toBe('Bearer realm="revcent-mcp"');
      expect(r.body, JSON.stringify(headers)).toEqual(expected);
    }
  });

  it("a valid token works, and the bearer token is never sent upstream", async () => {
    proxy.seen.length = 0;
    const c = await connectClient(s.url, bearer("tok-a"));
    try {
      const r = await c.call("GetCustomer", { customer_id: SEED_IDS.customer });
      expect(r.isError, r.text).toBe(false);
      expect(r.data).toMatchObject({ email: "jane.doe@example.com" });
    } finally {
      await c.close();
    }
    const upstream = proxy.seen.filter((q) => q.path.includes(SEED_IDS.customer));
    expect(upstream.length).toBeGreaterThan(0);
    for (const q of proxy.seen) {
      expect(q.headers["x-api-key"]).toBe(SANDBOX_KEY);
      expect(q.headers.authorization).toBeUndefined();
      expect(JSON.stringify(q.headers)).not.toMatch(/tok-[ab]/);
      expect(q.path).not.toMatch(/tok-[ab]/);
    }
  });

  it("a session opened with tok-a is not found (404) with tok-b", async () => {
    const session = await openSession(s.url, bearer("tok-a"));
    const viaB = await callToolRaw(s.url, session, "GetCustomer", { customer_id: SEED_IDS.customer }, bearer("tok-b"));
    expect(viaB.status).toBe(404);
    expect(viaB.body).toEqual(SESSION_NOT_FOUND);
    const viaA = await callToolRaw(s.url, session, "GetCustomer", { customer_id: SEED_IDS.customer }, bearer("tok-a"));
    expect(viaA.status).toBe(200);
    expect(viaA.body.result.isError).toBeFalsy();
  });

  it("neither token nor the server's key appears in the server's stderr", () => {
    expect(s.stderr()).toContain('"msg":"revcent call"');
    for (const secret of ["tok-a", "tok-b", SANDBOX_KEY]) expect(s.stderr()).not.toContain(secret);
  });
});
