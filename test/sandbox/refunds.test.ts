// Refunds over HTTP: each refund operation changes the item, its transaction and its sale, and
// leaves a pending refund linked to all of them; over-refunds and repeat refunds answer 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { MUG, createSale, expect400, expectConsistent, get, outsideOfficialSchema } from "./commerce.js";
import { FIXED_NOW, call, dateWindow, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

/** Shirt x2 (39.98) + mug (12.50) + shipping 5 + tax 3 = 60.48, one transaction. */
const fullSale = () =>
  createSale(sb, {
    product: [{ id: SEED_IDS.product, quantity: 2 }, { id: MUG }],
    shipping: [{ amount: 5, provider_tracking: "1Z999" }],
    tax: [{ amount: 3 }],
  });

async function expectLinkedPendingRefund(id: string, sale: any, item: { type: string; id: string }, amount: number) {
  const pr = await get(sb, `/pending_refunds/${id}`);
  expect(pr).toMatchObject({
    amount,
    status: "Pending",
    customer_id: sale.customer_id,
    sale_id: sale.sale_id,
    transaction_id: sale.transaction_id,
    item_type: item.type,
    item_id: item.id,
  });
  for (const path of [
    `/sales/${sale.sale_id}`,
    `/transactions/${sale.transaction_id}`,
    `/customers/${sale.customer_id}`,
  ]) {
    expect((await get(sb, path)).pending_refunds, path).toContain(id);
  }
  const listed = await call(sb, "GET", "/pending_refunds", {
    query: dateWindow(FIXED_NOW, 1, { customer_id: sale.customer_id }),
  });
  expect(listed.body.results.map((x: any) => x.id)).toContain(id);
}

describe("RefundProductSale", () => {
  it("refunds part, then the rest (no amount), updating product sale, transaction and sale", async () => {
    const sale = await fullSale();
    const psId = sale.product_sales[0];
    const part = await call(sb, "POST", `/product_sales/${psId}/refund`, { body: { amount: 10 } });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body).toMatchObject({
      refund_amount: 10,
      amount_refunded: 10,
      amount_total: 29.98,
      void: false,
      sale_id: sale.sale_id,
      transaction_id: sale.transaction_id,
    });
    await expectLinkedPendingRefund(part.body.pending_refund[0], sale, { type: "product_sale", id: psId }, 10);
    let txn = await get(sb, `/transactions/${sale.transaction_id}`);
    expect(txn).toMatchObject({ amount_refunded: 10, amount_total: 50.48, void: false });
    let stored = await get(sb, `/sales/${sale.sale_id}`);
    expect(stored).toMatchObject({
      amount_refunded: 10,
      amount_total: 50.48,
      status: "Partially Refunded",
      void: false,
    });

    const rest = await call(sb, "POST", `/product_sales/${psId}/refund`, { body: {} });
    expect(rest.body).toMatchObject({ refund_amount: 29.98, amount_refunded: 39.98, amount_total: 0, void: true });
    txn = await get(sb, `/transactions/${sale.transaction_id}`);
    stored = await get(sb, `/sales/${sale.sale_id}`);
    expect(txn.amount_refunded).toBeCloseTo(39.98, 2);
    expect(stored.amount_refunded).toBeCloseTo(39.98, 2);
    for (const x of [stored, await get(sb, `/product_sales/${psId}`)]) expectConsistent(x);
    expect(
      outsideOfficialSchema(
        (await call(sb, "GET", "/transactions", { query: dateWindow(FIXED_NOW, 1, { customer_id: sale.customer_id }) }))
          .body.results[0],
      ),
    ).toEqual([]);

    expect400(await call(sb, "POST", `/product_sales/${psId}/refund`, { body: {} }), "already fully refunded");
  });

  it("refuses more than what is left, naming amount", async () => {
    const sale = await fullSale();
    const r = await call(sb, "POST", `/product_sales/${sale.product_sales[1]}/refund`, { body: { amount: 12.51 } });
    expect400(r, "amount", "12.5");
    expect400(
      await call(sb, "POST", `/product_sales/${sale.product_sales[1]}/refund`, { body: { amount: 0 } }),
      "amount",
    );
    expect((await get(sb, `/product_sales/${sale.product_sales[1]}`)).amount_refunded).toBe(0);
  });

  it("cancels the subscription of a product sale refunded in full", async () => {
    const sale = await createSale(sb, { product: [{ id: SEED_IDS.productMembership }] });
    const r = await call(sb, "POST", `/product_sales/${sale.product_sales[0]}/refund`, { body: {} });
    expect(r.body.subscription_cancelled).toEqual(sale.subscriptions);
    expect((await get(sb, `/subscriptions/${sale.subscriptions[0]}`)).status).toBe("Cancelled");
  });
});

