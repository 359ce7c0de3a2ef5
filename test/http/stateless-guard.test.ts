// The guard's oracle rules over stateless streamable HTTP, through the SDK's own client, as two bot
// backends with their own bearer tokens for one RevCent key would use it: search shapes, pieces,
// handles bound to the token that obtained them and lapsing 60 minutes after issue, attempt
// answers without counts, card numbers. The server runs in-process; the test moves its injected clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedIdFor } from "../../src/sandbox/seed.js";
import { REFUSAL_TEXT as REFUSAL, SEARCHED_TEXT as SEARCHED } from "../guard/harness.js";
import {
  SEED_IDS,
  connectClient,
  newSandbox,
  SANDBOX_KEY,
  serverClock,
  startHttp,
  type HttpServer,
  type McpClient,
  type Sandbox,
} from "./helpers.js";

const JANE = { id: SEED_IDS.customer, zip: "90210", email: "jane.doe@example.com", last4: "4242" };
const MINUTE = 60_000;

describe("the guard's oracle rules over stateless HTTP", () => {
  let sandbox: Sandbox;
  let server: HttpServer;
  let botA: McpClient;
  let botB: McpClient;
  const clock = serverClock();

  beforeAll(async () => {
    sandbox = await newSandbox();
    server = await startHttp(
      ["--stateless", "--profile", "support", "--api-url", sandbox.url],
      { MCP_AUTH_TOKENS: "token-of-bot-a,token-of-bot-b", REVCENT_API_KEY: SANDBOX_KEY },
      { now: clock.now },
    );
    [botA, botB] = await Promise.all([
      connectClient(server.url, { authorization: "Bearer token-of-bot-a" }),
      connectClient(server.url, { authorization: "Bearer token-of-bot-b" }),
    ]);
  });
  afterAll(async () => {
    await botA?.close();
    await botB?.close();
    await server?.stop();
    await sandbox?.close();
  });

  const verify = async (bot: McpClient, factor: string, value: string) => {
    const r = await bot.call("VerifyCustomer", { customer_id: JANE.id, factor, value });
    return { ...r, handle: r.data?.verification as string | undefined };
  };

  it("refuses a name followed by guessed digits and a partial email, naming search_term", async () => {
    for (const search_term of ["Jane Doe 902", "Jane Doe 0210", "jane.doe@exa", "90210"]) {
      const r = await botA.call("SearchCustomers", { search_term });
      expect(r.isError).toBe(true);
      expect(r.text, search_term).toMatch(
        /^\[invalid_arguments\] Invalid arguments for SearchCustomers: search_term: search by a whole email address/,
      );
    }
  });

  it("a ZIP rebuilt from phone-shaped pieces does not verify; pieces searched by one bot count for the other", async () => {
    await botA.call("SearchCustomers", { search_term: "555-9021" });
    await botA.call("SearchCustomers", { search_term: "555-0210" });
    for (const bot of [botA, botB]) expect((await verify(bot, "zip", JANE.zip)).text).toBe(SEARCHED);
    clock.advance(31 * MINUTE);
    try {
      // Without sessions, searches stay in the credential's memory for a day, not 30 minutes.
      expect((await verify(botB, "zip", JANE.zip)).text).toBe(SEARCHED);
    } finally {
      clock.reset();
    }
  });

  it("the legitimate flow: a search by full email, then the card's last 4, verifies", async () => {
    const page = await botA.call("SearchCustomers", { search_term: JANE.email });
    expect(page.isError, page.text).toBe(false);
    const r = await verify(botA, "last4", JANE.last4);
    expect(r.isError, r.text).toBe(false);
    const record = await botA.call("GetCustomer", { customer_id: JANE.id, verification: r.handle });
    expect(record.data?.email).toBe(JANE.email);
  });

  it("a handle obtained with bot A's token opens nothing with bot B's token, and lapses 60 minutes after issue though used every 10", async () => {
    const { handle } = await verify(botA, "last4", JANE.last4);
    expect(handle).toBeDefined();
    const viaB = await botB.call("GetCustomer", { customer_id: JANE.id, verification: handle });
    expect(viaB.text).toBe(REFUSAL);
    expect(viaB.data).toBeUndefined();
    try {
      for (let minute = 10; minute < 60; minute += 10) {
        clock.advance(10 * MINUTE);
        const r = await botA.call("GetCustomer", { customer_id: JANE.id, verification: handle });
        expect(r.isError, `minute ${minute}: ${r.text}`).toBe(false);
      }
      clock.advance(10 * MINUTE);
      expect((await botA.call("GetCustomer", { customer_id: JANE.id, verification: handle })).text).toBe(REFUSAL);
    } finally {
      clock.reset();
    }
  });

  it("a wrong value's answer gives no count of attempts (there is no conversation to count)", async () => {
    const r = await botB.call("VerifyCustomer", {
      customer_id: seedIdFor("customer_id", 3),
      factor: "zip",
      value: "00001",
    });
    expect(r.text).toBe("[verification_failed] That does not match the customer's records.");
  });

  it("card numbers in unusual spellings are refused unsent", async () => {
    for (const card of ["４１１１ １１１１ １１１１ １１１１", "4111111111111111/12/27", "x4111-1111-1111-1111"]) {
      const r = await botA.call("CreateNote", { item_type: "customer", item_id: JANE.id, text: card });
      expect(r.text, card).toMatch(/^\[invalid_arguments\] text contains a card number/);
    }
  });
});
