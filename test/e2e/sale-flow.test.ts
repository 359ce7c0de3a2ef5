// A sale's life through a real MCP client (server in-process): charge, partial refund of one product sale,
// the pending refund it leaves, and the sale's amounts; then a lost answer to a refund, retried
// with the same idempotency key, refunds exactly once; and a real decline is never retried.
import { readFileSync } from "node:fs";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { TEST_CARDS } from "../../src/sandbox/test-cards.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcess } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
type Json = Record<string, any>;

let sandbox: Sandbox;
let s: StartedClient;
const tool = async (name: string, args: Record<string, unknown>) => {
  const r = (await s.client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    isError: Boolean(r.isError),
    text: (r.content[0] as { text: string }).text,
    data: (answerOf(r) ?? {}) as Json,
  };
};
const ok = async (name: string, args: Record<string, unknown>) => {
  const r = await tool(name, args);
  expect(r.isError, `${name}: ${r.text}`).toBe(false);
  return r.data;
};
const newSale = (customerId: string, quantity = 2) =>
  ok("CreateSale", {
    campaign: SEED_IDS.campaign,
    customer_id: customerId,
    product: [{ id: SEED_IDS.product, quantity }],
  });

beforeAll(async () => {
  sandbox = await startSandbox({ spec });
  // What is measured here is the upstream client (idempotency, declines); confirmation of money
  // movement has its own tests (test/money/), so the operator's `off` keeps it out of the way.
  s = await startInProcess(["--api-url", sandbox.url, "--toolsets", "all", "--confirm", "off"], {
    REVCENT_API_KEY: "sandbox-key",
  });
});
afterAll(async () => {
  await s?.close();
  await sandbox?.close();
});

describe("a sale end to end", () => {
  it("charges the customer's card, refunds part of one product sale, and shows the pending refund and the new totals", async () => {
    const sale = await newSale(SEED_IDS.customer);
    expect(sale).toMatchObject({ code: 1, customer_id: SEED_IDS.customer });
    const saleId = sale.sale_id as string;
    const [productSaleId] = sale.product_sales as string[];
    expect(productSaleId).toMatch(/^[A-Za-z0-9]{20}$/);

    const before = await ok("GetSale", { sale_id: saleId });
    expect(before.amount_refunded).toBe(0);
    const original = before.amount_total as number;
    expect(original).toBeGreaterThan(5);

    const refund = await ok("RefundProductSale", { product_sale_id: productSaleId, amount: 5 });
    const pendingRefundId = refund.pending_refund_id as string;
    expect(pendingRefundId).toMatch(/^[A-Za-z0-9]{20}$/);

    const pending = await ok("GetPendingRefund", { pending_refund_id: pendingRefundId });
    expect(pending.amount).toBe(5);
    expect(JSON.stringify(pending)).toContain(saleId);

    const after = await ok("GetSale", { sale_id: saleId });
    expect(after.amount_refunded).toBe(5);
    expect(after.amount_total).toBeCloseTo(original - 5, 2);

    const tooMuch = await tool("RefundProductSale", { product_sale_id: productSaleId, amount: original * 10 });
    expect(tooMuch.isError).toBe(true);
    expect(tooMuch.text).toMatch(/^\[bad_request\] .*amount/);
  });

  it("D7: a lost answer to a refund, retried with the same key, refunds exactly once", async () => {
    const sale = await newSale(SEED_IDS.customer, 1);
    const transactionId = sale.transaction_id as string;
    const refundsBefore = (await ok("GetTransaction", { transaction_id: transactionId })).amount_refunded as number;

    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "lost_response" }, times: 1 });
    const r = await tool("RefundTransaction", { transaction_id: transactionId, amount: 3 });
    sandbox.faults.clear();
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^\[duplicate_request\] .*most likely went through once\. Check with GetTransaction/);

    const tx = await ok("GetTransaction", { transaction_id: transactionId });
    expect(tx.amount_refunded).toBe(refundsBefore + 3);
    const pending = await ok("SearchPendingRefunds", { search_term: transactionId });
    expect((pending.results as Json[]).length).toBe(1);
  });

  it("D9: a real decline from the gateway is reported with its reason and never retried", async () => {
    // The test plays RevCent's hosted card page: the card reaches RevCent, never the agent.
    const customer = await ok("CreateCustomer", {
      campaign: SEED_IDS.campaign,
      customer: { first_name: "Dee", last_name: "Klein", email: "dee.klein@example.com" },
    });
    const customerId = customer.customer_id as string;
    const added = await fetch(`${sandbox.url}/customers/${customerId}/add_card`, {
      method: "POST",
      headers: { "x-api-key": "sandbox-key", "content-type": "application/json" },
      body: JSON.stringify({
        payment: { credit_card: { card_number: TEST_CARDS.declined, exp_month: 12, exp_year: 30, card_code: "123" } },
      }),
    });
    expect(added.status).toBe(200);

    sandbox.faults.add({ match: { operationId: "CreateSale" }, fault: { kind: "latency", ms: 0 } }); // counts attempts
    const r = await tool("CreateSale", {
      campaign: SEED_IDS.campaign,
      customer_id: customerId,
      product: [{ id: SEED_IDS.product, quantity: 1 }],
    });
    const attempts = sandbox.faults.hits.length;
    sandbox.faults.clear();
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^\[payment_declined\] .*Insufficient funds.*\(HTTP 402, RevCent code 2\)/);
    expect(attempts).toBe(1);
    expect(r.text).not.toContain(TEST_CARDS.declined);
  });
});
