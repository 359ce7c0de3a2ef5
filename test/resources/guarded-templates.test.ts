// Entity templates under the guard (--profile support): a read of revcent://customers/{id} is the
// GetCustomer call, so it gets the very same refusal for an unverified, foreign or unknown record,
// and the record only after the visitor is verified. Server in-process, sandbox over HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  JANE,
  REFUSAL_TEXT,
  SEED_IDS,
  UNKNOWN_ID,
  connect,
  newSandbox,
  seededCustomer,
  type Bot,
  type Sandbox,
} from "../guard/harness.js";

let sandbox: Sandbox;
let bot: Bot;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox?.close());
afterEach(() => bot?.close());

/** The error a resource read ends with, as the client sees it. */
async function readError(uri: string): Promise<{ code: number; message: string }> {
  try {
    await bot.started.client.readResource({ uri });
  } catch (err) {
    return { code: (err as { code: number }).code, message: (err as Error).message };
  }
  throw new Error(`${uri} was read without an error`);
}

describe("entity templates in --profile support", () => {
  it("are listed for the customer-facing reads", async () => {
    bot = await connect(sandbox);
    const templates = (await bot.started.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    for (const t of [
      "revcent://customers/{customer_id}",
      "revcent://sales/{sale_id}",
      "revcent://transactions/{transaction_id}",
      "revcent://subscriptions/{subscription_id}",
    ]) {
      expect(templates).toContain(t);
    }
    expect(templates).not.toContain("revcent://bigquery/tables/{table_name}");
    expect((await bot.started.client.listResources()).resources.map((r) => r.uri)).not.toContain(
      "revcent://bigquery/tables",
    );
  });

  it("refuse an unverified, a foreign and an unknown customer exactly as GetCustomer does", async () => {
    bot = await connect(sandbox);
    const tool = await bot.call("GetCustomer", { customer_id: JANE.id });
    expect(tool.text).toBe(REFUSAL_TEXT);
    const other = await seededCustomer(sandbox, 1);
    const refusals = await Promise.all(
      [JANE.id, other.id, UNKNOWN_ID("cus")].map((id) => readError(`revcent://customers/${id}`)),
    );
    for (const refusal of refusals) {
      // Resource not found is -32602 on every revision since 2026-07-28 (clients still accept -32002).
      expect(refusal.code).toBe(-32602);
      expect(refusal.message).toBe(`MCP error -32602: ${REFUSAL_TEXT}`);
    }
  });

  it("refuse another customer's sale, transaction and subscription the same way", async () => {
    bot = await connect(sandbox);
    for (const uri of [
      `revcent://sales/${SEED_IDS.sale}`,
      `revcent://transactions/${SEED_IDS.transaction}`,
      `revcent://subscriptions/${SEED_IDS.subscription}`,
      `revcent://sales/${UNKNOWN_ID("sal")}`,
    ]) {
      expect((await readError(uri)).message, uri).toContain(REFUSAL_TEXT);
    }
  });

  it("serve the records once the visitor is verified, and only that customer's", async () => {
    bot = await connect(sandbox);
    await bot.ok("SearchCustomers", { search_term: JANE.email });
    await bot.verify(JANE.id, "zip", JANE.zip);
    const read = async (uri: string) =>
      JSON.parse(((await bot.started.client.readResource({ uri })).contents[0] as { text: string }).text);
    const customer = await read(`revcent://customers/${JANE.id}`);
    expect(customer).toMatchObject({ id: JANE.id, email: JANE.email, zip: JANE.zip });
    expect((await read(`revcent://sales/${SEED_IDS.sale}`)).id).toBe(SEED_IDS.sale);
    expect((await read(`revcent://transactions/${SEED_IDS.transaction}`)).id).toBe(SEED_IDS.transaction);
    expect((await read(`revcent://subscriptions/${SEED_IDS.subscription}`)).id).toBe(SEED_IDS.subscription);
    const other = await seededCustomer(sandbox, 1);
    expect((await readError(`revcent://customers/${other.id}`)).message).toContain(REFUSAL_TEXT);
  });

  it("are absent, and unreadable, where the policy does not list the Get operation", async () => {
    bot = await connect(sandbox, { args: ["--profile", "support", "--deny-tools", "GetCustomer,GetSale"] });
    const templates = (await bot.started.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).not.toContain("revcent://customers/{customer_id}");
    expect(templates).not.toContain("revcent://sales/{sale_id}");
    expect(templates).toContain("revcent://transactions/{transaction_id}");
    const refused = await readError(`revcent://customers/${JANE.id}`);
    expect(refused.code).toBe(-32602);
    expect(refused.message).toMatch(/Resource not found: revcent:\/\/customers\/\S+/);
  });
});
