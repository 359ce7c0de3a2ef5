// Notes, metadata, customer groups and fraud detections: both sides of every link change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { createSale, expect400, get, saleBody } from "./commerce.js";
import { FIXED_NOW, call, dateWindow, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

describe("notes and metadata", () => {
  it("a note on a sale is listed on the sale and on its customer", async () => {
    const sale = await createSale(sb);
    const r = await call(sb, "POST", "/notes", {
      body: { item_type: "sale", item_id: sale.sale_id, text: "Asked for gift wrap" },
    });
    expect(r.body).toMatchObject({
      note_id: expect.any(String),
      customer_id: sale.customer_id,
      text: "Asked for gift wrap",
    });
    expect((await get(sb, `/sales/${sale.sale_id}`)).notes).toEqual([r.body.note_id]);
    expect((await get(sb, `/customers/${sale.customer_id}`)).notes).toEqual([r.body.note_id]);
  });

  it("metadata inserted on a product sale is found by metadata_filter", async () => {
    const sale = await createSale(sb);
    const psId = sale.product_sales[0];
    await call(sb, "POST", "/metadata", {
      body: { item_type: "product_sale", item_id: psId, metadata: [{ name: "gift", value: "yes" }] },
    });
    const found = await call(sb, "GET", "/product_sales", {
      query: { ...dateWindow(FIXED_NOW, 1), "metadata_filter[0][name]": "gift", "metadata_filter[0][value]": "yes" },
    });
    expect(found.body.results.map((x: any) => x.id)).toEqual([psId]);
  });
});

describe("customer groups", () => {
  const group = seedIdFor("customer_group_id", 0);
  const other = seedIdFor("customer_group_id", 1);

  it("adding and removing a customer changes both the customer and the group", async () => {
    const added = await call(sb, "POST", `/customers/${SEED_IDS.customer}/add_to_group`, {
      body: { customer_group: [group, other] },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.customer_groups).toEqual([group, other]);
    expect((await get(sb, `/customer_groups/${group}`)).customers).toEqual([SEED_IDS.customer]);
    await call(sb, "POST", `/customers/${SEED_IDS.customer}/add_to_group`, { body: { customer_group: [group] } });
    expect((await get(sb, `/customers/${SEED_IDS.customer}`)).customer_groups).toEqual([group, other]);

    const removed = await call(sb, "POST", `/customers/${SEED_IDS.customer}/remove_from_group`, {
      body: { customer_group: [group] },
    });
    expect(removed.body.customer_groups).toEqual([other]);
    expect((await get(sb, `/customer_groups/${group}`)).customers).toEqual([]);
    expect((await get(sb, `/customer_groups/${other}`)).customers).toEqual([SEED_IDS.customer]);
  });

  it("answers 404 for an unknown group and 400 when none is named", async () => {
    expect(
      (
        await call(sb, "POST", `/customers/${SEED_IDS.customer}/add_to_group`, {
          body: { customer_group: ["ZZZZZZZZZZZZZZZZZZZZ"] },
        })
      ).status,
    ).toBe(404);
    expect400(await call(sb, "POST", `/customers/${SEED_IDS.customer}/add_to_group`, { body: {} }), "customer_group");
    expect400(
      await call(sb, "POST", `/customers/${SEED_IDS.customer}/remove_from_group`, { body: {} }),
      "customer_group",
    );
  });
});

describe("fraud detections", () => {
  it("from a sale id with void_sale: voids the sale, bars the card and blocks the customer", async () => {
    const sale = await createSale(sb, { product: [{ id: SEED_IDS.productMembership }] });
    const r = await call(sb, "POST", "/fraud_detections", {
      body: { source_id: sale.sale_id, void_sale: true, case_number: "F-1" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      fraud_detection_id: expect.any(String),
      sale_id: sale.sale_id,
      transaction_id: sale.transaction_id,
      customer_id: sale.customer_id,
      subscription_cancelled: sale.subscriptions,
    });
    expect(await get(sb, `/sales/${sale.sale_id}`)).toMatchObject({
      void: true,
      status: "Void",
      fraud_detections: [r.body.fraud_detection_id],
    });
    expect((await get(sb, `/customers/${sale.customer_id}`)).blocked).toBe(true);
    expect((await get(sb, `/customer_cards/${sale.customer_card_id}`)).enabled).toBe(false);
    expect((await get(sb, `/transactions/${sale.transaction_id}`)).fraud_detections).toEqual([
      r.body.fraud_detection_id,
    ]);
    const retry = await call(sb, "POST", "/sales", {
      body: saleBody({ customer: undefined, customer_id: sale.customer_id }),
    });
    expect(retry.status).toBe(402);
    expect(retry.body.code).toBe(5);
  });

  // The spec limits source_id to 20 characters, so gateway transaction ids (any length) cannot be sent.
  it("from a transaction id without void_sale: records only", async () => {
    const sale = await createSale(sb);
    const txn = await get(sb, `/transactions/${sale.transaction_id}`);
    const r = await call(sb, "POST", "/fraud_detections", { body: { source_id: txn.id } });
    expect(r.body).toMatchObject({ sale_id: sale.sale_id, customer_blocked: false, amount: txn.amount });
    expect((await get(sb, `/sales/${sale.sale_id}`)).void).toBe(false);
    expect((await get(sb, `/customers/${sale.customer_id}`)).blocked).toBe(false);
    expect((await call(sb, "POST", "/fraud_detections", { body: { source_id: "ZZZZZZZZZZZZZZZZZZZZ" } })).status).toBe(
      404,
    );
  });
});
