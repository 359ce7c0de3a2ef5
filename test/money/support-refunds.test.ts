// --support-refunds: a public support chatbot may refund a verified visitor's own transaction or
// product sale, within the default caps (50 a refund, 100 a customer in 30 days), the visitor
// confirming through the client's form. An attacker in the chat tries the rest first: another
// customer's transaction, an amount over the cap, a refund before verifying; none reaches RevCent.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JANE, REFUSAL_TEXT, saleFor, seededCustomer, upstream } from "../guard/harness.js";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS, newSandbox, recordingProxy, type RecordingProxy, type Sandbox } from "../http/helpers.js";
import { textOf } from "./upstream.js";

let sandbox: Sandbox;
let proxy: RecordingProxy;
let jane: Awaited<ReturnType<typeof saleFor>>;
let other: Awaited<ReturnType<typeof saleFor>>;
beforeAll(async () => {
  sandbox = await newSandbox();
  proxy = await recordingProxy(sandbox);
  jane = await saleFor(sandbox, JANE.id);
  other = await saleFor(sandbox, (await seededCustomer(sandbox, 3)).id);
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

const refundsSent = () => proxy.seen.filter((r) => r.method === "POST" && r.path.includes("/refund")).length;
const text = textOf;

/** A visitor's conversation on the support profile; every form is accepted, as a willing visitor would. */
async function visitor(args: string[] = ["--support-refunds"]) {
  const asked: string[] = [];
  const client = new Client({ name: "support-bot", version: "0.0.0" }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    return { action: "accept", content: { confirm: true } };
  });
  const started = await startInProcessOnSandbox(proxy.url, ["--profile", "support", ...args], { client });
  const call = (name: string, a: Record<string, unknown>) => client.callTool({ name, arguments: a });
  const tools = async () => (await client.listTools()).tools.map((t) => t.name);
  return { call, tools, asked, close: () => started.close() };
}

describe("support refunds", () => {
  it("are not offered without --support-refunds", async () => {
    const v = await visitor([]);
    try {
      expect(await v.tools()).not.toContain("RefundTransaction");
      const result = await v.call("RefundTransaction", { transaction_id: jane.transaction, amount: 1 });
      expect(text(result)).toMatch(/^\[operation_not_allowed\]/);
    } finally {
      await v.close();
    }
  });

  it("an unverified visitor, another customer's transaction, and an amount over the cap send nothing", async () => {
    const v = await visitor();
    try {
      const before = refundsSent();
      expect(text(await v.call("RefundTransaction", { transaction_id: jane.transaction, amount: 5 }))).toBe(
        REFUSAL_TEXT,
      );
      const verified = await v.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
      expect(verified.isError, text(verified)).toBeFalsy();
      expect(text(await v.call("RefundTransaction", { transaction_id: other.transaction, amount: 5 }))).toBe(
        REFUSAL_TEXT,
      );
      expect(text(await v.call("RefundProductSale", { product_sale_id: other.productSales[0], amount: 1 }))).toBe(
        REFUSAL_TEXT,
      );
      const over = await v.call("RefundTransaction", { transaction_id: jane.transaction, amount: 50.01 });
      expect(text(over)).toMatch(/^\[limit_exceeded\] .*over refunds\.max_amount \(50 per call\); nothing was sent/);
      expect(refundsSent()).toBe(before);
      expect(v.asked).toEqual([]);
    } finally {
      await v.close();
    }
  });

  it("a verified visitor refunds their own transaction and product sale within the cap, confirming each", async () => {
    const v = await visitor();
    try {
      await v.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
      const before = refundsSent();
      const own = await v.call("RefundTransaction", { transaction_id: jane.transaction, amount: 4 });
      expect(own.isError, text(own)).toBeFalsy();
      const line = await v.call("RefundProductSale", { product_sale_id: jane.productSales[0], amount: 2 });
      expect(line.isError, text(line)).toBeFalsy();
      expect(refundsSent()).toBe(before + 2);
      expect(v.asked).toHaveLength(2);
      expect(v.asked[0]).toContain(`Customer ${JANE.id}.`);
    } finally {
      await v.close();
    }
  });

  it("need the visitor's own yes: a chat client that cannot show a form gets no token, and nothing is sent", async () => {
    for (const confirm of ["auto", "token", "off"]) {
      const started = await startInProcessOnSandbox(proxy.url, [
        "--profile",
        "support",
        "--support-refunds",
        "--confirm",
        confirm,
      ]);
      try {
        const call = (name: string, a: Record<string, unknown>) => started.client.callTool({ name, arguments: a });
        await call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
        const before = refundsSent();
        const result = await call("RefundTransaction", { transaction_id: jane.transaction, amount: 1 });
        expect(text(result), confirm).toMatch(
          /^\[confirmation_required\] RefundTransaction needs a person's confirmation/,
        );
        expect(text(result)).not.toContain("cf_");
        expect(refundsSent()).toBe(before);
      } finally {
        await started.close();
      }
    }
  });

  it("the per-customer cap: 100 in 30 days, however it is split", async () => {
    const big = await upstream(sandbox, "POST", "/sales", {
      campaign: SEED_IDS.campaign,
      customer_id: JANE.id,
      product: [{ id: SEED_IDS.product, quantity: 10 }],
    });
    const v = await visitor();
    try {
      await v.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
      for (const amount of [50, 50]) {
        const r = await v.call("RefundTransaction", { transaction_id: big.transaction_id, amount });
        expect(r.isError, text(r)).toBeFalsy();
      }
      const before = refundsSent();
      const over = await v.call("RefundTransaction", { transaction_id: big.transaction_id, amount: 0.01 });
      expect(text(over)).toMatch(/refunds\.max_per_customer, which allows 0\.00 more now; nothing was sent/);
      expect(refundsSent()).toBe(before);
    } finally {
      await v.close();
    }
  });
});
