// Upstream faults, end to end: the test process holds the sandbox (and its fault rules), the server
// is started from the same flags as the CLI (in-process, pointed at the sandbox with --api-url), and a
// real MCP client calls tools. Each case is one row of issue 3's fault table; D7's exactly-once
// refund and D9's real decline are in sale-flow.test.ts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcess } from "../helpers/in-process.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const TIMEOUT_MS = 1500;

let sandbox: Sandbox;
let s: StartedClient;
const call = async (name: string, args: Record<string, unknown>, options?: { signal?: AbortSignal }) =>
  (await s.client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;

beforeAll(async () => {
  sandbox = await startSandbox({ spec });
  // Faults are injected on the next upstream request: a confirmation's summary read would take the
  // fault meant for the write, so this file runs with the operator's `--confirm off`.
  s = await startInProcess(["--api-url", sandbox.url, "--toolsets", "all", "--confirm", "off"], {
    REVCENT_API_KEY: "sandbox-key",
    REVCENT_TIMEOUT_MS: String(TIMEOUT_MS),
    LOG_LEVEL: "debug",
  });
});
afterAll(async () => {
  await s?.close();
  await sandbox?.close();
});
afterEach(() => sandbox.faults.clear());

describe("upstream faults through a real MCP client", () => {
  it("D1: a GET answered 5xx is retried twice, then fails cleanly", async () => {
    sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault: { kind: "status", status: 503 } });
    const r = await call("GetCustomer", { customer_id: SEED_IDS.customer });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[upstream_error\] RevCent had an internal error \(HTTP 503\)/);
    expect(sandbox.faults.hits).toHaveLength(3);

    sandbox.faults.clear();
    sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault: { kind: "status", status: 500 }, times: 1 });
    const recovered = await call("GetCustomer", { customer_id: SEED_IDS.customer });
    expect(recovered.isError, text(recovered)).toBeFalsy();
    expect(sandbox.faults.hits).toHaveLength(1);
  });

  it("D2: a POST answered 5xx is never retried without its idempotency key, and says the outcome is unknown", async () => {
    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "status", status: 502 } });
    const r = await call("RefundTransaction", { transaction_id: SEED_IDS.transaction, amount: 1 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[upstream_error\]/);
    expect(text(r)).toContain(
      "may have reached RevCent and taken effect: check with GetTransaction before trying again",
    );
    // Retried only because each attempt carried the same key (asserted in client.test.ts).
    expect(sandbox.faults.hits).toHaveLength(3);
  });

  it("D3: the deadline ends a slow call with a timeout", async () => {
    sandbox.faults.add({ match: { operationId: "GetSale" }, fault: { kind: "latency", ms: TIMEOUT_MS * 4 } });
    const r = await call("GetSale", { sale_id: SEED_IDS.sale });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[timeout\] RevCent did not answer within 1500 ms/);
    await waitFor(() => sandbox.faults.abandoned.length === 1);
  });

  it("D3: MCP cancellation aborts the upstream request", async () => {
    sandbox.faults.add({ match: { operationId: "GetSale" }, fault: { kind: "latency", ms: 5000 } });
    const controller = new AbortController();
    const pending = call("GetSale", { sale_id: SEED_IDS.sale }, { signal: controller.signal });
    await waitFor(() => sandbox.faults.hits.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => sandbox.faults.abandoned.length === 1);
    expect(sandbox.faults.abandoned[0]).toMatchObject({ operationId: "GetSale" });
    // The server is still serving.
    sandbox.faults.clear();
    expect((await call("GetSale", { sale_id: SEED_IDS.sale })).isError).toBeFalsy();
  });

  it("D4: a connection reset becomes network_error after the retries", async () => {
    sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault: { kind: "reset" } });
    const r = await call("GetCustomer", { customer_id: SEED_IDS.customer });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[network_error\] Could not reach RevCent: connection (reset|closed)/);
    expect(sandbox.faults.hits).toHaveLength(3);
  });

  it("D5: an HTML page or cut-off JSON becomes malformed_response, quoting nothing of the body", async () => {
    for (const fault of [{ kind: "html" as const }, { kind: "malformed" as const }]) {
      sandbox.faults.clear();
      sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault });
      const r = await call("GetCustomer", { customer_id: SEED_IDS.customer });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(
        /^\[malformed_response\] RevCent answered HTTP \d+ with (an HTML page|a body that is not valid JSON)\./,
      );
      expect(text(r)).not.toMatch(/upstream-lb|<html|"results"/);
    }
  });

  it("D6: 429 with Retry-After is honoured, and a wait beyond the cap is reported instead", async () => {
    sandbox.faults.add({
      match: { operationId: "GetCustomer" },
      fault: { kind: "rate_limit", retryAfterSeconds: 1 },
      times: 1,
    });
    const started = Date.now();
    const r = await call("GetCustomer", { customer_id: SEED_IDS.customer });
    expect(r.isError, text(r)).toBeFalsy();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    sandbox.faults.clear();
    sandbox.faults.add({
      match: { operationId: "GetCustomer" },
      fault: { kind: "rate_limit", retryAfterSeconds: 120 },
    });
    const limited = await call("GetCustomer", { customer_id: SEED_IDS.customer });
    expect(limited.isError).toBe(true);
    expect(text(limited)).toMatch(/^\[rate_limited\] .*retry after 120 s/);
    expect(sandbox.faults.hits).toHaveLength(1);
  });

  it("D7: a lost response to a refund is retried with the same key; RevCent keeps one refund and the result says so", async () => {
    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "lost_response" }, times: 1 });
    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "latency", ms: 0 } }); // counts the retry
    const r = await call("RefundTransaction", { transaction_id: SEED_IDS.transaction, amount: 2 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(
      /^\[duplicate_request\] The first attempt of RefundTransaction reached RevCent but its answer was lost/,
    );
    expect(text(r)).toContain("Check with GetTransaction before trying again; do not repeat it blindly");
    expect(sandbox.faults.hits).toHaveLength(2);
  });

  it("D10: a response over the size cap is refused, not buffered", async () => {
    sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault: { kind: "oversized", bytes: 9 * 1024 * 1024 } });
    const r = await call("GetCustomer", { customer_id: SEED_IDS.customer });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[response_too_large\]/);
  });

  it("D12: a redirect is not followed, so the key never reaches another host", async () => {
    const elsewhere: string[] = [];
    const other: Server = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers["x-api-key"] ?? ""}`);
      res.end("{}");
    });
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    try {
      const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
      sandbox.faults.add({ match: { operationId: "GetCustomer" }, fault: { kind: "redirect", location } });
      const r = await call("GetCustomer", { customer_id: SEED_IDS.customer });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/^\[redirect_refused\]/);
      expect(text(r)).not.toContain(location);
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it("logs of all this carry neither the API key nor request arguments", () => {
    const logs = s.stderr();
    expect(logs).toContain('"msg":"revcent call failed"');
    expect(logs).not.toContain("sandbox-key");
    expect(logs).not.toContain(SEED_IDS.transaction);
  });
});

describe("D13: connection refused", () => {
  it("fails fast: one attempt, no retries, and says nothing can have happened", async () => {
    const dead = await startInProcess(["--api-url", "http://127.0.0.1:1/v2", "--toolsets", "all"], {
      REVCENT_API_KEY: "k",
      LOG_LEVEL: "debug",
    });
    try {
      const r = (await dead.client.callTool({
        name: "RefundTransaction",
        arguments: { transaction_id: SEED_IDS.transaction },
      })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toBe("[network_error] Could not reach RevCent: connection refused.");
      // In-process, each log line is kept as it is written, and every attempt (and any retry) is
      // logged inside the call: all of them are in the log once the result is back.
      const attempts = dead
        .stderr()
        .split("\n")
        .filter((l) => l.includes('"msg":"revcent call failed"'));
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toContain('"retry":false');
    } finally {
      await dead.close();
    }
  });
});

/** Waits for a state of the sandbox (polled by vitest), failing after 5 s. */
const waitFor = (condition: () => boolean) =>
  vi.waitFor(() => expect(condition()).toBe(true), { timeout: 5000, interval: 20 });
