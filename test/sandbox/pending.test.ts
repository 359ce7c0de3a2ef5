// Pending sales (create, update, process) and EstimateSale over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { TEST_CARDS } from "../../src/sandbox/test-cards.js";
import { MUG, email, expect400, get } from "./commerce.js";
import { FIXED_NOW, call, dateWindow, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

const createPending = async (extra: Record<string, unknown> = {}) => {
  const r = await call(sb, "POST", "/sales/pending", {
    body: {
      campaign: SEED_IDS.campaign,
      customer: { first_name: "Pen", last_name: "Ding", email: email("pending") },
      product: [{ id: MUG, quantity: 1 }],
      ...extra,
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe("pending sales", () => {
  it("are stored without charging, updated by replacing fields, then processed once", async () => {
    const created = await createPending({ unique_request_id: "order-77" });
    expect(created).toMatchObject({
      status: "Pending",
      is_pending: true,
      amount: 12.5,
      unique_request_id: "order-77",
      transactions: [],
    });
    expect(created.customer_id).toMatch(/^[A-Za-z0-9]{20}$/);

    const updated = await call(sb, "POST", `/sales/pending/${created.sale_id}`, {
      body: { product: [{ id: SEED_IDS.product, quantity: 2 }], shipping: [{ amount: 5 }] },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({
      sale_id: created.sale_id,
      amount: 44.98,
      products: [{ product_id: SEED_IDS.product, quantity: 2 }],
      status: "Pending",
    });
    const combined = await call(sb, "POST", `/sales/pending/${created.sale_id}`, {
      body: {
        product: [{ id: SEED_IDS.product, quantity: 1 }, { id: MUG }],
        pending_options: { exists_options: { product: "merge_combine" } },
      },
    });
    expect(combined.body.products.map((p: any) => [p.product_id, p.quantity])).toEqual([
      [SEED_IDS.product, 3],
      [MUG, 1],
    ]);

    const processed = await call(sb, "POST", `/sales/pending/${created.sale_id}/process`, {
      body: { credit_card: { card_number: TEST_CARDS.approved, exp_month: 1, exp_year: 30 } },
    });
    expect(processed.status, JSON.stringify(processed.body)).toBe(200);
    // 3 x 19.99 + 12.50 + shipping 5 (kept from the first update).
    expect(processed.body).toMatchObject({
      sale_id: created.sale_id,
      status: "Fully Captured",
      is_pending: false,
      amount_captured: 77.47,
      unique_request_id: "order-77",
    });
    expect(processed.body.product_sales).toHaveLength(2);
    expect(await get(sb, `/transactions/${processed.body.transaction_id}`)).toMatchObject({
      amount: 77.47,
      sales: [created.sale_id],
      request_method: "process",
    });

    const twice = await call(sb, "POST", `/sales/pending/${created.sale_id}/process`, { body: {} });
    expect400(twice, "already processed");
    expect400(
      await call(sb, "POST", `/sales/pending/${created.sale_id}`, { body: { product: [{ id: MUG }] } }),
      "Fully Captured",
    );
    expect((await get(sb, `/sales/${created.sale_id}`)).transactions).toEqual([processed.body.transaction_id]);
  });

  it("keep their card as first 6 / last 4 and decline at processing like CreateSale", async () => {
    const created = await createPending({
      credit_card: { card_number: TEST_CARDS.declined, exp_month: 1, exp_year: 30 },
    });
    expect(JSON.stringify(await get(sb, `/sales/${created.sale_id}`))).not.toContain(TEST_CARDS.declined);
    const r = await call(sb, "POST", `/sales/pending/${created.sale_id}/process`, { body: {} });
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ code: 2, sale_id: created.sale_id });
    const sale = await get(sb, `/sales/${created.sale_id}`);
    expect(sale).toMatchObject({ status: "Pending", transactions: [r.body.transaction_id], product_sales: [] });
    // A good card then processes it.
    const ok = await call(sb, "POST", `/sales/pending/${created.sale_id}/process`, {
      body: { credit_card: { card_number: TEST_CARDS.approved, exp_month: 1, exp_year: 30 } },
    });
    expect(ok.body).toMatchObject({
      status: "Fully Captured",
      transactions: [r.body.transaction_id, ok.body.transaction_id],
    });
  });

  it("are cancelled by VoidSale", async () => {
    const created = await createPending();
    const r = await call(sb, "POST", `/sales/${created.sale_id}/void`, { body: {} });
    expect(r.body).toMatchObject({ status: "Cancelled", void: true, refund_amount: 0 });
    expect400(await call(sb, "POST", `/sales/pending/${created.sale_id}/process`, { body: {} }), "Cancelled");
  });
});

describe("EstimateSale", () => {
  it("prices products, shipping, tax, discounts and trials without storing anything", async () => {
    const count = async () => (await call(sb, "GET", "/sales", { query: dateWindow(FIXED_NOW, 1) })).body.total_count;
    const before = await count();
    const r = await call(sb, "POST", "/sales/estimate", {
      body: {
        campaign: SEED_IDS.campaign,
        product: [{ id: SEED_IDS.product, quantity: 2 }, { id: SEED_IDS.productTrial }],
        shipping: [{ amount: 5 }],
        tax: [{ rate: 10 }],
        coupon: [{ coupon_code: SEED_IDS.couponCode }, { coupon_code: "NOPE" }],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // products 69.97, 10% coupon 7.00, tax 10% of 62.97 = 6.30, shipping 5.
    expect(r.body).toMatchObject({
      amount_products: 69.97,
      amount_discounted: 7,
      amount_tax: 6.3,
      amount_shipping: 5,
      amount_total: 74.27,
    });
    expect(r.body.totals.amount_bill_now).toBeCloseTo(74.27 - (29.99 - r.body.products[1].discount_amount), 2);
    expect(r.body.coupons.invalid).toEqual([{ coupon_code: "NOPE", errors: ["Coupon code invalid."] }]);
    expect(r.body.products[1]).toMatchObject({ is_trial: true, trial_days: 14 });
    expect(await count()).toBe(before);
  });
});
