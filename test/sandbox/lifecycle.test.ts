// Subscriptions and trials as state machines over HTTP, with the sandbox clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { TEST_CARDS } from "../../src/sandbox/test-cards.js";
import { createSale, expect400, get } from "./commerce.js";
import { DAY, FIXED_NOW, call, start } from "./helpers.js";

let sb: Sandbox;
let clock = FIXED_NOW;
beforeAll(async () => {
  sb = await start({ now: () => clock });
});
afterAll(() => sb.close());

const NOW_S = Math.floor(FIXED_NOW / 1000);
const post = (path: string, body: Record<string, unknown> = {}) => call(sb, "POST", path, { body });
const newSubscription = async () =>
  (await createSale(sb, { product: [{ id: SEED_IDS.productMembership }] })).subscriptions[0] as string;
const newTrial = async () => (await createSale(sb, { product: [{ id: SEED_IDS.productTrial }] })) as any;

function expectInvalid(reply: { status: number; body: any }, status: string) {
  expect400(reply, status);
  expect(reply.body.error_code).toBe("E_INVALID_STATUS");
  expect(Object.keys(reply.body).sort()).toEqual([
    "api_call_id",
    "api_call_unix",
    "code",
    "error_code",
    "message",
    "result",
  ]);
}

describe("subscriptions", () => {
  it("go active -> suspended -> active -> cancelled, and nothing leaves cancelled", async () => {
    const id = await newSubscription();
    expectInvalid(await post(`/subscriptions/${id}/activate`), "Active");
    expect((await post(`/subscriptions/${id}/suspend`)).body).toMatchObject({
      status: "Suspended",
      suspended_date_unix: NOW_S,
    });
    expectInvalid(await post(`/subscriptions/${id}/suspend`), "Suspended");
    expectInvalid(await post(`/subscriptions/${id}/renew`), "Suspended");
    expect((await post(`/subscriptions/${id}/activate`)).body.status).toBe("Active");
    expect((await post(`/subscriptions/${id}/cancel`)).body).toMatchObject({
      status: "Cancelled",
      next_renewal_date_unix: null,
    });
    for (const verb of ["activate", "suspend", "cancel", "renew"])
      expectInvalid(await post(`/subscriptions/${id}/${verb}`), "Cancelled");
    expect((await get(sb, `/subscriptions/${id}`)).status).toBe("Cancelled");
  });

  it("can be cancelled while suspended", async () => {
    const id = await newSubscription();
    await post(`/subscriptions/${id}/suspend`);
    expect((await post(`/subscriptions/${id}/cancel`)).body.status).toBe("Cancelled");
  });

  it("renew: charges the default card, records a renewal and a transaction, advances the next renewal date", async () => {
    const id = await newSubscription();
    const before = await get(sb, `/subscriptions/${id}`);
    const r = await post(`/subscriptions/${id}/renew`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      renewal_count: 1,
      next_renewal_date_unix: before.next_renewal_date_unix + 30 * DAY,
      subscription_renewals: [r.body.subscription_renewal_id],
    });
    const renewal = await get(sb, `/subscription_renewals/${r.body.subscription_renewal_id}`);
    expect(renewal).toMatchObject({
      subscription_id: id,
      amount: 9.99,
      transaction_id: r.body.transaction_id,
      customer_id: before.customer_id,
      renewal_number: 1,
    });
    expect(await get(sb, `/transactions/${r.body.transaction_id}`)).toMatchObject({
      amount: 9.99,
      approved: true,
      is_subscription_renewal: true,
      request_method: "renew",
      subscriptions: [id],
      subscription_renewals: [renewal.id],
    });
    expect((await post(`/subscriptions/${id}/renew`)).body.next_renewal_date_unix).toBe(
      before.next_renewal_date_unix + 60 * DAY,
    );
  });

  it("renew on a declining stored card answers 402 and leaves the schedule alone", async () => {
    const sale = await createSale(sb, { product: [{ id: SEED_IDS.productMembership }] });
    const id = sale.subscriptions[0];
    await call(sb, "POST", `/customers/${sale.customer_id}/add_card`, {
      body: { payment: { credit_card: { card_number: TEST_CARDS.declined, exp_month: 1, exp_year: 30 } } },
    });
    const before = await get(sb, `/subscriptions/${id}`);
    const r = await post(`/subscriptions/${id}/renew`);
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ code: 2, gateway_raw_response: { responsetext: "Insufficient funds" } });
    expect((await get(sb, `/subscriptions/${id}`)).next_renewal_date_unix).toBe(before.next_renewal_date_unix);
  });
});

describe("trials", () => {
  it("extend and shorten move the end date by days; shortening past now is refused", async () => {
    const sale = await newTrial();
    const id = sale.trials[0];
    expect((await post(`/trials/${id}/extend`, { days: 3 })).body).toMatchObject({
      end_date_unix: NOW_S + 17 * DAY,
      num_days: 17,
    });
    expect((await post(`/trials/${id}/shorten`, { days: 10 })).body).toMatchObject({
      end_date_unix: NOW_S + 7 * DAY,
      num_days: 7,
    });
    expect400(await post(`/trials/${id}/shorten`, { days: 8 }), "days");
    expect400(await post(`/trials/${id}/extend`, {}), "days");
    expect((await get(sb, `/trials/${id}`)).end_date_unix).toBe(NOW_S + 7 * DAY);
  });

  it("expire charges the trial amount on its sale and product sale", async () => {
    const sale = await newTrial();
    const id = sale.trials[0];
    clock = FIXED_NOW + 5 * DAY * 1000;
    try {
      const r = await post(`/trials/${id}/expire`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ status: "Expired", end_date_unix: NOW_S + 5 * DAY, amount_charged: 29.99 });
      expect(await get(sb, `/transactions/${r.body.transaction_id}`)).toMatchObject({
        amount: 29.99,
        approved: true,
        sales: [sale.sale_id],
        trials: [id],
        request_method: "expire",
      });
      expect(await get(sb, `/sales/${sale.sale_id}`)).toMatchObject({
        amount_captured: 29.99,
        amount_remaining: 0,
        transactions: [sale.transaction_id, r.body.transaction_id],
      });
      expect(await get(sb, `/product_sales/${sale.product_sales[0]}`)).toMatchObject({
        amount_captured: 29.99,
        amount_remaining: 0,
      });
      // Now refundable, through the transaction that charged it.
      const refund = await post(`/product_sales/${sale.product_sales[0]}/refund`, { amount: 9.99 });
      expect(refund.body).toMatchObject({ refund_amount: 9.99, transaction_id: r.body.transaction_id });
    } finally {
      clock = FIXED_NOW;
    }
    for (const verb of ["expire", "cancel"]) expect400(await post(`/trials/${id}/${verb}`), "Expired");
    expect400(await post(`/trials/${id}/extend`, { days: 1 }), "Expired");
  });

  it("cancel ends an active trial without charging", async () => {
    const sale = await newTrial();
    const id = sale.trials[0];
    expect((await post(`/trials/${id}/cancel`)).body.status).toBe("Cancelled");
    expect((await get(sb, `/sales/${sale.sale_id}`)).transactions).toEqual([sale.transaction_id]);
    expect400(await post(`/trials/${id}/expire`), "Cancelled");
  });
});
