// Resources as a client reads them: the server in-process (started from the CLI's flags) with a real MCP client, against
// the sandbox over loopback HTTP. The API guide, a page per operation and toolset, BigQuery table
// schemas, the entity templates, and completions — each following the session's policy.
import { readFileSync } from "node:fs";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/errors.js";
import { SEED_IDS, newSandbox, upstream, type Sandbox } from "../guard/harness.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
const specOps: { operationId: string; path: string; method: string }[] = Object.entries(
  spec.paths as Record<string, Record<string, { operationId: string }>>,
).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ operationId: op.operationId, path, method: method.toUpperCase() })),
);

const textOf = (r: ReadResourceResult) => (r.contents[0] as { text: string }).text;
const jsonOf = (r: ReadResourceResult) => JSON.parse(textOf(r)) as Record<string, any>;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox?.close());

const start = (args: string[]) => startInProcessOnSandbox(sandbox.url, args);

describe("resources in the default operator session", () => {
  let s: StartedClient;
  let tools: string[];
  beforeAll(async () => {
    s = await start([]);
    tools = (await s.client.listTools()).tools.map((t) => t.name);
  });
  afterAll(() => s?.close());

  it("lists the guide, the BigQuery tables and one page per listed operation and toolset", async () => {
    const uris = (await s.client.listResources()).resources.map((r) => r.uri);
    expect(uris).toContain("revcent://guide");
    expect(uris).toContain("revcent://bigquery/tables");
    const operationPages = uris
      .filter((u) => u.startsWith("revcent://operations/"))
      .map((u) => u.slice("revcent://operations/".length));
    expect(operationPages.sort()).toEqual([...tools].sort());
    const toolsets = uris.filter((u) => u.startsWith("revcent://toolsets/"));
    expect(toolsets).toContain("revcent://toolsets/customers");
    expect(toolsets).not.toContain("revcent://toolsets/gateways");
  });

  it("offers the entity, operation, toolset and table templates", async () => {
    const templates = (await s.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates.sort()).toEqual([
      "revcent://bigquery/tables/{table_name}",
      "revcent://customers/{customer_id}",
      "revcent://operations/{operationId}",
      "revcent://sales/{sale_id}",
      "revcent://subscriptions/{subscription_id}",
      "revcent://toolsets/{toolset}",
      "revcent://transactions/{transaction_id}",
    ]);
  });

  it("the guide covers auth, errors, pages, filters, idempotency and day ranges, with every stable error code", async () => {
    const read = await s.client.readResource({ uri: "revcent://guide" });
    expect(read.contents[0]!.mimeType).toBe("text/markdown");
    const guide = textOf(read);
    for (const heading of [
      "## Authentication",
      "## Errors",
      "## Lists, pages and date ranges",
      "## Filters",
      "## Idempotency and retries",
      "## Secrets and card data",
    ]) {
      expect(guide).toContain(heading);
    }
    for (const code of Object.keys(ERROR_CODES)) expect(guide).toContain(`| \`${code}\` |`);
    // Lists with shorter windows than the usual 90 days are named, from the spec.
    const sevenDay = specOps.find(
      (op) =>
        spec.paths[op.path][op.method.toLowerCase()]["x-revcent-max-range-days"] === 7 &&
        tools.includes(op.operationId),
    );
    if (sevenDay) expect(guide).toMatch(new RegExp(`- 7 days: .*\`${sevenDay.operationId}\``));
    expect(guide).toContain("revcent://customers/{customer_id}");
    expect(guide).toContain("CreateSecureForm");
  });

  it("an operation page says what the spec says: path, kind, range, arguments", async () => {
    const page = textOf(await s.client.readResource({ uri: "revcent://operations/GetTransactions" }));
    expect(page).toMatch(/^# GetTransactions: /);
    expect(page).toContain("- HTTP: `GET /transactions`");
    expect(page).toContain("- Kind: read-only");
    expect(page).toContain("- Longest date range: 90 days");
    expect(page).toMatch(/\| `limit` \| integer, ≥ 1, ≤ 25 \| yes \|/);
    expect(page).toMatch(/\| `campaign_filter` \| array of string, length 20 \| {2}\|/);
    const refund = textOf(await s.client.readResource({ uri: "revcent://operations/VoidSale" }));
    expect(refund).toContain("- Kind: destructive");
    expect(refund).toContain("- HTTP: `POST /sales/{sale_id}/void`");
    // The usage note, where one is written: on the page, never in tools/list.
    expect(refund).toMatch(/## Before you call it\n\nIrreversible and the widest refund/);
    const listed = (await s.client.listTools()).tools.find((t) => t.name === "VoidSale")!;
    expect(JSON.stringify(listed)).not.toContain("widest refund");
  });

  it("a toolset page links each of its operations", async () => {
    const page = textOf(await s.client.readResource({ uri: "revcent://toolsets/chargebacks" }));
    for (const id of ["GetChargebacks", "CreateChargeback", "EditChargeback", "SearchChargebacks"])
      expect(page).toContain(`[${id}](revcent://operations/${id})`);
  });

  it("refuses pages for operations and toolsets the session does not have", async () => {
    await expect(s.client.readResource({ uri: "revcent://operations/CreateUserGateway" })).rejects.toThrow(
      /-32602.*No operation named CreateUserGateway/,
    );
    await expect(s.client.readResource({ uri: "revcent://operations/NoSuchThing" })).rejects.toThrow(/-32602/);
    await expect(s.client.readResource({ uri: "revcent://toolsets/gateways" })).rejects.toThrow(
      /-32602.*No toolset named gateways/,
    );
  });

  it("serves the BigQuery tables and one table's schema through the client", async () => {
    const all = jsonOf(await s.client.readResource({ uri: "revcent://bigquery/tables" }));
    expect(all.results.map((t: { table_name: string }) => t.table_name)).toEqual(
      expect.arrayContaining(["sales", "transactions"]),
    );
    const one = jsonOf(await s.client.readResource({ uri: "revcent://bigquery/tables/transactions" }));
    expect(one.table_name).toBe("transactions");
    expect(one.schema.fields.some((f: { name: string }) => f.name === "amount")).toBe(true);
    await expect(s.client.readResource({ uri: "revcent://bigquery/tables/no_such_table" })).rejects.toThrow(
      /-32602.*\[not_found\]/,
    );
  });

  it("reads entities through the same path as their Get tools", async () => {
    const customer = jsonOf(await s.client.readResource({ uri: `revcent://customers/${SEED_IDS.customer}` }));
    const tool = answerOf(
      await s.client.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } }),
    ) as Record<string, unknown>;
    expect(customer.id).toBe(SEED_IDS.customer);
    expect(
      Object.keys(customer)
        .filter((k) => !k.startsWith("api_call"))
        .sort(),
    ).toEqual(
      Object.keys(tool)
        .filter((k) => !k.startsWith("api_call"))
        .sort(),
    );
    expect(jsonOf(await s.client.readResource({ uri: `revcent://sales/${SEED_IDS.sale}` })).id).toBe(SEED_IDS.sale);
    expect(jsonOf(await s.client.readResource({ uri: `revcent://transactions/${SEED_IDS.transaction}` })).id).toBe(
      SEED_IDS.transaction,
    );
    expect(jsonOf(await s.client.readResource({ uri: `revcent://subscriptions/${SEED_IDS.subscription}` })).id).toBe(
      SEED_IDS.subscription,
    );
  });

  it("answers bad entity ids as the tool would: the field named, or not found", async () => {
    await expect(s.client.readResource({ uri: "revcent://customers/short" })).rejects.toThrow(
      /-32602.*\[invalid_arguments\] Invalid arguments for GetCustomer: customer_id/,
    );
    await expect(s.client.readResource({ uri: "revcent://sales/sal00000000000nobody" })).rejects.toThrow(
      /-32602.*\[not_found\]/,
    );
  });

  it("cleans entity reads like tool results: card numbers in upstream text are masked", async () => {
    // Written through RevCent's other channels (a dashboard edit), as a careless operator might.
    await upstream(sandbox, "POST", `/customers/${SEED_IDS.customer}`, {
      customer: { company: "Card 4111 1111 1111 1111 on file" },
    });
    const text = textOf(await s.client.readResource({ uri: `revcent://customers/${SEED_IDS.customer}` }));
    expect(text).not.toMatch(/4111 1111 1111 1111/);
    expect(text).toMatch(/411111\*+1111/);
  });

  it("completes operation ids, toolsets and table names by prefix", async () => {
    const ops = await s.client.complete({
      ref: { type: "ref/resource", uri: "revcent://operations/{operationId}" },
      argument: { name: "operationId", value: "GetCust" },
    });
    expect(ops.completion.values.sort()).toEqual(tools.filter((t) => t.startsWith("GetCust")).sort());
    expect(ops.completion.values).toContain("GetCustomer");
    // Only the session's toolsets: the default set has subscriptions, not subscription-renewals.
    const sets = await s.client.complete({
      ref: { type: "ref/resource", uri: "revcent://toolsets/{toolset}" },
      argument: { name: "toolset", value: "s" },
    });
    expect(sets.completion.values).toEqual(["sales", "secure-forms", "shipping", "subscriptions"]);
    const tables = await s.client.complete({
      ref: { type: "ref/resource", uri: "revcent://bigquery/tables/{table_name}" },
      argument: { name: "table_name", value: "tr" },
    });
    expect(tables.completion.values.sort()).toEqual(["transactions", "trials"]);
    const none = await s.client.complete({
      ref: { type: "ref/resource", uri: "revcent://operations/{operationId}" },
      argument: { name: "operationId", value: "Zzz" },
    });
    expect(none.completion.values).toEqual([]);
  });
});

