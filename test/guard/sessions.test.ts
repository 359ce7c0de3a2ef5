// Many sessions of one credential on one server, as the HTTP transport runs them: one
// buildServer() per session over the shared deps (one guard store), each with a real SDK client
// through the SDK's in-memory transport, against the sandbox over loopback HTTP.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type ServerDeps } from "../../src/build-server.js";
import { parseConfig } from "../../src/config.js";
import { SharedServerParts } from "../../src/server-deps.js";
import { loadOperations } from "../../src/tools/openapi.js";
import { JANE, LOCKED_TEXT, REFUSAL_TEXT, SANDBOX_KEY, mismatchText, newSandbox, seededCustomer, type Sandbox } from "./harness.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
let sandbox: Sandbox;
let parts: SharedServerParts;
let deps: ServerDeps;
const clients: Client[] = [];

async function session() {
  const server = buildServer(deps);
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
  deps = parts.forKey(SANDBOX_KEY);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await parts?.close();
  await sandbox?.close();
});

describe("sessions of one credential on one server", () => {
  it("[G-ATTEMPTS-CREDENTIAL] 3 failures in one session and 2 in another lock the customer for every session of the key", async () => {
    const customer = await seededCustomer(sandbox, 9);
    const a = await session();
    for (let i = 0; i < 3; i++) expect(await a("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: `1000${i}` })).toMatch(/^\[verification_failed\]/);
    const b = await session();
    expect(await b("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: "20000" })).toBe(mismatchText(1));
    expect(await b("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: "20001" })).toBe(LOCKED_TEXT);
    const c = await session();
    expect(await c("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: customer.zip })).toBe(LOCKED_TEXT);
    expect(await c("GetCustomer", { customer_id: customer.id })).toBe(REFUSAL_TEXT);
  });

  it("[G-SESSION-BOUND] a verification in one session does not carry to another session of the same server", async () => {
    const a = await session();
    const b = await session();
    expect(await a("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip })).toMatch(/^Verified customer/);
    expect(await a("GetCustomer", { customer_id: JANE.id })).toContain(JANE.email);
    expect(await b("GetCustomer", { customer_id: JANE.id })).toBe(REFUSAL_TEXT);
  });
});
