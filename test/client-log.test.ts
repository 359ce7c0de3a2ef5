// MCP logging to the client: a real client (server in-process) that sets a level receives one
// notifications/message per call (name, outcome code, duration) and nothing of its arguments; one
// that never sets a level receives none. The server in-process, the sandbox over loopback HTTP.
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS, newSandbox, type Sandbox } from "./guard/harness.js";
import type { StartedClient } from "./helpers/stdio-client.js";
import { startInProcessOnSandbox } from "./helpers/in-process.js";

let sandbox: Sandbox;
let s: StartedClient;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox?.close());
afterEach(() => s?.close());

async function startLogged(args: string[] = []): Promise<LoggingMessageNotification["params"][]> {
  s = await startInProcessOnSandbox(sandbox.url, args);
  const messages: LoggingMessageNotification["params"][] = [];
  s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void messages.push(n.params));
  return messages;
}

/** A few calls of every kind and outcome; notifications are sent before each answer, so all have arrived when this returns. */
async function someCalls(): Promise<void> {
  await s.client.callTool({ name: "SearchCustomers", arguments: { search_term: "jane.doe@example.com" } });
  await s.client.callTool({ name: "GetSale", arguments: { sale_id: "sal00000000000nobody" } });
  await s.client.callTool({ name: "GetCustomer", arguments: { customer_id: "too-short" } });
  await s.client.callTool({ name: "4111111111111111", arguments: {} });
  await s.client.readResource({ uri: `revcent://customers/${SEED_IDS.customer}` });
  await s.client.getPrompt({ name: "revenue_report", arguments: { period: "last month" } });
}

describe("MCP logging", () => {
  it("declares the logging capability", async () => {
    await startLogged();
    expect(s.client.getServerCapabilities()?.logging).toEqual({});
  });

  it("a client at level info gets one message per call: name, outcome, duration — no argument values", async () => {
    const messages = await startLogged();
    await s.client.setLoggingLevel("info");
    await someCalls();
    const events = messages.map((m) => ({ level: m.level, logger: m.logger, ...(m.data as { duration_ms: unknown }) }));
    expect(events.map(({ duration_ms: _, ...e }) => e)).toEqual([
      { level: "info", logger: "revcent-mcp", event: "tool_call", name: "SearchCustomers", outcome: "ok" },
      { level: "warning", logger: "revcent-mcp", event: "tool_call", name: "GetSale", outcome: "not_found" },
      {
        level: "warning",
        logger: "revcent-mcp",
        event: "tool_call",
        name: "GetCustomer",
        outcome: "invalid_arguments",
      },
      {
        level: "warning",
        logger: "revcent-mcp",
        event: "tool_call",
        name: "(unknown)",
        outcome: "operation_not_allowed",
      },
      { level: "info", logger: "revcent-mcp", event: "resource_read", name: "GetCustomer", outcome: "ok" },
      { level: "info", logger: "revcent-mcp", event: "prompt_get", name: "GetBigQueryTables", outcome: "ok" },
    ]);
    for (const e of events) expect(e.duration_ms).toEqual(expect.any(Number));
    const sent = JSON.stringify(messages);
    for (const secret of [
      "jane.doe@example.com",
      "sal00000000000nobody",
      "too-short",
      "4111111111111111",
      SEED_IDS.customer,
      "sandbox-key",
    ])
      expect(sent).not.toContain(secret);
  });

  it("a client at level warning gets only the failures", async () => {
    const messages = await startLogged();
    await s.client.setLoggingLevel("warning");
    await someCalls();
    expect(messages.map((m) => m.level)).toEqual(["warning", "warning", "warning"]);
  });

  it("a client that never sets a level gets no messages at all", async () => {
    const messages = await startLogged(["--profile", "support"]);
    await s.client.callTool({ name: "SearchCustomers", arguments: { search_term: "jane" } });
    await s.client.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } });
    await s.client.readResource({ uri: "revcent://guide" });
    await s.client.readResource({ uri: `revcent://customers/${SEED_IDS.customer}` }).catch(() => undefined);
    await s.client.callTool({ name: "SearchCustomers", arguments: { search_term: "jane" } });
    expect(messages).toEqual([]);
  });
});
