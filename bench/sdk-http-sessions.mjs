// What both HTTP load baselines share: the smallest SDK streamable-HTTP server, one session per
// client, as the SDK's own examples build it. Each baseline registers its own tool.
import { randomUUID } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

export function serveSessions(name, registerTools) {
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
      const server = new McpServer({ name, version: "0.0.0" });
      registerTools(server);
      await server.connect(transport);
    }
    await transport.handleRequest(req, res, req.body);
  });
  const listener = app.listen(0, "127.0.0.1", () =>
    process.stderr.write(`serving MCP at http://127.0.0.1:${listener.address().port}/mcp\n`),
  );
}
