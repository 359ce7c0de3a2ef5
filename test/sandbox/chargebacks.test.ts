// Chargebacks end to end (guide 002): create by transaction or gateway transaction id, mark
// representment initiated then completed, and find them by gateway id, name, email or card digits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { createSale, expect400, get } from "./commerce.js";
import { FIXED_NOW, call, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

const search = async (term: string) =>
  (await call(sb, "GET", "/chargebacks/search", { query: { search_term: term } })).body.results.map((c: any) => c.id);

describe("chargebacks", () => {
  it("are created by gateway transaction id, linked, edited through representment and found by search", async () => {
    const sale = await createSale(sb, {
      customer: { first_name: "George", last_name: "Washburn", email: "george.washburn@example.com" },
      credit_card: { card_number: "4920200000089560", exp_month: 1, exp_year: 30 },
    });
    const txn = await get(sb, `/transactions/${sale.transaction_id}`);
    const created = await call(sb, "POST", "/chargebacks", {
      body: {
        gateway_transaction_id: txn.gateway_transaction_id,
        amount: 20,
        arn: "arn_1",
        case_number: "1234",
        reason_code: "4",
        chargeback_date: "2025-06-01",
        received_date: "2025-06-04",
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.chargeback_id;
    expect(created.body).toMatchObject({
      transaction_id: txn.id,
      gateway_transaction_id: txn.gateway_transaction_id,
      customer_id: sale.customer_id,
      sale_id: sale.sale_id,
      amount: 20,
      first_6: "492020",
      last_4: "9560",
      gateway_id: txn.gateway_id,
      merchant_account_id: txn.merchant_account_id,
      chargeback_date_unix: Date.UTC(2025, 5, 1) / 1000,
      representment: { initiated: false, completed: false, outcome: "pending" },
    });
    expect((await get(sb, `/transactions/${txn.id}`)).chargebacks).toEqual([id]);
    expect((await get(sb, `/sales/${sale.sale_id}`)).chargebacks).toEqual([id]);

    const initiated = await call(sb, "POST", `/chargebacks/${id}`, {
      body: { representment: { initiated: true, initiated_date: "2025-06-05" } },
    });
    expect(initiated.body).toMatchObject({
      chargeback_id: id,
      representment: { initiated: true, initiated_date: "2025-06-05", completed: false },
    });
    expect400(
      await call(sb, "POST", `/chargebacks/${id}`, { body: { representment: { completed: true } } }),
      "outcome",
    );
    const completed = await call(sb, "POST", `/chargebacks/${id}`, {
      body: { representment: { completed: true, completed_date: "2025-06-20", outcome: "won" } },
    });
    expect((await get(sb, `/chargebacks/${id}`)).representment).toEqual({
      initiated: true,
      initiated_date: "2025-06-05",
      completed: true,
      completed_date: "2025-06-20",
      outcome: "won",
    });
    expect(completed.status).toBe(200);

    for (const term of [txn.gateway_transaction_id, "George Washburn", "george.washburn@example.com", "492020 9560"])
      expect(await search(term), term).toEqual([id]);
    expect(await search("424242 9560")).not.toContain(id);
  });

  it("are created by RevCent transaction id, and can refund the transaction", async () => {
    const sale = await createSale(sb);
    const r = await call(sb, "POST", "/chargebacks", {
      body: { transaction_id: sale.transaction_id, void_transaction: true },
    });
    expect(r.body).toMatchObject({
      transaction_id: sale.transaction_id,
      amount: sale.amount,
      refund_amount: sale.amount,
    });
    expect(await get(sb, `/transactions/${sale.transaction_id}`)).toMatchObject({
      void: true,
      amount_refunded: sale.amount,
    });
  });

  it("answer 404 when no transaction matches and 400 when none is named", async () => {
    expect(
      (await call(sb, "POST", "/chargebacks", { body: { gateway_transaction_id: "no-such-gateway-id" } })).status,
    ).toBe(404);
    expect((await call(sb, "POST", "/chargebacks", { body: { transaction_id: "ZZZZZZZZZZZZZZZZZZZZ" } })).status).toBe(
      404,
    );
    expect400(
      await call(sb, "POST", "/chargebacks", { body: { amount: 5 } }),
      "transaction_id",
      "gateway_transaction_id",
    );
  });
});