describe("resources follow the policy", () => {
  it("a session without GetCustomer or BigQuery has no such templates and cannot read them", async () => {
    const s = await start(["--toolsets", "sales,transactions", "--deny-tools", "GetSale"]);
    try {
      const templates = (await s.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
      expect(templates).toContain("revcent://transactions/{transaction_id}");
      for (const absent of [
        "revcent://customers/{customer_id}",
        "revcent://sales/{sale_id}",
        "revcent://bigquery/tables/{table_name}",
      ])
        expect(templates).not.toContain(absent);
      const uris = (await s.client.listResources()).resources.map((r) => r.uri);
      expect(uris).not.toContain("revcent://bigquery/tables");
      expect(uris).not.toContain("revcent://operations/GetSale");
      await expect(s.client.readResource({ uri: `revcent://customers/${SEED_IDS.customer}` })).rejects.toThrow(
        /not found/,
      );
      await expect(s.client.readResource({ uri: `revcent://sales/${SEED_IDS.sale}` })).rejects.toThrow(/not found/);
      await expect(s.client.readResource({ uri: "revcent://bigquery/tables" })).rejects.toThrow(/not found/);
      const guide = textOf(await s.client.readResource({ uri: "revcent://guide" }));
      expect(guide).not.toContain("revcent://customers/");
      expect(guide).not.toContain("CreateSecureForm");
    } finally {
      await s.close();
    }
  });
});

describe("table names while RevCent fails", () => {
  it("completions keystroke after keystroke make one upstream call, and answer none", async () => {
    const s = await start([]);
    sandbox.faults.clear();
    sandbox.faults.add({
      match: { operationId: "GetBigQueryTables" },
      fault: { kind: "status", status: 400, body: { code: 0, result: "Error", message: "BigQuery is unavailable" } },
    });
    try {
      for (const value of ["t", "tr", "tra", "tran"]) {
        const r = await s.client.complete({
          ref: { type: "ref/resource", uri: "revcent://bigquery/tables/{table_name}" },
          argument: { name: "table_name", value },
        });
        expect(r.completion.values, value).toEqual([]);
      }
      // A read in the same half minute gets the same failure, named, without asking again.
      await expect(s.client.readResource({ uri: "revcent://bigquery/tables" })).rejects.toThrow(
        /\[bad_request\].*BigQuery is unavailable/,
      );
      expect(sandbox.faults.hits.map((h) => h.operationId)).toEqual(["GetBigQueryTables"]);
    } finally {
      sandbox.faults.clear();
      await s.close();
    }
  });
});
