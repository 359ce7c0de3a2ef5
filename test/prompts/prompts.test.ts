// Prompts as a client gets them: the server in-process (started from the CLI's flags) with a real MCP client, the sandbox
// over loopback HTTP. Each prompt is offered only where its tools are, names only real tools, and
// its concrete instructions (ids, filters) work when followed with the real tools.
import { readFileSync } from "node:fs";
import type { GetPromptResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS, newSandbox, upstream, type Sandbox } from "../guard/harness.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
const specIds = new Set<string>(
  Object.values(spec.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) =>
    Object.values(item).map((op) => op.operationId),
  ),
);
/** Tools the server adds to the spec's operations: the guard's, and dynamic mode's. */
const SERVER_TOOLS = new Set(["VerifyCustomer", "SearchOperations", "DescribeOperation", "CallOperation"]);

const textOf = (p: GetPromptResult) =>
  p.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
/** Words shaped like tool names: two or more capitalized parts (GetCustomer, BigQueryRunQuery). */
const toolNamesIn = (text: string) => [...new Set(text.match(/\b[A-Z][a-z]+(?:[A-Z][A-Za-z]*)+\b/g) ?? [])];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox?.close());

const start = (args: string[]) => startInProcessOnSandbox(sandbox.url, args);

/** Every tool a prompt names is a real operation (or a server tool) and one this session lists. */
function expectOnlyListedTools(text: string, listed: Set<string>, context: string): string[] {
  const named = toolNamesIn(text).filter(
    (w) => specIds.has(w) || SERVER_TOOLS.has(w) || /^(Get|Search|Create|Edit|Delete|Cancel)[A-Z]/.test(w),
  );
  for (const name of named) {
    expect(specIds.has(name) || SERVER_TOOLS.has(name), `${context}: ${name} is not an operation of the spec`).toBe(
      true,
    );
    expect(listed.has(name), `${context}: ${name} is not listed in this session`).toBe(true);
  }
  return named;
}

describe("prompts in the default operator session", () => {
  let s: StartedClient;
  let listed: Set<string>;
  beforeAll(async () => {
    s = await start([]);
    listed = new Set((await s.client.listTools()).tools.map((t) => t.name));
  });
  afterAll(() => s?.close());

  it("offers chargeback_evidence and revenue_report, not the support flow (no guard, no VerifyCustomer)", async () => {
    const prompts = (await s.client.listPrompts()).prompts;
    expect(prompts.map((p) => p.name).sort()).toEqual(["chargeback_evidence", "revenue_report"]);
    const revenue = prompts.find((p) => p.name === "revenue_report")!;
    expect(revenue.arguments).toEqual([
      expect.objectContaining({ name: "period", required: true }),
      expect.objectContaining({ name: "group_by", required: false }),
      expect.objectContaining({ name: "table", required: false }),
    ]);
  });

  it("chargeback_evidence names only real, listed tools and follows RevCent's guide", async () => {
    const prompt = await s.client.getPrompt({
      name: "chargeback_evidence",
      arguments: { transaction: "60158956353", reason_code: "13.1" },
    });
    const text = textOf(prompt);
    const named = expectOnlyListedTools(text, listed, "chargeback_evidence");
    expect(named).toEqual(
      expect.arrayContaining([
        "SearchTransactions",
        "GetTransaction",
        "SearchChargebacks",
        "CreateChargeback",
        "CreateChargebackDocument",
        "EditChargeback",
      ]),
    );
    expect(text).toContain('SearchTransactions with search_term "60158956353"');
    expect(text).toContain("reason_code 13.1");
    expect(text).toContain("chargeback_date and received_date (ISO 8601 date-times");
    expect(text).toContain('"transactions.gateway_transaction_id=<that gateway transaction ID>"');
    const byId = textOf(
      await s.client.getPrompt({ name: "chargeback_evidence", arguments: { transaction: SEED_IDS.transaction } }),
    );
    expect(byId).toContain(`GetTransaction with transaction_id "${SEED_IDS.transaction}"`);
  });

  it("chargeback_evidence's steps work when followed with the real tools", async () => {
    const call = async (name: string, args: Record<string, unknown>) => {
      const r = await s.client.callTool({ name, arguments: args });
      expect(r.isError, `${name}: ${JSON.stringify(r.content)}`).toBeFalsy();
      return answerOf(r) as Record<string, any>;
    };
    const gatewayId: string = (await upstream(sandbox, "GET", `/transactions/${SEED_IDS.transaction}`))
      .gateway_transaction_id;
    const found = await call("SearchTransactions", { search_term: gatewayId });
    expect(found.results.map((t: { id: string }) => t.id)).toContain(SEED_IDS.transaction);
    const txn = await call("GetTransaction", { transaction_id: SEED_IDS.transaction });
    const chargeback = await call("CreateChargeback", {
      transaction_id: txn.id,
      amount: txn.amount,
      reason_code: "13.1",
      chargeback_date: "2026-11-01T00:00:00Z",
      received_date: "2026-11-02T00:00:00Z",
    });
    expect(chargeback.chargeback_id).toHaveLength(20);
    const doc = await call("CreateChargebackDocument", {
      document_type: "sale",
      item_type: "transaction",
      item_value: gatewayId,
      filters: { document_field_filter: ["-api_call", `transactions.gateway_transaction_id=${gatewayId}`] },
    });
    expect(doc.document_json.api_call).toBeUndefined();
    expect(
      doc.document_json.transactions.map((t: { gateway_transaction_id: string }) => t.gateway_transaction_id),
    ).toEqual([gatewayId]);
    expect(doc.document_json.chargebacks.map((c: { id: string }) => c.id)).toContain(chargeback.chargeback_id);
    expect(doc.zip_url).toMatch(/\.zip$/);
  });

  it("revenue_report embeds the account's table schemas and names only real, listed tools", async () => {
    const prompt = await s.client.getPrompt({
      name: "revenue_report",
      arguments: { period: "last month", group_by: "week" },
    });
    expectOnlyListedTools(textOf(prompt), listed, "revenue_report");
    expect(textOf(prompt)).toContain("BigQueryRunQuery with one bigquery_sql that returns, per week");
    const embedded = prompt.messages.find((m) => m.content.type === "resource");
    expect(embedded?.content).toMatchObject({
      type: "resource",
      resource: { uri: "revcent://bigquery/tables", mimeType: "application/json" },
    });
    const tables = JSON.parse((embedded!.content as { resource: { text: string } }).resource.text);
    expect(tables.results.map((t: { table_name: string }) => t.table_name)).toEqual(
      expect.arrayContaining(["transactions", "sales"]),
    );
  });

  it("completes prompt arguments: periods, groupings and table names", async () => {
    const complete = (argument: string, value: string) =>
      s.client.complete({ ref: { type: "ref/prompt", name: "revenue_report" }, argument: { name: argument, value } });
    expect((await complete("period", "last")).completion.values).toEqual([
      "last 7 days",
      "last 30 days",
      "last month",
      "last quarter",
      "last 12 months",
    ]);
    expect((await complete("group_by", "m")).completion.values).toEqual(["month"]);
    expect((await complete("table", "sa")).completion.values).toEqual(["sales"]);
    expect(
      (
        await s.client.complete({
          ref: { type: "ref/prompt", name: "chargeback_evidence" },
          argument: { name: "transaction", value: "1" },
        })
      ).completion.values,
    ).toEqual([]);
  });

  it("refuses bad prompt arguments with the argument named", async () => {
    await expect(s.client.getPrompt({ name: "chargeback_evidence", arguments: {} })).rejects.toThrow(
      /-32602.*transaction/,
    );
    await expect(s.client.getPrompt({ name: "verify_and_help_customer", arguments: {} })).rejects.toThrow(
      /-32602.*not found/,
    );
  });
});

