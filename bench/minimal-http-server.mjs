// Baseline for the HTTP load benchmark: the smallest SDK streamable-HTTP server — one session per
// client, one trivial tool — as the SDK's own examples build it.
import { z } from "zod";
import { serveSessions } from "./sdk-http-sessions.mjs";

serveSessions("minimal", (server) =>
  server.registerTool("echo", { description: "Echo text.", inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  })),
);