describe("RefundShipment, RefundTax", () => {
  it("refund their item and its transaction and sale", async () => {
    const sale = await fullSale();
    const ship = await call(sb, "POST", `/shipping/${sale.shipping[0]}/refund`, { body: { amount: 2 } });
    expect(ship.body).toMatchObject({ refund_amount: 2, amount_refunded: 2, amount_total: 3, void: false });
    await expectLinkedPendingRefund(ship.body.pending_refund_id, sale, { type: "shipping", id: sale.shipping[0] }, 2);
    const tax = await call(sb, "POST", `/tax/${sale.tax[0]}/refund`, { body: {} });
    expect(tax.body).toMatchObject({ refund_amount: 3, amount_total: 0, void: true });
    expect400(await call(sb, "POST", `/tax/${sale.tax[0]}/refund`, { body: { amount: 1 } }), "already fully refunded");
    expect400(await call(sb, "POST", `/shipping/${sale.shipping[0]}/refund`, { body: { amount: 3.5 } }), "amount", "3");
    expect(await get(sb, `/sales/${sale.sale_id}`)).toMatchObject({ amount_refunded: 5, amount_total: 55.48 });
    expect(await get(sb, `/transactions/${sale.transaction_id}`)).toMatchObject({
      amount_refunded: 5,
      amount_total: 55.48,
    });
  });
});

