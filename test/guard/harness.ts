// Shared by the guard's adversarial tests: the test process starts the sandbox (and plays RevCent's
// other channels on it over HTTP), and talks to the server with a real MCP client, as a chatbot
// backend would: in-process over the SDK's in-memory transport, or the built server over stdio.
// Nothing of our code is mocked.
import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, expect } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { startStdioClient, type StartedClient } from "../helpers/stdio-client.js";
import { startInProcess } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

export { SEED_IDS, seedIdFor };
export type { Sandbox };

export const SANDBOX_KEY = "sandbox-key";
export const JANE = {
  id: SEED_IDS.customer,
  first: "Jane",
  last: "Doe",
  email: "jane.doe@example.com",
  zip: "90210",
  phone: "3105550100",
  street: "123 Sunset Blvd",
  city: "Beverly Hills",
  last4: "4242",
} as const;

/** The refusal every guarded read or action gives an unverified, foreign or unknown record. */
export const REFUSAL_TEXT =
  "[verification_required] No verified customer record matches that request. Before showing or changing a customer's records, verify the visitor: call VerifyCustomer with the customer_id from a search result and one detail the visitor tells you (zip, email, phone, or the last 4 digits of their card).";
export const LOCKED_TEXT =
  "[verification_failed] Too many attempts: this customer cannot be verified for now. Offer the visitor another way to reach support.";
export const SEARCHED_TEXT =
  "[verification_failed] That value, or part of it, was searched for, so it cannot prove who the visitor is. Ask for a different detail that was not searched for.";
export const mismatchText = (left: number) =>
  `[verification_failed] That does not match the customer's records. ${left} attempt${left === 1 ? "" : "s"} left.`;

/** An id of the right shape that names nothing in the sandbox. */
export const UNKNOWN_ID = (prefix: string) => (prefix + "0".repeat(20)).slice(0, 14) + "nobody";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));

export function newSandbox(): Promise<Sandbox> {
  return startSandbox({ spec });
}

export const SUPPORT = ["--profile", "support"];
export const OPERATOR_GUARDED = ["--profile", "operator", "--guard", "verification", "--toolsets", "all"];

export interface Reply {
  isError: boolean;
  text: string;
  data: Record<string, any> | undefined;
  raw: CallToolResult;
}

export interface Bot {
  call(name: string, args?: Record<string, unknown>): Promise<Reply>;
  /** A call that must succeed; returns its structured content. */
  ok(name: string, args?: Record<string, unknown>): Promise<Record<string, any>>;
  /**
   * A call held for a person's yes (money, or no undo), confirmed the way a client without
   * elicitation does: the first answer is [confirmation_required] with a token, the repeat carries it.
   */
  confirmed(name: string, args?: Record<string, unknown>): Promise<Record<string, any>>;
  /** VerifyCustomer that must succeed; returns the handle. */
  verify(customerId: string, factor: "zip" | "email" | "phone" | "last4", value: string): Promise<string>;
  started: StartedClient;
  stderr(): string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  args?: string[];
  env?: Record<string, string>;
  /** The server's clock, moved by the test (in-process only). */
  clock?: ServerClock;
  /** Run the built server as its own process over stdio, as users do. */
  spawn?: boolean;
}

/**
 * A conversation with the server against the sandbox (one server instance = one conversation, as
 * over stdio). In-process by default; `spawn` runs the built dist/server.js over stdio instead.
 */
export async function connect(sandbox: Sandbox, options: ConnectOptions = {}): Promise<Bot> {
  const args = ["--api-url", sandbox.url, ...(options.args ?? SUPPORT)];
  const env = { REVCENT_API_KEY: SANDBOX_KEY, ...options.env };
  const started = options.spawn
    ? await startStdioClient(args, env)
    : await startInProcess(args, env, { now: options.clock?.now });
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<Reply> => {
    const raw = (await started.client.callTool({ name, arguments: args })) as CallToolResult;
    const first = raw.content[0] as { type: string; text?: string } | undefined;
    return {
      isError: Boolean(raw.isError),
      text: first?.text ?? "",
      data: answerOf(raw) as Record<string, any> | undefined,
      raw,
    };
  };
  const ok = async (name: string, args: Record<string, unknown> = {}) => {
    const r = await call(name, args);
    expect(r.isError, `${name}: ${r.text}`).toBe(false);
    return r.data ?? {};
  };
  return {
    call,
    ok,
    async confirmed(name, args = {}) {
      const first = await call(name, args);
      expect(first.text, name).toMatch(/^\[confirmation_required\]/);
      const token = /confirmation: "([^"]+)"/.exec(first.text)?.[1];
      expect(token, first.text).toBeDefined();
      return ok(name, { ...args, confirmation: token });
    },
    async verify(customerId, factor, value) {
      const r = await call("VerifyCustomer", { customer_id: customerId, factor, value });
      expect(r.isError, `VerifyCustomer ${factor}=${value}: ${r.text}`).toBe(false);
      expect(r.data).toMatchObject({ verified: true, customer_id: customerId });
      return r.data!.verification as string;
    },
    started,
    stderr: () => started.stderr(),
    close: () => started.close(),
  };
}

