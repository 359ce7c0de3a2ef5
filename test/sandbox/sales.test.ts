// CreateSale over HTTP: customers found or created, the sale and everything it creates, amounts
// that add up, subscriptions and trials, and the test cards' payment failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { FRAUD_EMAIL, TEST_CARDS } from "../../src/sandbox/test-cards.js";
import {
  MUG,
  createSale,
  email,
  expect400,
  expectConsistent,
  get,
  outsideOfficialSchema,
  saleBody,
} from "./commerce.js";
import { DAY, FIXED_NOW, call, dateWindow, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

const NOW_S = Math.floor(FIXED_NOW / 1000);

describe("CreateSale", () => {
  it("creates the customer, sale, transaction, product sales, shipping, tax and discount, all linked", async () => {
    const buyer = email("full");
    const sale = await createSale(sb, {
      customer: { first_name: "Grace", last_name: "Hopper", email: buyer, zip: "20500" },
      product: [
        { id: SEED_IDS.product, quantity: 2 },
        { id: MUG, quantity: 1, price: 10 },
      ],
      shipping: [
        {
          amount: 5,
          name: "USPS Priority",
          provider: "usps",
          provider_method: "priority",
          provider_tracking: "9400111",
        },
      ],
      tax: [{ rate: 10, name: "State Sales" }],
      discount: [{ discount_type: "amount", discount_value: 4.98, name: "Manual" }],
      metadata: [{ name: "landing_page", value: "v3" }],
    });
    // 2 x 19.99 + 10 = 49.98; discount 4.98 -> 45 taxable; tax 4.50; shipping 5.
    expect(sale).toMatchObject({
      code: 1,
      result: "Success",
      sale_id: sale.id,
      amount_original_total: 59.48,
      amount_discounted: 4.98,
      amount_total: 54.5,
      amount_captured: 54.5,
      amount_refunded: 0,
      amount_remaining: 0,
      amount: 54.5,
      status: "Fully Captured",
    });
    expect(sale.product_sales).toHaveLength(2);
    expect(
      sale.product_sale_created.map((p: any) => [p.product.id, p.price, p.quantity, p.amount_original_total]),
    ).toEqual([
      [SEED_IDS.product, 19.99, 2, 39.98],
      [MUG, 10, 1, 10],
    ]);
    expect(sale.shipping_created).toHaveLength(1);
    expect(sale.tax_created[0]).toMatchObject({ amount_original_total: 4.5 });
    expect(sale.discount_created[0]).toMatchObject({ amount: 4.98 });

    const customer = await get(sb, `/customers/${sale.customer_id}`);
    expect(customer).toMatchObject({
      email: buyer,
      first_name: "Grace",
      sales: [sale.sale_id],
      transactions: [sale.transaction_id],
      shipping: sale.shipping,
    });

    const txn = await get(sb, `/transactions/${sale.transaction_id}`);
    expect(txn).toMatchObject({
      amount: 54.5,
      approved: true,
      sales: [sale.sale_id],
      product_sales: sale.product_sales,
      shipping: sale.shipping,
      tax: sale.tax,
      discounts: sale.discounts,
      customer: { id: sale.customer_id, email: buyer },
      customer_card: { first_6: "424242", last_4: "4242" },
    });
    const listed = (
      await call(sb, "GET", "/transactions", { query: dateWindow(FIXED_NOW, 1, { customer_id: sale.customer_id }) })
    ).body.results;
    expect(listed.map((t: any) => t.id)).toEqual([sale.transaction_id]);
    expect(outsideOfficialSchema(listed[0])).toEqual([]);

    const stored = await get(sb, `/sales/${sale.sale_id}`);
    expectConsistent(stored, "sale");
    expect(stored.metadata).toEqual([{ name: "landing_page", value: "v3" }]);
    let productTotal = 0;
    for (const id of sale.product_sales) {
      const ps = await get(sb, `/product_sales/${id}`);
      expectConsistent(ps, "product sale");
      expect(ps).toMatchObject({ sale_id: sale.sale_id, transactions: [sale.transaction_id], amount_refunded: 0 });
      productTotal += ps.amount_total;
    }
    const ship = await get(sb, `/shipping/${sale.shipping[0]}`);
    const tax = await get(sb, `/tax/${sale.tax[0]}`);
    for (const item of [ship, tax]) expectConsistent(item);
    expect(productTotal + ship.amount_total + tax.amount_total).toBeCloseTo(stored.amount_total, 2);
    expect(await get(sb, `/discounts/${sale.discounts[0]}`)).toMatchObject({
      sale_id: sale.sale_id,
      amount: 4.98,
      discount_type: "amount",
    });
  });

  it("reuses the customer by customer_id, else by email, and charges a stored card when none is given", async () => {
    const first = await createSale(sb);
    const again = await createSale(sb, {
      customer: { first_name: "Other", last_name: "Name", email: first.customer.email.toUpperCase() },
      credit_card: undefined,
    });
    expect(again.customer_id).toBe(first.customer_id);
    const byId = await createSale(sb, { customer: undefined, customer_id: SEED_IDS.customer, credit_card: undefined });
    expect(byId.customer_id).toBe(SEED_IDS.customer);
    expect((await get(sb, `/transactions/${byId.transaction_id}`)).customer_card).toMatchObject({
      id: SEED_IDS.customerCard,
      last_4: "4242",
    });
    expect((await get(sb, `/customers/${SEED_IDS.customer}`)).sales).toContain(byId.sale_id);
    expect((await call(sb, "POST", "/sales", { body: saleBody({ customer_id: "ZZZZZZZZZZZZZZZZZZZZ" }) })).status).toBe(
      404,
    );
  });

  it("creates a subscription for a subscription product and a trial (charged later) for a trial product", async () => {
    const sale = await createSale(sb, { product: [{ id: SEED_IDS.productMembership }, { id: SEED_IDS.productTrial }] });
    expect(sale).toMatchObject({
      amount_original_total: 39.98,
      amount_captured: 9.99,
      amount_remaining: 29.99,
      amount_total: 39.98,
    });
    expect(sale.subscription_created).toHaveLength(1);
    expect(sale.trial_created).toHaveLength(1);
    const sub = await get(sb, `/subscriptions/${sale.subscriptions[0]}`);
    expect(sub).toMatchObject({
      status: "Active",
      product_id: SEED_IDS.productMembership,
      amount: 9.99,
      sale_id: sale.sale_id,
      next_renewal_date_unix: NOW_S + 30 * DAY,
    });
    const trial = await get(sb, `/trials/${sale.trials[0]}`);
    expect(trial).toMatchObject({
      status: "Active",
      product_id: SEED_IDS.productTrial,
      amount: 29.99,
      num_days: 14,
      end_date_unix: NOW_S + 14 * DAY,
    });
    const trialPs = await get(sb, `/product_sales/${trial.product_sale_id}`);
    expect(trialPs).toMatchObject({ amount_captured: 0, amount_remaining: 29.99, trial: { id: trial.id } });
    expect(await get(sb, `/transactions/${sale.transaction_id}`)).toMatchObject({
      amount: 9.99,
      is_subscription: true,
      trials: [trial.id],
      subscriptions: [sub.id],
    });
    const customer = await get(sb, `/customers/${sale.customer_id}`);
    expect(customer).toMatchObject({ subscriptions: [sub.id], trials: [trial.id] });
  });

  it("keeps only the first 6 and last 4 digits of the card", async () => {
    const sale = await createSale(sb, {
      credit_card: { card_number: "5555555555554444", exp_month: 1, exp_year: 30, card_code: "987" },
    });
    const everything = JSON.stringify([
      sale,
      await get(sb, `/transactions/${sale.transaction_id}`),
      await get(sb, `/customers/${sale.customer_id}`),
      (await call(sb, "GET", "/customer_cards", { query: dateWindow(FIXED_NOW, 1, { customer_id: sale.customer_id }) }))
        .body,
    ]);
    expect(everything).toContain("555555");
    expect(everything).not.toContain("5555555555554444");
    // The code is never stored: no card_code field, and no "987" value (ids and emails may contain the digits).
    expect(everything).not.toContain("card_code");
    expect(everything).not.toMatch(/"987"|:987[,}]/);
  });

  it("rejects a card number that fails the Luhn check, saving nothing", async () => {
    const buyer = email("luhn");
    const r = await call(sb, "POST", "/sales", {
      body: saleBody({
        customer: { first_name: "L", last_name: "Uhn", email: buyer },
        credit_card: { card_number: "4242424242424241", exp_month: 1, exp_year: 30 },
      }),
    });
    expect400(r, "card_number");
    expect((await call(sb, "GET", "/customers/search", { query: { search_term: buyer } })).body.total_count).toBe(0);
  });

  it("rejects unknown products and coupons with 400", async () => {
    expect400(
      await call(sb, "POST", "/sales", { body: saleBody({ product: [{ id: "NO-SUCH-SKU" }] }) }),
      "NO-SUCH-SKU",
    );
    expect400(await call(sb, "POST", "/sales", { body: saleBody({ coupon: [{ coupon_code: "BOGUS" }] }) }), "BOGUS");
    const ok = await createSale(sb, {
      coupon: [{ coupon_code: SEED_IDS.couponCode }],
      product: [{ id: MUG, quantity: 2 }],
    });
    expect(ok).toMatchObject({ amount_original_total: 25, amount_discounted: 2.5, amount_total: 22.5 });
  });
});