describe("RefundTransaction", () => {
  it("spreads a refund over the items the transaction paid for", async () => {
    const sale = await fullSale();
    const r = await call(sb, "POST", `/transactions/${sale.transaction_id}/refund`, { body: { amount: 45 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      refund_amount: 45,
      amount_refunded: 45,
      origin_sale_id: sale.sale_id,
      product_sale_refunded: sale.product_sales,
      shipping_refunded: [],
    });
    expect(await get(sb, `/product_sales/${sale.product_sales[0]}`)).toMatchObject({
      amount_refunded: 39.98,
      void: true,
    });
    expect((await get(sb, `/product_sales/${sale.product_sales[1]}`)).amount_refunded).toBeCloseTo(5.02, 2);
    await expectLinkedPendingRefund(
      r.body.pending_refund_id,
      sale,
      { type: "transaction", id: sale.transaction_id },
      45,
    );
    expect400(
      await call(sb, "POST", `/transactions/${sale.transaction_id}/refund`, { body: { amount: 20 } }),
      "amount",
      "15.48",
    );
    const rest = await call(sb, "POST", `/transactions/${sale.transaction_id}/refund`, { body: {} });
    expect(rest.body).toMatchObject({ refund_amount: 15.48, void: true, amount_total: 0 });
    expect(await get(sb, `/sales/${sale.sale_id}`)).toMatchObject({
      amount_refunded: 60.48,
      amount_total: 0,
      void: true,
      status: "Refunded",
    });
    expect400(
      await call(sb, "POST", `/transactions/${sale.transaction_id}/refund`, { body: {} }),
      "already fully refunded",
    );
  });

  it("refuses a declined transaction", async () => {
    const declined = (
      await call(sb, "GET", "/transactions", { query: dateWindow(FIXED_NOW, 60, { limit: 25 }) })
    ).body.results.find((t: any) => t.declined);
    expect400(await call(sb, "POST", `/transactions/${declined.id}/refund`, { body: {} }), "not approved", "Declined");
  });
});

describe("RefundSubscriptionRenewal", () => {
  it("refunds the renewal and its transaction", async () => {
    const renewed = await call(sb, "POST", `/subscriptions/${SEED_IDS.subscription}/renew`, { body: {} });
    const id = renewed.body.subscription_renewal_id;
    const r = await call(sb, "POST", `/subscription_renewals/${id}/refund`, { body: { amount: 4 } });
    expect(r.body).toMatchObject({
      refund_amount: 4,
      amount_refunded: 4,
      amount_total: 5.99,
      transaction_id: renewed.body.transaction_id,
    });
    expect(await get(sb, `/transactions/${renewed.body.transaction_id}`)).toMatchObject({
      amount_refunded: 4,
      is_subscription_renewal: true,
    });
    expect(await get(sb, `/pending_refunds/${r.body.pending_refund_id}`)).toMatchObject({
      item_type: "subscription_renewal",
      item_id: id,
      customer_id: SEED_IDS.customer,
    });
    expect400(await call(sb, "POST", `/subscription_renewals/${id}/refund`, { body: { amount: 6 } }), "amount");
  });
});

describe("VoidSale", () => {
  it("refunds everything left, cancels subscriptions and trials, and cannot be repeated", async () => {
    const sale = await createSale(sb, {
      product: [{ id: SEED_IDS.product }, { id: SEED_IDS.productMembership }, { id: SEED_IDS.productTrial }],
      shipping: [{ amount: 5 }],
    });
    await call(sb, "POST", `/product_sales/${sale.product_sales[0]}/refund`, { body: { amount: 1 } });
    const r = await call(sb, "POST", `/sales/${sale.sale_id}/void`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      sale_id: sale.sale_id,
      void: true,
      status: "Void",
      refund_amount: 33.98,
      amount_refunded: 34.98,
      subscription_cancelled: sale.subscriptions,
      trial_cancelled: sale.trials,
      shipping_refunded: sale.shipping,
    });
    expect(r.body.pending_refund).toHaveLength(1);
    expect(await get(sb, `/transactions/${sale.transaction_id}`)).toMatchObject({ amount_refunded: 34.98, void: true });
    expect((await get(sb, `/subscriptions/${sale.subscriptions[0]}`)).status).toBe("Cancelled");
    expect((await get(sb, `/trials/${sale.trials[0]}`)).status).toBe("Cancelled");
    for (const id of sale.product_sales.slice(0, 2)) expect((await get(sb, `/product_sales/${id}`)).void).toBe(true);
    expectConsistent(await get(sb, `/sales/${sale.sale_id}`));
    const again = await call(sb, "POST", `/sales/${sale.sale_id}/void`, { body: {} });
    expect400(again, "already void");
    expect(again.body.message).toContain("Void");
  });

  it("voids a seeded sale through its transaction", async () => {
    const other = await start({ now: () => FIXED_NOW });
    try {
      const before = (await call(other, "GET", `/sales/${SEED_IDS.sale}`)).body;
      const r = await call(other, "POST", `/sales/${SEED_IDS.sale}/void`, { body: {} });
      expect(r.body).toMatchObject({
        void: true,
        refund_amount: before.amount_captured,
        shipping_refunded: [SEED_IDS.shipment],
        subscription_cancelled: [SEED_IDS.subscription],
      });
      expect((await call(other, "GET", `/shipping/${SEED_IDS.shipment}`)).body).toMatchObject({
        amount_refunded: 4.99,
        void: true,
      });
    } finally {
      await other.close();
    }
  });
});
