// The v1-legacy toolset end to end: the test process holds the sandbox (V2 at /v2, V1 at /v1, and
// the fault rules), the server starts from the CLI's flags (in-process, --api-url at
// the sandbox, V1's endpoint derived from it; the start-up refusal runs dist/server.js), and a real MCP client lists and calls every V1 tool.
import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { loadV1Operations } from "../../src/operations/v1-catalog.js";
import { upstream as upstreamCall } from "../guard/harness.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcess } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
const catalog = loadV1Operations(
  JSON.parse(readFileSync(new URL("../../spec/v1-operations.json", import.meta.url), "utf8")),
);
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

let sandbox: Sandbox;
let s: StartedClient;
const call = async (name: string, args: Record<string, unknown>) =>
  (await s.client.callTool({ name, arguments: args })) as CallToolResult;
const ok = async (name: string, args: Record<string, unknown>) => {
  const r = await call(name, args);
  expect(r.isError, `${name}: ${text(r)}`).toBeFalsy();
  return answerOf(r) as Record<string, any>;
};

const upstream = (method: "GET" | "POST", path: string, body?: unknown) => upstreamCall(sandbox, method, path, body);
const pendingSale = (uniqueRequestId: string) =>
  upstream("POST", "/sales/pending", {
    campaign: SEED_IDS.campaign,
    customer_id: SEED_IDS.customer,
    product: [{ id: SEED_IDS.product }],
    unique_request_id: uniqueRequestId,
  });

beforeAll(async () => {
  sandbox = await startSandbox({ spec });
  // The subject is V1's request and answer mapping; the cancel's confirmation is tested with the
  // guard (test/guard/v1-legacy.test.ts) and in test/money/, so the operator's `off` is used here.
  s = await startInProcess(["--api-url", sandbox.url, "--toolsets", "v1-legacy", "--confirm", "off"], {
    REVCENT_API_KEY: "sandbox-key",
    REVCENT_TIMEOUT_MS: "3000",
  });
});
afterAll(async () => {
  await s?.close();
  await sandbox?.close();
});
afterEach(() => sandbox.faults.clear());