describe("test cards", () => {
  const failWith = async (card: string, customer?: Record<string, unknown>) => {
    const buyer = (customer?.email as string) ?? email("card");
    const r = await call(sb, "POST", "/sales", {
      body: saleBody({
        customer: { first_name: "T", last_name: "Card", email: buyer, ...customer },
        credit_card: { card_number: card, exp_month: 1, exp_year: 30 },
      }),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(402);
    expect(JSON.stringify(r.body)).not.toContain(card);
    return { r, buyer };
  };

  it("declines 4000000000000002 with code 2 and stores a declined transaction but no sale or product sales", async () => {
    const { r, buyer } = await failWith(TEST_CARDS.declined);
    expect(r.body).toMatchObject({
      code: 2,
      result: "Declined.",
      message: expect.any(String),
      gateway_raw_response: { responsetext: "Insufficient funds", response: "2" },
    });
    expect(r.body.api_call_id).toMatch(/^[A-Za-z0-9]{20}$/);
    const customer = (await call(sb, "GET", "/customers/search", { query: { search_term: buyer } })).body.results[0];
    const txn = await get(sb, `/transactions/${r.body.transaction_id}`);
    expect(txn).toMatchObject({
      approved: false,
      declined: true,
      sales: [],
      product_sales: [],
      gateway_result_phrase: "Insufficient funds",
      customer: { id: customer.id },
    });
    expect(customer.sales).toEqual([]);
    expect(customer.transactions).toEqual([txn.id]);
    const productSales = (
      await call(sb, "GET", "/product_sales", { query: dateWindow(FIXED_NOW, 1, { customer_id: customer.id }) })
    ).body;
    expect(productSales.total_count).toBe(0);
  });

  it("answers a gateway error with code 3 and a hold with code 4", async () => {
    const error = (await failWith(TEST_CARDS.gatewayError)).r;
    expect(error.body).toMatchObject({ code: 3, gateway_raw_response: { response: "3" } });
    expect(await get(sb, `/transactions/${error.body.transaction_id}`)).toMatchObject({ error: true, approved: false });
    const held = (await failWith(TEST_CARDS.held)).r;
    expect(held.body).toMatchObject({ code: 4 });
    expect(await get(sb, `/transactions/${held.body.transaction_id}`)).toMatchObject({ held: true, approved: false });
  });

  it("answers fraud with code 5, stores a fraud detection and blocks the customer", async () => {
    for (const [card, customer] of [
      [TEST_CARDS.approved, { email: FRAUD_EMAIL }],
      [TEST_CARDS.fraud, undefined],
    ] as const) {
      const { r, buyer } = await failWith(card, customer);
      expect(r.body).toMatchObject({
        code: 5,
        fraud_detected: true,
        fraud_detection_created: [expect.stringMatching(/^[A-Za-z0-9]{20}$/)],
      });
      const detection = await get(sb, `/fraud_detections/${r.body.fraud_detection_created[0]}`);
      const customer2 = (await call(sb, "GET", "/customers/search", { query: { search_term: buyer } })).body.results[0];
      expect(detection).toMatchObject({ customer_id: customer2.id, is_sentinel: true });
      expect(customer2.blocked).toBe(true);
      expect(customer2.sales).toEqual([]);
    }
    // A blocked customer is refused before any gateway, even with a good card.
    const again = await call(sb, "POST", "/sales", {
      body: saleBody({ customer: { first_name: "F", last_name: "R", email: FRAUD_EMAIL } }),
    });
    expect(again.status).toBe(402);
    expect(again.body).toMatchObject({ code: 5, fraud_detection_created: [] });
  });

  it("approves any other Luhn-valid card", async () => {
    const sale = await createSale(sb, { credit_card: { card_number: "4000056655665556", exp_month: 1, exp_year: 30 } });
    expect(sale.transaction_id).toMatch(/^[A-Za-z0-9]{20}$/);
  });
});
