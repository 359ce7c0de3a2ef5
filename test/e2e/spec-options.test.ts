// The server on another document (--openapi in RevCent's official style) and in PCI mode
// (--allow-card-data): in-process, started from the same flags as the CLI, a real MCP client, the
// built-in sandbox over loopback HTTP.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { startInProcess } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const now = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;

describe("the server on RevCent's official OpenAPI style (--openapi)", () => {
  it("loads the official GetTransactions file unchanged, lists it, and calls it", async () => {
    const official = new URL("../fixtures/generator/official-spec.json", import.meta.url).pathname;
    const s = await startInProcess(["--sandbox", "--openapi", official]);
    try {
      const { tools } = await s.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["GetTransactions"]);
      const r = (await s.client.callTool({
        name: "GetTransactions",
        arguments: {
          date_start: now() - 10 * DAY,
          date_end: now(),
          limit: 2,
          page: 1,
          metadata_filter: [{ name: "a", value: "METADATA_NAME_EXISTS" }],
        },
      })) as CallToolResult;
      expect(r.isError, text(r)).toBeFalsy();
      const split = (await s.client.callTool({
        name: "GetTransactions",
        arguments: { date_start: now() - 100 * DAY, date_end: now(), limit: 2, page: 1 },
      })) as CallToolResult;
      expect(split.isError, text(split)).toBeFalsy();
      expect(answerOf(split)).toMatchObject({ date_windows: 2 });
    } finally {
      await s.close();
    }
  });
});

describe("--allow-card-data (PCI-scoped deployments)", () => {
  it("keeps card fields in schemas and lets a card number through to RevCent", async () => {
    const s = await startInProcess(["--sandbox", "--toolsets", "all", "--allow-card-data"]);
    try {
      const { tools } = await s.client.listTools();
      const addCard = tools.find((t) => t.name === "AddCardToCustomer")!;
      expect(JSON.stringify(addCard.inputSchema)).toContain('"card_number"');
      const gateway = tools.find((t) => t.name === "CreateUserGateway")!;
      expect(JSON.stringify(gateway.inputSchema)).not.toContain('"fields"'); // credentials stay out
      const r = (await s.client.callTool({
        name: "AddCardToCustomer",
        arguments: {
          customer_id: SEED_IDS.customer,
          payment: { credit_card: { card_number: "4111111111111111", exp_month: 12, exp_year: 30, card_code: "123" } },
        },
      })) as CallToolResult;
      expect(r.isError, text(r)).toBeFalsy();
      expect(text(r)).not.toContain("4111111111111111"); // results still mask card numbers
    } finally {
      await s.close();
    }
  });
});
