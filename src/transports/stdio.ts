// stdio: stdout carries JSON-RPC only; the process ends when the client closes stdin or on a signal.
import type { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";

export async function serveStdio(server: McpServer, shutdown: () => Promise<void>): Promise<void> {
  const transport = new StdioServerTransport();
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => undefined);
    await shutdown();
  };
  process.stdin.once("end", close);
  process.stdin.once("close", close);
  process.once("SIGINT", close);
  process.once("SIGTERM", close);
  await server.connect(transport);
}
