// The fair baseline for the HTTP load benchmark: the smallest SDK streamable-HTTP server whose one
// tool does what ours does at its core — one loopback HTTP call to the same sandbox, its JSON
// returned — so both pay for an upstream call and the sandbox's CPU on these two cores, and the
// ratio measures what our server adds (validation, policy, guard, hygiene, logging).
import { Agent, request } from "undici";
import { z } from "zod";
import { serveSessions } from "./sdk-http-sessions.mjs";

const upstream = process.env.SANDBOX_URL;
const agent = new Agent({ connections: 16 });

serveSessions("upstream-baseline", (server) =>
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
  ),
);
