// The HTTP transport's front door, in-process from the CLI's flags, with its own loopback sandbox
// (--sandbox, open mode): Host and Origin checks, /healthz, the body limit before parsing (with
// and without Content-Length), one JSON-RPC message per POST, and session ids.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  initializeRequest,
  openSession,
  post,
  PROTOCOL_VERSION,
  rawRequest,
  rpcError,
  startHttp,
  type HttpServer,
} from "./helpers.js";

const LIMIT = 1024 * 1024;
const TOO_LARGE = rpcError(-32600, `The request body is larger than ${LIMIT} bytes.`);

/** A JSON-RPC initialize padded to `bytes` bytes. */
function paddedInitialize(bytes: number): string {
  const init = initializeRequest();
  const head = JSON.stringify({ ...init, params: { ...init.params, pad: "" } }).slice(0, -3);
  return `${head}${"x".repeat(bytes - head.length - 3)}"}}`;
}

/** POST with node:http and no Content-Length: the body goes chunked, written in 64 KiB pieces. */
function postChunked(
  url: string,
  total: number,
  opts: { end: boolean; waitMs?: number } = { end: true },
): Promise<{ status: number; body: string } | "no answer"> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "transfer-encoding": "chunked",
      },
    });
    let settled = false;
    const timer = opts.waitMs ? setTimeout(() => finish("no answer"), opts.waitMs) : undefined;
    function finish(result: { status: number; body: string } | "no answer") {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    }
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => finish({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (err) => (settled ? undefined : reject(err)));
    expect(req.getHeader("content-length")).toBeUndefined();
    const piece = "x".repeat(64 * 1024);
    let sent = 0;
    req.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"');
    const pump = () => {
      while (sent < total && !settled) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (opts.end && !settled) req.end('"}}');
    };
    pump();
  });
}