describe("v1-legacy toolset over stdio against the sandbox", () => {
  it("lists exactly the V1-only operations, with V1 names and write hints on the cancel", async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(catalog.map((o) => o.id).sort());
    expect(tools.map((t) => t.name).sort()).toEqual([
      "V1FraudDetectionRequestRetrieve",
      "V1LicenseKeyRetrieve",
      "V1PendingSaleCancel",
      "V1QuotaUnitGroupRetrieve",
      "V1QuotaUnitRetrieve",
    ]);
    const cancel = tools.find((t) => t.name === "V1PendingSaleCancel")!;
    expect(cancel.annotations).toEqual({ destructiveHint: true }); // the other hints are the MCP defaults
    expect(cancel.inputSchema).toMatchObject({ required: ["unique_request_id"] });
    const read = tools.find((t) => t.name === "V1LicenseKeyRetrieve")!;
    expect(read.annotations).toEqual({ readOnlyHint: true });
    expect(Object.keys(read.inputSchema.properties ?? {})).toEqual(["id", "fields"]);
  });

  it("retrieves a license key by its id and by its value, in V1's envelope", async () => {
    const byId = await ok("V1LicenseKeyRetrieve", { id: SEED_IDS.licenseKey });
    expect(byId).toMatchObject({ code: 1, request_type: "license_key", request_method: "retrieve", total_count: 1 });
    expect(byId.results[0]).toMatchObject({
      id: SEED_IDS.licenseKey,
      license_key: "JANE-0001-SANDBOX-KEY",
      customer: { id: SEED_IDS.customer },
      sale: { id: SEED_IDS.sale },
    });
    const byValue = await ok("V1LicenseKeyRetrieve", { id: "JANE-0001-SANDBOX-KEY" });
    expect(byValue.results[0].id).toBe(SEED_IDS.licenseKey);
    // `fields` works on V1 answers like on any read.
    expect(
      (await ok("V1LicenseKeyRetrieve", { id: SEED_IDS.licenseKey, fields: ["results.license_key"] })).results,
    ).toEqual([{ license_key: "JANE-0001-SANDBOX-KEY" }]);
  });

  it("retrieves quota units, quota unit groups and fraud detection requests from the sandbox's state", async () => {
    const unit = await ok("V1QuotaUnitRetrieve", { id: seedIdFor("quota_unit_id", 0) });
    expect(unit.results[0]).toMatchObject({
      name: "Phone Minute",
      quota_unit_group: { id: seedIdFor("quota_unit_group_id", 0), name: "Gold Brand" },
    });
    const group = await ok("V1QuotaUnitGroupRetrieve", { id: seedIdFor("quota_unit_group_id", 1) });
    expect(group).toMatchObject({
      request_type: "quota_unit_group",
      results: [{ name: "Platinum Brand", enabled: true }],
    });
    const fraud = await ok("V1FraudDetectionRequestRetrieve", { id: SEED_IDS.fraudDetectionRequest });
    expect(fraud.results[0]).toMatchObject({
      customer: { id: SEED_IDS.customer },
      sale: { id: SEED_IDS.sale },
      transactions: [SEED_IDS.transaction],
      fraud_detected: false,
    });
  });

  it("cancels a pending sale by the unique_request_id it was created with, once", async () => {
    const sale = await pendingSale("v1-e2e-order-1");
    const cancelled = await ok("V1PendingSaleCancel", { unique_request_id: "v1-e2e-order-1" });
    expect(cancelled).toMatchObject({
      code: 1,
      request_type: "sale",
      request_method: "void",
      sale_id: sale.sale_id,
      customer_id: SEED_IDS.customer,
      unique_request_id: "v1-e2e-order-1",
      result: "Sale successfully void.",
    });
    expect(await upstream("GET", `/sales/${sale.sale_id}`)).toMatchObject({ status: "Cancelled", void: true });
    // V1 answers a second cancel with body code 0 (HTTP 200): an error result with a stable code.
    const again = await call("V1PendingSaleCancel", { unique_request_id: "v1-e2e-order-1" });
    expect(again.isError).toBe(true);
    expect(text(again)).toBe("[bad_request] The sale is already void (status Cancelled). (RevCent code 0)");
    expect(again.structuredContent).toBeUndefined();
  });

  it("turns V1 error codes and bad arguments into isError results that name the cause", async () => {
    const missing = await call("V1QuotaUnitRetrieve", { id: "quotaunit0000nothere" });
    expect(text(missing)).toBe("[bad_request] The requested item does not exist. (RevCent code 0)");
    const noId = await call("V1LicenseKeyRetrieve", {});
    expect(noId.isError).toBe(true);
    expect(text(noId)).toMatch(
      /^\[invalid_arguments\] Invalid arguments for V1LicenseKeyRetrieve: id: .* \(field: id\)$/,
    );
    // The envelope's type and method are the server's, not the model's.
    const envelope = await call("V1LicenseKeyRetrieve", { id: SEED_IDS.licenseKey, type: "sale", method: "void" });
    expect(text(envelope)).toMatch(/^\[invalid_arguments\] .*unknown arguments type, method; allowed: id, fields/);
    // No request reached the sandbox for the refused calls: a fault on every V1 request stays unused.
    sandbox.faults.add({ match: { path: "/v1" }, fault: { kind: "status", status: 500 } });
    await call("V1LicenseKeyRetrieve", { id: 7 });
    expect(sandbox.faults.hits).toHaveLength(0);
  });

  it("maps V1 payment codes, answers without a code, and HTML onto the taxonomy", async () => {
    sandbox.faults.add({
      match: { operationId: "V1PendingSaleCancel" },
      times: 1,
      fault: {
        kind: "status",
        status: 200,
        body: { code: 2, message: "Merchant declined.", api_call_processed: true },
      },
    });
    expect(text(await call("V1PendingSaleCancel", { unique_request_id: "whatever" }))).toBe(
      "[payment_declined] Merchant declined. (RevCent code 2)",
    );
    sandbox.faults.add({
      match: { operationId: "V1QuotaUnitRetrieve" },
      times: 3,
      fault: { kind: "status", status: 200, body: { results: [] } },
    });
    expect(text(await call("V1QuotaUnitRetrieve", { id: seedIdFor("quota_unit_id", 0) }))).toBe(
      "[malformed_response] RevCent's V1 answer (HTTP 200) carries no result code. (HTTP 200)",
    );
    sandbox.faults.clear();
    sandbox.faults.add({ match: { operationId: "V1QuotaUnitGroupRetrieve" }, fault: { kind: "html" } });
    const html = await call("V1QuotaUnitGroupRetrieve", { id: seedIdFor("quota_unit_group_id", 0) });
    expect(text(html)).toMatch(/^\[malformed_response\] RevCent answered HTTP 502 with an HTML page/);
    expect(text(html)).not.toContain("upstream-lb-7");
  });

  it("retries a V1 read on 5xx, but never a V1 cancel (no idempotency key), which names the read to check", async () => {
    sandbox.faults.add({
      match: { operationId: "V1FraudDetectionRequestRetrieve" },
      times: 1,
      fault: { kind: "status", status: 503 },
    });
    await ok("V1FraudDetectionRequestRetrieve", { id: SEED_IDS.fraudDetectionRequest });
    expect(sandbox.faults.hits).toHaveLength(1);

    sandbox.faults.clear();
    const sale = await pendingSale("v1-e2e-order-2");
    sandbox.faults.add({ match: { operationId: "V1PendingSaleCancel" }, fault: { kind: "lost_response" } });
    const lost = await call("V1PendingSaleCancel", { unique_request_id: "v1-e2e-order-2" });
    expect(lost.isError).toBe(true);
    expect(text(lost)).toMatch(
      /^\[network_error\] .* may have reached RevCent and taken effect: check with GetSale before trying again/,
    );
    expect(sandbox.faults.hits).toHaveLength(1); // one attempt: a repeat could cancel twice
    expect(await upstream("GET", `/sales/${sale.sale_id}`)).toMatchObject({ status: "Cancelled" }); // it did take effect

    sandbox.faults.clear();
    const sale3 = await pendingSale("v1-e2e-order-3");
    sandbox.faults.add({
      match: { operationId: "V1PendingSaleCancel" },
      times: 1,
      fault: { kind: "rate_limit", retryAfterSeconds: 0 },
    });
    expect(await ok("V1PendingSaleCancel", { unique_request_id: "v1-e2e-order-3" })).toMatchObject({
      sale_id: sale3.sale_id,
    });
    expect(sandbox.faults.hits).toHaveLength(1); // the 429 (RevCent did not act) was retried
  });
});

