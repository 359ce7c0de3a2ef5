// RevCentClient against a real HTTP peer on loopback: what reaches the wire, and how each kind of
// answer maps to the error taxonomy. (Fault injection in the sandbox covers the rest.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Policy } from "../src/operations/policy.js";
import { buildRequest } from "../src/client/request.js";
import { RevCentClient } from "../src/client/revcent-client.js";
import { RevCentError } from "../src/errors.js";
import { errorFromResponse } from "../src/client/upstream-errors.js";
import { loadOperations } from "../src/operations/openapi.js";
import { readFileSync } from "node:fs";

const operations = loadOperations(
  JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8")),
);
const op = (id: string) => operations.find((o) => o.id === id)!;

describe("buildRequest", () => {
  it("encodes path params, repeats exploded arrays, and writes deepObject filters", () => {
    const req = buildRequest(op("GetTransactions"), {
      date_start: 1,
      date_end: 2,
      limit: 25,
      page: 1,
      status_filter: ["settled", "refunded"],
      metadata_filter: [
        { name: "ad", value: "pets & cats" },
        { name: "lp", value: "v1" },
      ],
      customer_id: "c1",
    });
    const url = new URL(`http://x${req.path}`);
    expect(url.pathname).toBe("/transactions");
    expect(url.searchParams.getAll("status_filter")).toEqual(["settled", "refunded"]);
    expect(url.searchParams.get("metadata_filter[0][name]")).toBe("ad");
    expect(url.searchParams.get("metadata_filter[0][value]")).toBe("pets & cats");
    expect(url.searchParams.get("metadata_filter[1][value]")).toBe("v1");
    expect(req.body).toBeUndefined();

    const get = buildRequest(op("GetKeyValue"), { key: "a/b c" });
    expect(get.path).toBe("/key_values/a%2Fb%20c");
  });

  it("puts body fields in JSON with the call's idempotency key, never path or query params", () => {
    const req = buildRequest(op("RefundTransaction"), { transaction_id: "t".repeat(20), amount: 5 }, "key-1234567890");
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/transactions/${"t".repeat(20)}/refund`);
    expect(JSON.parse(req.body!)).toEqual({ amount: 5, idempotency_key: "key-1234567890" });
  });
});

describe("RevCentClient over loopback", () => {
  let server: Server;
  let baseUrl: string;
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  let respond: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("{}");

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        respond(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  });
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections(); // the client's idle keep-alive sockets would hold close() ~4 s
      }),
  );

  const client = (opts: Partial<ConstructorParameters<typeof RevCentClient>[0]> = {}) =>
    new RevCentClient({
      baseUrl,
      apiKey: "test-key-abc",
      logger: pino({ level: "silent" }),
      timeoutMs: 2000,
      maxBackoffMs: 5,
      policy: Policy.fromConfig(
        { profile: "operator", toolsets: ["all"], tools: [], denyTools: ["VoidSale"], readOnly: false, guard: false },
        operations,
      ),
      ...opts,
    });
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if (err instanceof RevCentError) return err;
      throw err;
    }
    throw new Error("expected a RevCentError");
  };

  it("sends the key as x-api-key under the base path and parses JSON", async () => {
    respond = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"code":1,"id":"x"}');
    seen.length = 0;
    const res = await client().call(op("GetCustomer"), { customer_id: "c".repeat(20) });
    expect(res.body).toEqual({ code: 1, id: "x" });
    expect(seen[0]).toMatchObject({ method: "GET", url: `/v2/customers/${"c".repeat(20)}` });
    expect(seen[0]!.headers["x-api-key"]).toBe("test-key-abc");
  });

  it("a denied operation never reaches the network", async () => {
    seen.length = 0;
    const err = await failure(client().call(op("VoidSale"), { sale_id: "s".repeat(20) }));
    expect(err.code).toBe("operation_not_allowed");
    expect(seen).toHaveLength(0);
  });

  it("maps RevCent error bodies to typed errors without pasting the body", async () => {
    const cases: [number, object, string][] = [
      [
        400,
        { code: 0, error_code: "E0037", message: "The payment profile you entered is invalid", result: "Error" },
        "bad_request",
      ],
      [401, { code: 0, message: "nope" }, "unauthorized"],
      [
        402,
        {
          code: 2,
          message: "The gateway declined the transaction.",
          gateway_raw_response: { responsetext: "Insufficient funds" },
        },
        "payment_declined",
      ],
      [402, { code: 3, message: "Gateway error." }, "gateway_error"],
      [402, { code: 4, message: "Held." }, "gateway_hold"],
      [402, { code: 5, message: "Payment not processed.", fraud_detected: true }, "fraud_detected"],
      [404, { code: 0, message: "The requested item does not exist.", result: "Not Found" }, "not_found"],
      [405, { code: 0 }, "method_not_allowed"],
    ];
    for (const [status, body, code] of cases) {
      respond = (_req, res) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      const err = await failure(client().call(op("CreateSale"), {}));
      expect(err.code, `${status} ${JSON.stringify(body)}`).toBe(code);
      expect(err.details.status).toBe(status);
    }
    respond = (_req, res) => res.writeHead(402).end(JSON.stringify(cases[2]![1]));
    const declined = await failure(client().call(op("CreateSale"), {}));
    expect(declined.message).toContain("Insufficient funds");
    expect(declined.details.revcentCode).toBe(2);
  });

  it("HTML and malformed bodies become malformed_response; nothing of the body is quoted", async () => {
    respond = (_req, res) =>
      res
        .writeHead(502, { "content-type": "text/html" })
        .end("<html><body>Bad Gateway secret-internal-host</body></html>");
    const err = await failure(client({ maxRetries: 0 }).call(op("GetCustomer"), { customer_id: "c".repeat(20) }));
    expect(err.code).toBe("malformed_response");
    expect(err.message).not.toContain("secret-internal-host");
    respond = (_req, res) => res.writeHead(200).end('{"code":1,');
    expect((await failure(client().call(op("GetCustomer"), { customer_id: "c".repeat(20) }))).code).toBe(
      "malformed_response",
    );
  });

  it("does not follow redirects: the key stays on the configured origin", async () => {
    seen.length = 0;
    respond = (_req, res) => res.writeHead(302, { location: "http://127.0.0.2:9/steal" }).end();
    const err = await failure(client().call(op("GetCustomer"), { customer_id: "c".repeat(20) }));
    expect(err.code).toBe("redirect_refused");
    expect(seen).toHaveLength(1);
  });

  it("refuses responses over the size cap, declared or streamed", async () => {
    respond = (_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ blob: "x".repeat(5000) }));
    expect(
      (await failure(client({ maxResponseBytes: 1000 }).call(op("GetCustomer"), { customer_id: "c".repeat(20) }))).code,
    ).toBe("response_too_large");
    respond = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"blob":"');
      res.end("y".repeat(5000) + '"}');
    };
    expect(
      (await failure(client({ maxResponseBytes: 1000 }).call(op("GetCustomer"), { customer_id: "c".repeat(20) }))).code,
    ).toBe("response_too_large");
  });

  it("retries a GET on 5xx, then gives a clean error; never retries a payment answer", async () => {
    seen.length = 0;
    respond = (_req, res) => res.writeHead(503, { "content-type": "application/json" }).end('{"code":0}');
    const err = await failure(client().call(op("GetCustomer"), { customer_id: "c".repeat(20) }));
    expect(err.code).toBe("upstream_error");
    expect(seen).toHaveLength(3);
    seen.length = 0;
    respond = (_req, res) => res.writeHead(402).end('{"code":2}');
    await failure(client().call(op("CreateSale"), {}));
    expect(seen).toHaveLength(1);
  });

  it("reuses one idempotency key across the retries of a POST", async () => {
    seen.length = 0;
    respond = (_req, res) => res.writeHead(503).end('{"code":0}');
    await failure(client().call(op("RefundTransaction"), { transaction_id: "t".repeat(20) }));
    const keys = seen.map((s) => JSON.parse(s.body).idempotency_key);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a connection refused fails as network_error, without a stack or address", async () => {
    const dead = new RevCentClient({
      baseUrl: "http://127.0.0.1:1/v2",
      apiKey: "k",
      logger: pino({ level: "silent" }),
      timeoutMs: 2000,
      maxRetries: 0,
      policy: Policy.fromConfig(
        { profile: "operator", toolsets: ["all"], tools: [], denyTools: [], readOnly: false, guard: false },
        operations,
      ),
    });
    const err = await failure(dead.call(op("GetCustomer"), { customer_id: "c".repeat(20) }));
    expect(err.code).toBe("network_error");
    expect(err.message).toBe("Could not reach RevCent: connection refused.");
  });
});

describe("a duplicate is what RevCent says of a reused key, nothing else", () => {
  const answer = (message: string, error_code?: string) =>
    errorFromResponse(400, { code: 0, result: "Error", message, ...(error_code ? { error_code } : {}) });
  it("a message that names idempotency_key as unknown, or as malformed, is a bad request: nothing reached RevCent's records", () => {
    for (const message of [
      "Unknown parameter: idempotency_key",
      "idempotency_key must be a string of 10 to 255 characters",
      "Invalid idempotency key format",
    ]) {
      expect(answer(message).code, message).toBe("bad_request");
    }
    expect(answer("Unknown parameter: idempotency_key", "E_INVALID_PARAMETER").code).toBe("bad_request");
  });
  it("a key RevCent saw before is a duplicate, however it words it", () => {
    for (const message of [
      "Duplicate idempotency_key: this request was already received.",
      "Idempotency key already used",
      "The idempotency key matches an existing request",
      "Idempotency key was found; request rejected",
    ]) {
      expect(answer(message).code, message).toBe("duplicate_request");
    }
  });
});