describe("HTTP transport: Host, Origin, body, messages, sessions (open mode)", () => {
  let s: HttpServer;

  beforeAll(async () => {
    s = await startHttp(["--sandbox", "--allowed-origins", "https://console.example.com"]);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a Host header naming another host gets 403 (DNS rebinding)", async () => {
    const json = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const r = await rawRequest(
      s.url,
      "POST",
      { ...json, host: `evil.example.com:${s.port}` },
      JSON.stringify(initializeRequest()),
    );
    expect(r.status).toBe(403);
    expect(r.body).toEqual(rpcError(-32000, "Invalid Host: evil.example.com"));
    expect(r.headers["mcp-session-id"]).toBeUndefined();
    // the same request with a loopback Host is served: the refusal was for the Host alone
    const ok = await rawRequest(
      s.url,
      "POST",
      { ...json, host: `localhost:${s.port}` },
      JSON.stringify(initializeRequest()),
    );
    expect(ok.status).toBe(200);
  });

  it("a disallowed Origin gets 403", async () => {
    const r = await post(s.url, initializeRequest(), { origin: "http://evil.example.com" });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(rpcError(-32000, "Origin http://evil.example.com is not allowed."));
    const opaque = await post(s.url, initializeRequest(), { origin: "null" });
    expect(opaque.status).toBe(403);
    expect(opaque.body).toEqual(rpcError(-32000, "Invalid Origin header."));
  });

  it("an allowed Origin (http://localhost:PORT, or one from --allowed-origins) works", async () => {
    for (const origin of [`http://localhost:${s.port}`, "https://console.example.com"]) {
      const r = await post(s.url, initializeRequest(), { origin });
      expect(r.status, origin).toBe(200);
      expect(r.body.result.serverInfo.name, origin).toBe("revcent-mcp");
      expect(r.headers.get("mcp-session-id"), origin).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("/healthz answers without auth, whatever the Host", async () => {
    const res = await fetch(`${s.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", sessions: expect.any(Number) });
    const foreign = await rawRequest(`${s.origin}/healthz`, "GET", { host: "lb-probe.internal" });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toMatchObject({ status: "ok" });
  });

  it("an oversized body with Content-Length gets 413 before parsing", async () => {
    const body = paddedInitialize(LIMIT + 1024);
    // node:http, not fetch: fetch may refuse a Content-Length set by hand (undici's dispatcher does,
    // once any test in the worker has loaded undici and so installed it as the global one).
    const r = await rawRequest(
      s.url,
      "POST",
      {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "content-length": String(Buffer.byteLength(body)),
      },
      body,
    );
    expect(r.status).toBe(413);
    expect(r.body).toEqual(TOO_LARGE);
    expect(r.headers["mcp-session-id"]).toBeUndefined();
    // just under the limit is parsed and served
    const fits = await post(s.url, paddedInitialize(LIMIT - 1024));
    expect(fits.status).toBe(200);
  });

  it("an oversized chunked body (no Content-Length) gets 413, and the server keeps serving", async () => {
    const r = await postChunked(s.url, LIMIT + 256 * 1024, { end: true });
    expect(r).not.toBe("no answer");
    const { status, body } = r as { status: number; body: string };
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual(TOO_LARGE);
    const health = await fetch(`${s.origin}/healthz`);
    expect(health.status).toBe(200);
    const again = await post(s.url, initializeRequest());
    expect(again.status).toBe(200);
  });

  // Regression: body-parser, used once, read off ("dumped") the whole request before it passed the
  // 413 on, so a chunked body that kept coming past the limit was not refused while it streamed.
  it("a chunked body that keeps streaming past the limit is refused with 413 without waiting for its end", async () => {
    const r = await postChunked(s.url, 4 * LIMIT, { end: false, waitMs: 3000 });
    expect(r).not.toBe("no answer");
    expect((r as { status: number }).status).toBe(413);
  });

  it("a JSON-RPC batch array gets 400 -32600", async () => {
    const r = await post(s.url, [initializeRequest(1), initializeRequest(2)]);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(rpcError(-32600, "Batch requests are not supported: send one JSON-RPC message per POST."));
  });

  it("malformed JSON gets 400 -32700", async () => {
    const r = await post(s.url, '{"jsonrpc":"2.0","id":1,"method":"initialize",');
    expect(r.status).toBe(400);
    expect(r.body).toEqual(rpcError(-32700, "Parse error: the body is not valid JSON."));
  });

  it("a non-initialize POST without a session id gets 400", async () => {
    const r = await post(
      s.url,
      { jsonrpc: "2.0", id: 1, method: "tools/list" },
      { "mcp-protocol-version": PROTOCOL_VERSION },
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      rpcError(-32000, "Bad Request: no mcp-session-id header; send initialize first to open a session."),
    );
  });

  it("an unknown session id gets 404, on POST, GET and DELETE", async () => {
    const unknown = {
      "mcp-session-id": "00000000-0000-4000-8000-000000000000",
      "mcp-protocol-version": PROTOCOL_VERSION,
    };
    const expected = rpcError(
      -32001,
      "Session not found: it expired, was closed, or never existed. Send initialize to open a new one.",
    );
    const r = await post(s.url, { jsonrpc: "2.0", id: 1, method: "tools/list" }, unknown);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(expected);
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(s.url, { method, headers: { accept: "text/event-stream", ...unknown } });
      expect(res.status, method).toBe(404);
      expect(await res.json(), method).toEqual(expected);
    }
  });

  it("a real session answers tools/list, and after DELETE its id is unknown (404)", async () => {
    const session = await openSession(s.url);
    const headers = { "mcp-session-id": session, "mcp-protocol-version": PROTOCOL_VERSION };
    const list = await post(s.url, { jsonrpc: "2.0", id: 3, method: "tools/list" }, headers);
    expect(list.status).toBe(200);
    expect(list.body.result.tools.length).toBeGreaterThan(10);
    const del = await fetch(s.url, { method: "DELETE", headers });
    expect(del.status).toBe(200);
    const after = await post(s.url, { jsonrpc: "2.0", id: 4, method: "tools/list" }, headers);
    expect(after.status).toBe(404);
  });

  // Regression: body-parser's own client errors (415 unsupported charset, 415 unsupported
  // Content-Encoding, 400 bad Content-Length) once fell through to the internal error handler:
  // the caller got 500 "Internal error." and the log an error line.
  it("a body in an unsupported charset gets 415, not 500", async () => {
    const r = await post(s.url, JSON.stringify(initializeRequest()), {
      "content-type": "application/json; charset=ebcdic-xx",
    });
    expect(r.status).toBe(415);
  });
});