describe("v1-legacy is opt-in", () => {
  it("the default toolsets and `all` list no V1 tool; naming the toolset or a tool brings them in", async () => {
    const listed = async (args: string[]) => {
      const c = await startInProcess(["--api-url", sandbox.url, ...args], { REVCENT_API_KEY: "sandbox-key" });
      try {
        return (await c.client.listTools()).tools.map((t) => t.name);
      } finally {
        await c.close();
      }
    };
    const [byDefault, all, both, one] = await Promise.all([
      listed([]),
      listed(["--toolsets", "all"]),
      listed(["--toolsets", "all,v1-legacy"]),
      listed(["--tools", "V1QuotaUnitRetrieve"]),
    ]);
    expect(byDefault.filter((n) => n.startsWith("V1"))).toEqual([]);
    expect(all).toHaveLength(282);
    expect(both).toHaveLength(282 + catalog.length);
    expect(one).toEqual(["V1QuotaUnitRetrieve"]);
  });

  it("refuses to start when the V1 endpoint cannot be derived from --api-url", async () => {
    const { spawnSync } = await import("node:child_process");
    const { SERVER_ENTRY } = await import("../helpers/stdio-client.js");
    const run = spawnSync(
      process.execPath,
      [SERVER_ENTRY, "--api-url", "https://proxy.example/revcent", "--toolsets", "v1-legacy"],
      {
        env: { PATH: process.env.PATH ?? "", REVCENT_API_KEY: "k" },
        encoding: "utf8",
        timeout: 10_000,
      },
    );
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim()).toMatch(
      /^revcent-mcp: V1\w+ is a V1 operation, and the V1 endpoint cannot be derived from https:\/\/proxy\.example\/revcent .*set --api-v1-url\.$/,
    );
  });
});
