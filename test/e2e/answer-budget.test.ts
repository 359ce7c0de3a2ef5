// Issue 18: every read tool's answer fits the budget on the sandbox's largest lists (all_pages at its
// maximum, whole items), says when it was cut and how to go on, and whatever was cut stays
// reachable: by following the answer's own `next`, or by naming what it left out.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Tiktoken } from "js-tiktoken/lite";
import o200k_base from "js-tiktoken/ranks/o200k_base";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPaged } from "../../src/operations/kind.js";
import type { Operation } from "../../src/operations/operation.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { estimateTokens } from "../../src/tools/answers.js";
import { MAX_ITEMS_LIMIT } from "../../src/tools/paging.js";
import { startInProcess } from "../helpers/in-process.js";
import { SPEC_PATH, operations } from "../helpers/registry.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { answerOf } from "../helpers/answer.js";

const encoder = new Tiktoken(o200k_base);
const o200k = (text: string) => encoder.encode(text).length;

type Json = Record<string, any>;
interface Answer {
  tool: string;
  args: Json;
  text: string;
  data: Json;
}

const DAY = 86_400;
/** The sandbox seeds about 60 days of sales; 89 days holds all of it in one window of every list. */
const now = Math.floor(Date.now() / 1000);
const reads = operations.filter((op) => op.readOnly && !op.v1);
const collections = reads.filter((op) => op.kind === "list" || op.kind === "search");

// One sandbox for every server here, so answers under different budgets are of the same records.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ spec: JSON.parse(readFileSync(SPEC_PATH, "utf8")) });
});
afterAll(() => sandbox?.close());

async function server(budget: number): Promise<StartedClient> {
  const s = await startInProcess(
    ["--api-url", sandbox.url, "--toolsets", "all", "--max-answer-tokens", String(budget)],
    { REVCENT_API_KEY: "sandbox-key" },
  );
  // The client checks structured content against each tool's outputSchema once it has the list.
  await s.client.listTools();
  return s;
}

async function call(s: StartedClient, tool: string, args: Json): Promise<Answer> {
  const answer = await attempt(s, tool, args);
  expect(answer, `${tool} ${JSON.stringify(args)}`).toBeDefined();
  return answer!;
}

/** A call that may find nothing (a record read with an id of a neighbouring family): undefined then. */
async function attempt(s: StartedClient, tool: string, args: Json): Promise<Answer | undefined> {
  const r = (await s.client.callTool({ name: tool, arguments: args })) as CallToolResult;
  const text = (r.content[0] as { text: string }).text;
  if (r.isError && text.startsWith("[not_found]")) return undefined;
  expect(r.isError, `${tool} ${JSON.stringify(args)}: ${text}`).toBeFalsy();
  // One answer: the JSON text, and the same as structured content only where an outputSchema asks for it.
  if (r.structuredContent !== undefined) expect(JSON.parse(text), tool).toEqual(r.structuredContent);
  return { tool, args, text, data: answerOf(r) as Json };
}

const properties = (op: Operation) => (op.inputSchema.properties ?? {}) as Json;

/** The widest call of a list or search: the whole seeded range, the largest page. */
function widest(op: Operation): Json {
  const p = properties(op);
  const args: Json = {};
  if (p.search_term) args.search_term = "a";
  if (p.date_start) Object.assign(args, { date_start: now - 89 * DAY, date_end: now });
  if (p.limit) args.limit = 25;
  if (p.page) args.page = 1;
  return args;
}

/** Calls of every read tool: lists and searches (page, all_pages at max, whole items), then records. */
async function everyRead(s: StartedClient): Promise<Answer[]> {
  const answers: Answer[] = [];
  const ids = new Map<string, Json[]>();
  for (const op of collections) {
    const args = widest(op);
    const required = (op.inputSchema.required ?? []) as string[];
    if (required.some((r) => !(r in args))) continue;
    answers.push(await call(s, op.id, args));
    const whole = await call(s, op.id, { ...args, fields: ["*"] });
    answers.push(whole);
    ids.set(op.toolset, [...(ids.get(op.toolset) ?? []), ...(whole.data.results ?? [])]);
    if (isPaged(op))
      for (const fields of [undefined, ["*"]])
        answers.push(
          await call(s, op.id, { ...args, all_pages: true, max_items: MAX_ITEMS_LIMIT, ...(fields ? { fields } : {}) }),
        );
  }
  for (const op of reads.filter((r) => r.kind === "read")) {
    const required = (op.inputSchema.required ?? []) as string[];
    if (required.length !== 1) continue;
    const [param] = required as [string];
    const item = (ids.get(op.toolset) ?? []).find((i) => typeof (i[param] ?? i.id) === "string");
    const answer = item && (await attempt(s, op.id, { [param]: item[param] ?? item.id }));
    if (answer) answers.push(answer);
  }
  return answers;
}

function expectWithin(answers: Answer[], budget: number) {
  for (const a of answers) {
    const tokens = o200k(a.text);
    expect(tokens, `${a.tool} ${JSON.stringify(a.args)}`).toBeLessThanOrEqual(budget);
    if (a.data.truncated === true)
      expect(a.data.more, `${a.tool} says how to continue`).toMatch(/continue|ask|narrower|fields|raise/);
  }
}

