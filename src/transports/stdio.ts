// stdio: stdout carries JSON-RPC only; the process ends when the client closes stdin or on a signal.
// The SDK's serveStdio decides the connection's protocol revision from its opening message
// (initialize: 2025-11-25; a request carrying its version in _meta: 2026-07-28) and pins one
// server from the factory for the connection's lifetime: one stdio process is one conversation.
import type { McpServer } from "@modelcontextprotocol/server";
import { serveStdio as serveStdioConnection } from "@modelcontextprotocol/server/stdio";

export function serveStdio(
  newServer: () => McpServer,
  shutdown: () => Promise<void>,
  onError: (error: Error) => void,
): void {
  const connection = serveStdioConnection(() => newServer(), { onerror: onError });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await connection.close().catch(() => undefined);
    await shutdown();
  };
  process.stdin.once("end", close);
  process.stdin.once("close", close);
  process.once("SIGINT", close);
  process.once("SIGTERM", close);
}
