// The server as users run it: dist/server.js spawned over stdio, a real MCP client, the built-in
// sandbox over loopback HTTP; stdout carrying only JSON-RPC; a start-up refusal. Other documents and
// card-data modes are in spec-options.test.ts (in-process).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { SERVER_ENTRY, startStdioClient, type StartedClient } from "../helpers/stdio-client.js";
import { answerOf } from "../helpers/answer.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
const specIds: string[] = Object.values(spec.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
  (item) => Object.values(item).map((op) => op.operationId),
);
const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const now = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;

describe("stdio server with --sandbox --toolsets all", () => {
  let s: StartedClient;
  let tools: Tool[];

  beforeAll(async () => {
    s = await startStdioClient(["--sandbox", "--toolsets", "all"]);
    tools = (await s.client.listTools()).tools;
  });
  afterAll(() => s?.close());

  it("declares a tool list that never changes", () => {
    expect(s.client.getServerCapabilities()?.tools).toEqual({ listChanged: false });
    expect(s.client.getServerVersion()?.name).toBe("revcent-mcp");
  });

  it("lists every operation of the spec as a tool named by its operationId", () => {
    expect(tools.map((t) => t.name).sort()).toEqual([...specIds].sort());
  });

  it("tools/list matches the checked-in snapshot", async () => {
    await expect(JSON.stringify(tools, null, 1) + "\n").toMatchFileSnapshot("../snapshots/tools-list.all.json");
  });

  it("RevCent's official names are listed; the V2 prose's names still call the same operation", async () => {
    const names = tools.map((t) => t.name);
    expect(names).toContain("SuspendSubscription");
    expect(names).not.toContain("SubscriptionSuspend");
    // Suspending cannot be undone, so this client (no elicitation) is asked to confirm with a token;
    // the token is bound to the operation, whichever of its names the call used.
    const held = (await s.client.callTool({
      name: "SubscriptionSuspend",
      arguments: { subscription_id: SEED_IDS.subscription },
    })) as { isError?: boolean; content: { text: string }[] };
    expect(held.content[0]!.text).toMatch(/^\[confirmation_required\] Suspend A Subscription: subscription_id /);
    const token = /confirmation: "([^"]+)"/.exec(held.content[0]!.text)![1];
    const viaAlias = (await s.client.callTool({
      name: "SubscriptionSuspend",
      arguments: { subscription_id: SEED_IDS.subscription, confirmation: token },
    })) as { isError?: boolean; structuredContent?: Record<string, unknown> };
    expect(viaAlias.isError, JSON.stringify(viaAlias)).toBeFalsy();
    const viaName = (await s.client.callTool({
      name: "ActivateSubscription",
      arguments: { subscription_id: SEED_IDS.subscription },
    })) as { isError?: boolean };
    expect(viaName.isError, JSON.stringify(viaName)).toBeFalsy();
  });

  it("inventory: unique names, every tool described and annotated, no secret-looking input", () => {
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
    const secretish = /(password|secret|api_?key|token$|card_?number|card_?code|cvv|idempotency_key)/i;
    for (const t of tools) {
      expect(t.description?.length, t.name).toBeGreaterThan(10);
      // Only what differs from the MCP spec's defaults is sent (readOnlyHint false, destructiveHint
      // true, idempotentHint false, openWorldHint true); every tool still says whether it writes.
      expect(t.annotations, t.name).toBeDefined();
      expect(t.annotations?.openWorldHint ?? true, t.name).toBe(true);
      if (t.annotations?.readOnlyHint === true) expect(Object.keys(t.annotations), t.name).toEqual(["readOnlyHint"]);
      else expect(typeof t.annotations?.destructiveHint, `${t.name} destructiveHint`).toBe("boolean");
      const names: string[] = [];
      const walk = (schema: { properties?: Record<string, object>; items?: object }) => {
        for (const [k, v] of Object.entries(schema.properties ?? {})) {
          names.push(k);
          walk(v);
        }
        if (schema.items) walk(schema.items);
      };
      walk(t.inputSchema as never);
      expect(
        names.filter((n) => secretish.test(n)),
        t.name,
      ).toEqual([]);
      // Strictness is enforced by validation (see "unknown arguments are named"), not repeated in tools/list.
      expect(t.inputSchema.type, t.name).toBe("object");
    }
  });

  it("GetTransactions keeps its enums and readOnlyHint; VoidSale is destructive", () => {
    const gt = tools.find((t) => t.name === "GetTransactions")!;
    expect(gt.annotations).toEqual({ readOnlyHint: true });
    const props = gt.inputSchema.properties as Record<string, { items?: { enum?: string[] }; maximum?: number }>;
    expect(props.status_filter?.items?.enum).toEqual(["captured", "settled", "refunded", "held", "chargeback"]);
    expect(props.method_filter?.items?.enum).toContain("subscription_renew");
    // limit's 1-25 is in the instructions once; validation enforces it (see "limit 0 is refused").
    expect(props.limit).toEqual({ type: "integer" });
    expect(gt.inputSchema.required).toEqual(["date_start", "date_end", "limit", "page"]);
    expect(gt.outputSchema?.type).toBe("object");
    const vs = tools.find((t) => t.name === "VoidSale")!;
    expect(vs.annotations).toEqual({ destructiveHint: true });
  });

  it("calls against the sandbox succeed; an answer travels once, as JSON text, and also structured only where an outputSchema asks", async () => {
    const list = (await s.client.callTool({
      name: "GetCustomers",
      arguments: { date_start: now() - 80 * DAY, date_end: now(), limit: 5, page: 1 },
    })) as CallToolResult;
    expect(list.isError).toBeFalsy();
    expect(list.structuredContent).toBeUndefined();
    expect(list.content).toHaveLength(1);
    const transactions = (await s.client.callTool({
      name: "GetTransactions",
      arguments: { date_start: now() - 80 * DAY, date_end: now(), limit: 2, page: 1 },
    })) as CallToolResult;
    expect(transactions.structuredContent).toEqual(JSON.parse((transactions.content[0] as { text: string }).text));
    expect(answerOf(list)).toMatchObject({ code: 1, current_page: 1 });
    expect((answerOf(list) as { results: unknown[] }).results.length).toBeGreaterThan(0);

    const one = (await s.client.callTool({
      name: "GetCustomer",
      arguments: { customer_id: SEED_IDS.customer },
    })) as CallToolResult;
    expect(one.isError).toBeFalsy();
    expect(JSON.parse(text(one))).toMatchObject({ code: 1, email: "jane.doe@example.com" });

    const tx = (await s.client.callTool({
      name: "GetTransactions",
      arguments: {
        date_start: now() - 80 * DAY,
        date_end: now(),
        limit: 25,
        page: 1,
        status_filter: ["captured", "settled"],
      },
    })) as CallToolResult;
    expect(tx.isError, text(tx)).toBeFalsy();

    const note = (await s.client.callTool({ name: "CreateNote", arguments: { ...noteArgs() } })) as CallToolResult;
    expect(note.isError, text(note)).toBeFalsy();
  });

  it("fields cuts a read's answer down with the documents' grammar, and a bad expression is named", async () => {
    const args = { date_start: now() - 80 * DAY, date_end: now(), limit: 25, page: 1 };
    const r = (await s.client.callTool({
      name: "GetCustomers",
      arguments: {
        ...args,
        fields: ["-api_call_id", "-api_call_unix", "results.id", "results.email", "results.email=jane.doe@example.com"],
      },
    })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    const data = answerOf(r) as {
      results: Record<string, unknown>[];
      api_call_id?: string;
      current_page: number;
    };
    expect(data.results).toEqual([{ id: SEED_IDS.customer, email: "jane.doe@example.com" }]);
    expect(data.api_call_id).toBeUndefined();
    expect(data.current_page).toBe(1);
    // A tool with an outputSchema still validates when fields leave most of it out.
    const tx = (await s.client.callTool({
      name: "GetTransactions",
      arguments: { ...args, fields: ["results.id", "results.amount"] },
    })) as CallToolResult;
    expect(tx.isError, text(tx)).toBeFalsy();
    for (const item of (answerOf(tx) as { results: object[] }).results)
      expect(Object.keys(item).sort()).toEqual(["amount", "id"]);
    const bad = (await s.client.callTool({
      name: "GetCustomers",
      arguments: { ...args, fields: ["results.id", "=oops"] },
    })) as CallToolResult;
    expect(text(bad)).toMatch(
      /^\[invalid_arguments\] Invalid arguments for GetCustomers: fields\[1\]: "=oops" names no field/,
    );
    // Filters that keep nothing say which fields there are, instead of answering {}.
    const empty = (await s.client.callTool({
      name: "GetCustomers",
      arguments: { ...args, fields: ["id", "email"] },
    })) as CallToolResult;
    expect(empty.isError).toBe(true);
    expect(text(empty)).toMatch(
      /^\[invalid_arguments\] fields kept nothing of the GetCustomers answer: its top-level fields are api_call_id, .*results.*; a list's items are under results, so name their fields as results\.<field> \(e\.g\. results\.id\)\. \(field: fields\)$/,
    );
    const one = (await s.client.callTool({
      name: "GetCustomer",
      arguments: { customer_id: SEED_IDS.customer, fields: ["emial"] },
    })) as CallToolResult;
    expect(text(one)).toMatch(
      /^\[invalid_arguments\] fields kept nothing of the GetCustomer answer: its top-level fields are .*\bemail\b[^;]*\. \(field: fields\)$/,
    );
  });

  it("limit 0 is refused with a message naming limit, before any request", async () => {
    const r = (await s.client.callTool({
      name: "GetCustomers",
      arguments: { date_start: now() - DAY, date_end: now(), limit: 0, page: 1 },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[invalid_arguments\] .*limit/);
  });

  it("a range longer than a list allows is split into windows it allows, merged", async () => {
    const r = (await s.client.callTool({
      name: "GetAPICalls",
      arguments: { date_start: now() - 5 * DAY, date_end: now(), limit: 5, page: 1 },
    })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    expect(answerOf(r)).toMatchObject({ date_windows: 3 });
  });

  it("a 200-day transaction query returns the merged result of three 90-day windows", async () => {
    const end = now();
    const merged = (await s.client.callTool({
      name: "GetTransactions",
      arguments: { date_start: end - 200 * DAY, date_end: end, limit: 25, page: 1, all_pages: true, max_items: 1000 },
    })) as CallToolResult;
    expect(merged.isError, text(merged)).toBeFalsy();
    const m = answerOf(merged) as {
      date_windows: number;
      results: { id: string }[];
      total_count: number;
      truncated: boolean;
    };
    expect(m.date_windows).toBe(3);
    expect(m.truncated).toBe(false);
    // The sandbox seeds everything within the last 60 days: the newest window alone holds it all.
    const recent = (await s.client.callTool({
      name: "GetTransactions",
      arguments: {
        date_start: end - 20 * DAY - 90 * DAY,
        date_end: end,
        limit: 25,
        page: 1,
        all_pages: true,
        max_items: 1000,
      },
    })) as CallToolResult;
    const r = answerOf(recent) as { results: { id: string }[]; total_count: number };
    expect(m.results.map((t) => t.id).sort()).toEqual(r.results.map((t) => t.id).sort());
    expect(m.total_count).toBe(r.total_count);
    expect(m.results.length).toBe(m.total_count);
  });

  it("windows without all_pages take one page of each and say items were left out", async () => {
    const r = (await s.client.callTool({
      name: "GetCustomers",
      arguments: { date_start: now() - 200 * DAY, date_end: now(), limit: 2, page: 1 },
    })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    const data = answerOf(r) as {
      results: unknown[];
      pages_fetched: number;
      date_windows: number;
      truncated: boolean;
      total_count: number;
    };
    expect(data).toMatchObject({ date_windows: 3, pages_fetched: 3, truncated: true });
    expect(data.results.length).toBeLessThan(data.total_count);
  });

  it("all_pages follows pages up to max_items, with progress notifications", async () => {
    // What arrives on the wire, in order: the SDK client handles a notification after a response in
    // the same chunk and then drops it (its request is over), so onprogress alone would race.
    const arrived: { method?: string; params?: { progress?: number }; id?: unknown }[] = [];
    const handle = s.transport.onmessage;
    s.transport.onmessage = (message) => {
      arrived.push(message as (typeof arrived)[number]);
      handle?.(message);
    };
    let r: CallToolResult;
    try {
      r = (await s.client.callTool(
        {
          name: "GetCustomers",
          arguments: {
            date_start: now() - 80 * DAY,
            date_end: now(),
            limit: 2,
            page: 1,
            all_pages: true,
            max_items: 5,
          },
        },
        undefined,
        { onprogress: () => {} },
      )) as CallToolResult;
    } finally {
      s.transport.onmessage = handle;
    }
    expect(r.isError, text(r)).toBeFalsy();
    const data = answerOf(r) as {
      results: unknown[];
      pages_fetched: number;
      truncated: boolean;
      total_count: number;
    };
    expect(data.total_count).toBeGreaterThan(5);
    expect(data.results).toHaveLength(5);
    expect(data.pages_fetched).toBe(3);
    expect(data.truncated).toBe(true);
    // Progress 2 and 4 arrive before the answer.
    const progress = arrived.filter((m) => m.method === "notifications/progress").map((m) => m.params?.progress);
    expect(progress).toEqual([2, 4]);
    expect(arrived.findIndex((m) => m.method === "notifications/progress")).toBeLessThan(
      arrived.findIndex((m) => m.id !== undefined),
    );
  });

  it("an unknown id returns isError not_found; unknown arguments are named", async () => {
    const r = (await s.client.callTool({
      name: "GetSale",
      arguments: { sale_id: "ZZZZZZZZZZZZZZZZZZZZ" },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[not_found\]/);
    const forged = (await s.client.callTool({
      name: "GetSale",
      arguments: { sale_id: SEED_IDS.sale, verified: true },
    })) as CallToolResult;
    expect(forged.isError).toBe(true);
    expect(text(forged)).toContain("unknown argument verified");
  });

  it("card data is refused wherever it is put, and never echoed", async () => {
    // Where the spec puts it, where a model might put it instead, and inside free text.
    for (const args of [
      {
        customer_id: SEED_IDS.customer,
        payment: { credit_card: { card_number: "4111111111111111", exp_month: 1, exp_year: 30 } },
      },
      {
        customer_id: SEED_IDS.customer,
        credit_card: { card_number: "4111 1111 1111 1111", exp_month: 1, exp_year: 30 },
      },
      { customer_id: SEED_IDS.customer, payment: { credit_card: { cvv: "123" } } },
      { customer_id: SEED_IDS.customer, bill_to: { address_line_2: "card 4111-1111-1111-1111 please" } },
    ]) {
      const r = (await s.client.callTool({ name: "AddCardToCustomer", arguments: args })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(
        /^\[invalid_arguments\] .*(card number|card data)\b.*Card data never passes through this conversation/,
      );
      expect(text(r)).not.toMatch(/4111|123/);
    }
  });

  it("a credential is refused with the secure-form route", async () => {
    const r = (await s.client.callTool({
      name: "CreateUserGateway",
      arguments: { name: "Main", fields: [{ name: "api_key", value: "sk_live_abc" }] },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toContain("Create a secure form with CreateSecureForm");
    expect(text(r)).not.toContain("sk_live_abc");
  });

  it("logs go to stderr as JSON lines, and never carry the API key", () => {
    const lines = s.stderr().trim().split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(s.stderr()).not.toContain("sandbox-key");
  });
});

function noteArgs(): Record<string, unknown> {
  const schema = spec.paths["/notes"].post.requestBody.content["application/json"].schema;
  const args: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const p = schema.properties[name];
    args[name] = p.enum
      ? p.enum[0]
      : name.endsWith("_id")
        ? SEED_IDS.customer
        : p.type === "string"
          ? "Called about delivery."
          : 1;
  }
  return args;
}

describe("stdio transport hygiene", () => {
  it("stdout carries only JSON-RPC, even while tools run and log", async () => {
    const child = spawn(process.execPath, [SERVER_ENTRY, "--sandbox"], {
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "debug" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.resume();
    const send = (msg: object) => child.stdin.write(JSON.stringify(msg) + "\n");
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "GetSale", arguments: { sale_id: SEED_IDS.sale } },
    });
    send({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "GetSale", arguments: { sale_id: "nope" } } });
    const answered = () => [1, 2, 3, 4].every((id) => stdout.includes(`"id":${id}}`));
    await vi.waitFor(() => expect(answered(), stdout).toBe(true), { timeout: 15_000, interval: 20 });
    child.stdin.end();
    await new Promise((r) => child.once("exit", r));
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(child.exitCode).toBe(0);
  });

  it("without a key or --sandbox, exits non-zero with one line naming REVCENT_API_KEY and --sandbox", async () => {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.stdout.on("data", (c) => (stdout += c));
    const code = await new Promise((r) => child.once("exit", r));
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/REVCENT_API_KEY.*--sandbox/);
  });
});