describe("answers within the budget, on every read tool", () => {
  let big: StartedClient;
  let small: StartedClient;
  let atDefault: Answer[];
  beforeAll(async () => {
    big = await server(20_000);
    small = await server(600);
    atDefault = await everyRead(big);
  }, 120_000);
  afterAll(async () => {
    await big?.close();
    await small?.close();
  });

  it("at the default 20,000 tokens: every list, search and record of the seeded sandbox, both views, all_pages at 1000", () => {
    const tools = new Set(atDefault.map((a) => a.tool));
    expect(tools.size).toBeGreaterThan(120);
    expect(atDefault.some((a) => a.tool.startsWith("Get") && !a.data.results)).toBe(true);
    expectWithin(atDefault, 20_000);
    // The largest lists are cut here, not by the client.
    const cut = atDefault.filter((a) => a.data.truncated === true && a.data.next);
    expect(cut.map((a) => a.tool)).toContain("GetTransactions");
  });

  it("at 600 tokens: every answer still fits, and the cut ones say so and how to continue", async () => {
    const answers = await everyRead(small);
    expectWithin(answers, 600);
    const cutLists = answers.filter((a) => a.data.truncated === true && Array.isArray(a.data.results));
    const cutRecords = answers.filter((a) => a.data.truncated === true && Array.isArray(a.data.omitted));
    expect(cutLists.length).toBeGreaterThan(10);
    expect(cutRecords.length).toBeGreaterThan(0);
  }, 120_000);

  it("the estimate over-counts o200k on every answer, by at most 1.55x on answers of 200 tokens or more", () => {
    let worst = 1;
    for (const a of atDefault) {
      const actual = o200k(a.text);
      const estimate = estimateTokens(a.text);
      expect(estimate, a.tool).toBeGreaterThanOrEqual(actual);
      if (actual >= 200) {
        expect(estimate / actual, `${a.tool} ${JSON.stringify(a.args)}`).toBeLessThanOrEqual(1.55);
        worst = Math.max(worst, estimate / actual);
      }
    }
    expect(worst).toBeGreaterThan(1);
  });
});

describe("what a cut answer leaves out stays reachable", () => {
  let whole: StartedClient;
  let cut: StartedClient;
  beforeAll(async () => {
    whole = await server(1_000_000);
    cut = await server(3_000);
  });
  afterAll(async () => {
    await whole?.close();
    await cut?.close();
  });
  const range = { date_start: now - 89 * DAY, date_end: now };

  it("a page of whole transactions cut to fit continues exactly at its `next`, to the same items", async () => {
    const page = (await call(whole, "GetTransactions", { ...range, limit: 25, page: 1, fields: ["*"] })).data;
    expect(page.results).toHaveLength(25);
    const seen: Json[] = [];
    let args: Json = { ...range, limit: 25, page: 1, fields: ["*"] };
    for (let calls = 0; seen.length < 25; calls += 1) {
      expect(calls, "a continuation that never ends").toBeLessThan(25);
      const part = (await call(cut, "GetTransactions", args)).data;
      expect(part.results.length).toBeGreaterThan(0);
      seen.push(...part.results);
      // A cut page says where the next one starts; a whole one is followed by the next page.
      args = part.truncated ? { ...args, ...part.next } : { ...args, page: args.page + 1 };
    }
    expect(seen.slice(0, 25)).toEqual(page.results);
  });

  it("all_pages cut to fit continues at its next page, to the same items", async () => {
    const all = (await call(whole, "GetTransactions", { ...range, limit: 10, page: 1, all_pages: true, fields: ["*"] }))
      .data;
    const seen: Json[] = [];
    let args: Json = { ...range, limit: 10, page: 1, all_pages: true, fields: ["*"] };
    for (let calls = 0; ; calls += 1) {
      expect(calls).toBeLessThan(all.results.length);
      const part = (await call(cut, "GetTransactions", args)).data;
      seen.push(...part.results);
      if (!part.truncated) break;
      args = { ...args, ...part.next };
    }
    expect(seen).toEqual(all.results);
  });

  it("a record over the budget names the sections it left out, and each comes back by name", async () => {
    const tx = (await call(whole, "GetTransactions", { ...range, limit: 1, page: 1 })).data.results[0].id;
    const full = (await call(whole, "GetTransaction", { transaction_id: tx })).data;
    const budget = Math.floor(estimateTokens(JSON.stringify(full)) * 0.6);
    const small = await server(budget);
    try {
      const shown = (await call(small, "GetTransaction", { transaction_id: tx })).data;
      expect(shown.truncated).toBe(true);
      const omitted = shown.omitted as string[];
      expect(omitted.length).toBeGreaterThan(0);
      const { truncated: _t, omitted: _o, more, ...kept } = shown;
      expect(more).toMatch(/fields/);
      const rebuilt: Json = { ...kept };
      for (const name of omitted) {
        const part = (await call(small, "GetTransaction", { transaction_id: tx, fields: [name] })).data;
        expect(part.truncated, name).toBeUndefined();
        rebuilt[name] = part[name];
      }
      // Each call has an id and a time of its own.
      const { api_call_id: _a, api_call_unix: _b, ...record } = full;
      expect(rebuilt).toMatchObject(record);
      expect(Object.keys(rebuilt).sort()).toEqual(Object.keys(full).sort());
    } finally {
      await small.close();
    }
  });

  it("every field of a whole list item is reachable by name, and the summary is a part of it", async () => {
    for (const tool of [
      "GetTransactions",
      "GetSales",
      "GetCustomers",
      "GetShipments",
      "GetSubscriptions",
      "GetTrials",
    ]) {
      const args = { ...range, limit: 5, page: 1 };
      const items = (await call(whole, tool, { ...args, fields: ["*"] })).data.results as Json[];
      const summary = (await call(whole, tool, args)).data;
      expect(summary.view, tool).toBe("summary");
      summary.results.forEach((s: Json, i: number) => expect(items[i], tool).toMatchObject(s));
      for (const field of Object.keys(items[0]!)) {
        const named = (await call(whole, tool, { ...args, fields: [`results.${field}`] })).data.results as Json[];
        expect(
          named.map((n) => n[field]),
          `${tool} results.${field}`,
        ).toEqual(items.map((item) => item[field]));
      }
    }
  });
});
