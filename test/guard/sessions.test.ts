// Many sessions of one credential on one server, as the HTTP transport runs them: one
// buildServer() per session over the shared deps (one guard store), each with a real SDK client
// through the SDK's in-memory transport, against the sandbox over loopback HTTP.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type BuildOptions, type ServerDeps } from "../../src/build-server.js";
import { parseConfig } from "../../src/config.js";
import { SharedServerParts } from "../../src/server-deps.js";
import { loadOperations } from "../../src/operations/openapi.js";
import {
  JANE,
  LOCKED_TEXT,
  MINUTE,
  REFUSAL_TEXT,
  SANDBOX_KEY,
  SEARCHED_TEXT,
  mismatchText,
  newSandbox,
  seededCustomer,
  type Sandbox,
} from "./harness.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
let sandbox: Sandbox;
let parts: SharedServerParts;
let deps: ServerDeps;
const clients: Client[] = [];
const allParts: SharedServerParts[] = [];

async function session(over: ServerDeps = deps, options?: BuildOptions) {
  const server = buildServer(over, options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "session", version: "0" });
  await client.connect(clientSide);
  clients.push(client);
  return async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
    return (r.content[0] as { text: string }).text;
  };
}

beforeAll(async () => {
  sandbox = await newSandbox();
  const config = parseConfig(["--profile", "support"], { REVCENT_API_KEY: SANDBOX_KEY });
  parts = new SharedServerParts(config, loadOperations(spec), { apiUrl: sandbox.url }, pino({ level: "silent" }));
  allParts.push(parts);
  deps = parts.forKey(SANDBOX_KEY);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(allParts.map((p) => p.close()));
  await sandbox?.close();
});

describe("sessions of one credential on one server", () => {
  it("[G-ATTEMPTS-CREDENTIAL] [G-ATTEMPT-MESSAGES] 3 failures in one session and 2 in another lock the customer for every session of the key; B's first failure speaks of B alone", async () => {
    const customer = await seededCustomer(sandbox, 9);
    const a = await session();
    for (let i = 0; i < 3; i++)
      expect(await a("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: `1000${i}` })).toMatch(
        /^\[verification_failed\]/,
      );
    const b = await session();
    // Three failures elsewhere do not show in B's count: B has used 1 of its 3.
    expect(await b("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: "20000" })).toBe(
      mismatchText(2),
    );
    expect(await b("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: "20001" })).toBe(LOCKED_TEXT);
    const c = await session();
    expect(await c("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: customer.zip })).toBe(
      LOCKED_TEXT,
    );
    expect(await c("GetCustomer", { customer_id: customer.id })).toBe(REFUSAL_TEXT);
  });

  it("[G-SESSION-BOUND] a verification in one session does not carry to another session of the same server", async () => {
    const a = await session();
    const b = await session();
    expect(await a("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip })).toMatch(
      /^Verified customer/,
    );
    expect(await a("GetCustomer", { customer_id: JANE.id })).toContain(JANE.email);
    expect(await b("GetCustomer", { customer_id: JANE.id })).toBe(REFUSAL_TEXT);
  });
});

/** Server parts of their own (a fresh guard store) whose clock the test moves. */
function clockedDeps(): { deps: ServerDeps; advance(ms: number): void } {
  let now = Date.now();
  const config = parseConfig(["--profile", "support"], { REVCENT_API_KEY: SANDBOX_KEY });
  const own = new SharedServerParts(config, loadOperations(spec), { apiUrl: sandbox.url }, pino({ level: "silent" }), {
    now: () => now,
  });
  allParts.push(own);
  return { deps: own.forKey(SANDBOX_KEY), advance: (ms) => (now += ms) };
}

describe("what one session searched counts for every session of the credential", () => {
  it("[G-SEARCH-PIECES] ZIP pieces searched in session A keep session B from verifying with it for 30 minutes; then B verifies", async () => {
    const clock = clockedDeps();
    const a = await session(clock.deps);
    expect(await a("SearchCustomers", { search_term: "555-9021" })).not.toMatch(/^\[/);
    expect(await a("SearchCustomers", { search_term: "555-0210" })).not.toMatch(/^\[/);
    const b = await session(clock.deps);
    expect(await b("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip })).toBe(SEARCHED_TEXT);
    clock.advance(30 * MINUTE);
    expect(await b("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip })).toMatch(
      /^Verified customer/,
    );
    // A searched them itself: A never forgets.
    expect(await a("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip })).toBe(SEARCHED_TEXT);
  });

  it("[G-SEARCH-BUDGET] 60 searches of the credential in 10 minutes, over many sessions; the 61st waits for the oldest to leave the window", async () => {
    const clock = clockedDeps();
    const sessions = await Promise.all(Array.from({ length: 7 }, () => session(clock.deps)));
    for (let i = 0; i < 60; i++) {
      const text = await sessions[i % 7]!("SearchCustomers", {
        search_term: `Caller ${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
      });
      expect(text, `search ${i + 1}`).not.toMatch(/^\[/);
      clock.advance(1000);
    }
    const fresh = await session(clock.deps);
    const refused = await fresh("SearchCustomers", { search_term: JANE.email });
    expect(refused).toMatch(
      /^\[rate_limited\] Too many customer searches on this account in the last 10 minutes; try again later\. \(retry after 540 s\)$/,
    );
    clock.advance(540 * 1000);
    expect(await fresh("SearchCustomers", { search_term: JANE.email })).not.toMatch(/^\[/);
  });
});

describe("stateless handles", () => {
  /** A stateless conversation as a bot backend authenticated as `principal` holds it. */
  async function stateless(over: ServerDeps, principal: string) {
    const call = await session(over, { sessions: "none", principal });
    return async (name: string, args: Record<string, unknown>) => call(name, args);
  }
  const handleIn = (text: string) => /pass verification "([^"]+)"/.exec(text)?.[1];

  it("[G-HANDLE-PRINCIPAL] a handle obtained by one bot backend's token opens nothing for another token of the same RevCent key", async () => {
    const clock = clockedDeps();
    const botA = await stateless(clock.deps, "t:bot-a");
    const botB = await stateless(clock.deps, "t:bot-b");
    const handle = handleIn(await botA("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip }));
    expect(handle).toBeDefined();
    expect(await botA("GetCustomer", { customer_id: JANE.id, verification: handle })).toContain(JANE.email);
    expect(await botB("GetCustomer", { customer_id: JANE.id, verification: handle })).toBe(REFUSAL_TEXT);
  });

  it("[G-HANDLE-PRINCIPAL] a handle lapses 60 minutes after issue, though used every 10 minutes", async () => {
    const clock = clockedDeps();
    const bot = await stateless(clock.deps, "t:bot-a");
    const handle = handleIn(await bot("VerifyCustomer", { customer_id: JANE.id, factor: "email", value: JANE.email }));
    for (let minute = 10; minute < 60; minute += 10) {
      clock.advance(10 * MINUTE);
      expect(await bot("GetCustomer", { customer_id: JANE.id, verification: handle }), `minute ${minute}`).toContain(
        JANE.email,
      );
    }
    clock.advance(10 * MINUTE);
    expect(await bot("GetCustomer", { customer_id: JANE.id, verification: handle })).toBe(REFUSAL_TEXT);
  });
});