describe("verify_and_help_customer in --profile support", () => {
  let s: StartedClient;
  let listed: Set<string>;
  beforeAll(async () => {
    s = await start(["--profile", "support"]);
    listed = new Set((await s.client.listTools()).tools.map((t) => t.name));
  });
  afterAll(() => s?.close());

  it("is the only prompt: the others need tools support does not offer", async () => {
    expect((await s.client.listPrompts()).prompts.map((p) => p.name)).toEqual(["verify_and_help_customer"]);
  });

  it("walks search, verify, then the visitor's records, naming only tools the session lists", async () => {
    const prompt = await s.client.getPrompt({
      name: "verify_and_help_customer",
      arguments: { visitor_request: "Cancel my membership\nplease" },
    });
    const text = textOf(prompt);
    const named = expectOnlyListedTools(text, listed, "verify_and_help_customer");
    expect(named).toEqual(
      expect.arrayContaining([
        "SearchCustomers",
        "VerifyCustomer",
        "GetCustomer",
        "SearchSubscriptions",
        "GetSubscription",
        "CancelSubscription",
        "CreateNote",
      ]),
    );
    expect(text.indexOf("SearchCustomers")).toBeLessThan(text.indexOf("VerifyCustomer"));
    expect(text.indexOf("VerifyCustomer")).toBeLessThan(text.indexOf("GetCustomer"));
    expect(text).toContain("> Cancel my membership\n> please");
    expect(text).toMatch(/Never ask for a full card number/);
  });

  it("leaves out steps whose tools the session does not have", async () => {
    const narrow = await start(["--profile", "support", "--deny-tools", "CancelSubscription,CancelTrial,CreateNote"]);
    try {
      const text = textOf(await narrow.client.getPrompt({ name: "verify_and_help_customer", arguments: {} }));
      for (const absent of ["CancelSubscription", "CancelTrial", "CreateNote"]) expect(text).not.toContain(absent);
      expect(text).toContain("VerifyCustomer");
    } finally {
      await narrow.close();
    }
  });
});

describe("prompts in dynamic mode", () => {
  it("say that the operations they name are reached through CallOperation", async () => {
    const s = await start(["--tools-mode", "dynamic"]);
    try {
      const text = textOf(await s.client.getPrompt({ name: "revenue_report", arguments: { period: "last 7 days" } }));
      expect(text).toContain("run through CallOperation {operation, arguments}");
      expect(
        toolNamesIn(text)
          .filter((w) => specIds.has(w))
          .every((w) => w === "GetBigQueryTables" || w === "BigQueryRunQuery"),
      ).toBe(true);
    } finally {
      await s.close();
    }
  });
});
