// Baseline for start-up benchmarks on the SDK's v2 line, which revcent-mcp runs on: the smallest
// server (McpServer + one tool over stdio), unbundled, as the start-up benchmark measures it.
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const server = new McpServer({ name: "minimal", version: "0.0.0" });
server.registerTool("echo", { description: "Echo text.", inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({
  content: [{ type: "text", text }],
}));
await server.connect(new StdioServerTransport());
