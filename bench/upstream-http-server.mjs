// The fair baseline for the HTTP load benchmark: the smallest SDK streamable-HTTP server whose one
// tool does what ours does at its core — one loopback HTTP call to the same sandbox, its JSON
// returned — so both pay for an upstream call and the sandbox's CPU on these two cores, and the
// ratio measures what our server adds (validation, policy, guard, hygiene, logging).
import { randomUUID } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { Agent, request } from "undici";
import { z } from "zod";

const upstream = process.env.SANDBOX_URL;
const agent = new Agent({ connections: 16 });
const transports = new Map();
const app = createMcpExpressApp();
app.post("/mcp", async (req, res) => {
  const id = req.header("mcp-session-id");
  let transport = id ? transports.get(id) : undefined;
  if (!transport) {
    if (!isInitializeRequest(req.body))
      return res.status(400).json({ jsonrpc: "2.0", error: { code: -32000, message: "no session" }, id: null });
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => transports.set(sid, transport),
    });
    const server = new McpServer({ name: "upstream-baseline", version: "0.0.0" });
    server.registerTool(
      "get_customer",
      { description: "Get a customer.", inputSchema: { customer_id: z.string() } },
      async ({ customer_id }) => {
        const res = await request(`${upstream}/customers/${customer_id}`, {
          dispatcher: agent,
          headers: { "x-api-key": "sandbox-key" },
        });
        const body = await res.body.json();
        return { content: [{ type: "text", text: JSON.stringify(body) }], structuredContent: body };
      },
    );
    await server.connect(transport);
  }
  await transport.handleRequest(req, res, req.body);
});
const listener = app.listen(0, "127.0.0.1", () =>
  process.stderr.write(`serving MCP at http://127.0.0.1:${listener.address().port}/mcp\n`),
);