/**
 * A sandbox for one test file, and fresh conversations on it (one stdio server each), all closed
 * when the file is done. Call at the top level of the file; `sandbox` is set before the first test.
 */
export function sandboxWithSessions(): { sandbox: Sandbox; session(options?: ConnectOptions): Promise<Bot> } {
  const bots: Bot[] = [];
  const files = {
    sandbox: undefined as unknown as Sandbox,
    async session(options: ConnectOptions = {}) {
      const bot = await connect(files.sandbox, options);
      bots.push(bot);
      return bot;
    },
  };
  beforeAll(async () => {
    files.sandbox = await newSandbox();
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close()));
    await files.sandbox?.close();
  });
  return files;
}

/** A refusal exactly as the contract words it: same text, an error, no structured content, one text block. */
export function expectRefusal(r: Reply, context = ""): void {
  expect(r.text, context).toBe(REFUSAL_TEXT);
  expect(r.isError, context).toBe(true);
  expect(r.raw.structuredContent, context).toBeUndefined();
  expect(r.raw.content, context).toHaveLength(1);
}

/** The shape of a result, without its words: for comparing two refusals field by field. */
/**
 * Fails if `value` shows in `text`. A value made only of digits (ZIP, phone, last 4) counts only where it
 * stands on its own: seeded records carry real-clock unix times, and 1764542420 is not a leak of 4242.
 */
export function expectNotLeaked(text: string, value: string, message: string): void {
  if (/^\d+$/.test(value)) expect(text, message).not.toMatch(new RegExp(`(?<!\\d)${value}(?!\\d)`));
  else expect(text, message).not.toContain(value);
}

export function shapeOf(r: Reply): unknown {
  return { isError: r.raw.isError, keys: Object.keys(r.raw).sort(), content: r.raw.content.map((c) => ({ ...c })) };
}

/** RevCent's other channels (its dashboard, a checkout, a webhook), played straight on the sandbox. */
export async function upstream(
  sandbox: Sandbox,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<Record<string, any>> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      "x-api-key": SANDBOX_KEY,
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, any>;
  if (res.status !== 200) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export interface SeededCustomer {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  zip: string;
  phone: string;
  address_line_1: string;
}

/** The index-th seeded customer (0 is Jane), read from the sandbox so tests use real values. */
export async function seededCustomer(sandbox: Sandbox, index: number): Promise<SeededCustomer> {
  return (await upstream(sandbox, "GET", `/customers/${seedIdFor("customer_id", index)}`)) as unknown as SeededCustomer;
}

/** A new sale for a customer (through RevCent's own channel), with a subscription and a trial. */
export async function saleFor(
  sandbox: Sandbox,
  customerId: string,
): Promise<{ sale: string; transaction: string; subscription: string; trial: string; productSales: string[] }> {
  const sale = await upstream(sandbox, "POST", "/sales", {
    campaign: SEED_IDS.campaign,
    customer_id: customerId,
    product: [
      { id: SEED_IDS.productMembership, quantity: 1 },
      { id: SEED_IDS.productTrial, quantity: 1 },
    ],
  });
  return {
    sale: sale.sale_id,
    transaction: sale.transaction_id,
    subscription: sale.subscriptions[0],
    trial: sale.trials[0],
    productSales: sale.product_sales,
  };
}

/** Counts every request that reaches the sandbox (a zero-latency fault on everything). */
export function countUpstream(sandbox: Sandbox): () => string[] {
  sandbox.faults.clear();
  sandbox.faults.add({ match: {}, fault: { kind: "latency", ms: 0 } });
  return () => sandbox.faults.hits.map((h) => h.operationId);
}

export interface ServerClock {
  now(): number;
  advance(ms: number): void;
}

/** The server's clock, moved by the test; the sandbox keeps real time. */
export function serverClock(): ServerClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      offset += ms;
    },
  };
}

/** Every character the guard must strip from upstream text. */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u{e0000}-\u{e007f}]/u;

export const MINUTE = 60_000;
