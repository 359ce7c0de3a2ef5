// CreateChargebackDocument (003): the sale document found from any originating item, and the
// document field filter language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { MUG, createSale, expect400, get } from "./commerce.js";
import { FIXED_NOW, call, start } from "./helpers.js";

let sb: Sandbox;
let sale: any;
let txn: any;
let chargebackId: string;
let fraudId: string;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
  sale = await createSale(sb, {
    product: [{ id: SEED_IDS.product, quantity: 2 }, { id: MUG }],
    shipping: [{ amount: 5, provider: "usps", provider_tracking: "9405536115112062747214" }],
    tax: [{ amount: 2, name: "State" }],
    metadata: [{ name: "landing_page", value: "v9" }],
  });
  txn = await get(sb, `/transactions/${sale.transaction_id}`);
  await call(sb, "POST", `/product_sales/${sale.product_sales[1]}/refund`, { body: { amount: 2.5 } });
  await call(sb, "POST", "/notes", { body: { item_type: "sale", item_id: sale.sale_id, text: "Customer called" } });
  chargebackId = (
    await call(sb, "POST", "/chargebacks", { body: { transaction_id: txn.id, case_number: "CB-77", arn: "ARN-77" } })
  ).body.chargeback_id;
  fraudId = (
    await call(sb, "POST", "/fraud_detections", {
      body: { source_id: sale.sale_id, case_number: "FD-9", third_party_fraud_detection_id: "tp-9" },
    })
  ).body.fraud_detection_id;
});
afterAll(() => sb.close());

const documentFor = (itemType: string, value: string, filters?: string[]) =>
  call(sb, "POST", "/documents", {
    body: {
      document_type: "sale",
      item_type: itemType,
      item_value: value,
      ...(filters ? { filters: { document_field_filter: filters } } : {}),
    },
  });

const SECTIONS = [
  "api_call",
  "campaign",
  "chargebacks",
  "customer",
  "fraud_detection_requests",
  "fraud_detections",
  "iso_currency",
  "metadata",
  "notes",
  "payment_type",
  "products",
  "refunds",
  "sale",
  "shipping",
  "tax",
  "tracking_entries",
  "tracking_visitor",
  "transactions",
];

describe("the sale document", () => {
  it("has every section, filled from the sale", async () => {
    const r = await documentFor("sale", sale.sale_id);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      code: 1,
      sale_id: sale.sale_id,
      document_type: "sale",
      zip_url: expect.stringMatching(/^https?:\/\/.+\.zip$/),
    });
    const doc = r.body.document_json;
    expect(Object.keys(doc).sort()).toEqual(SECTIONS);
    expect(doc.customer).toMatchObject({ id: sale.customer_id, email: sale.customer.email });
    expect(doc.transactions).toMatchObject([
      { id: txn.id, gateway_transaction_id: txn.gateway_transaction_id, amount: txn.amount, result_code: 1 },
    ]);
    expect(doc.products.map((p: any) => [p.sku, p.quantity, p.total_amount])).toEqual([
      ["SHIRT-001", 2, 39.98],
      ["MUG-001", 1, 12.5],
    ]);
    expect(doc.shipping).toMatchObject([{ provider_tracking: "9405536115112062747214", amount: 5 }]);
    expect(doc.tax).toMatchObject([{ name: "State", amount: 2 }]);
    expect(doc.refunds).toMatchObject([{ amount: 2.5, item_type: "product_sale", item_id: sale.product_sales[1] }]);
    expect(doc.notes).toMatchObject([{ text: "Customer called" }]);
    expect(doc.metadata).toEqual([{ name: "landing_page", value: "v9" }]);
    expect(doc.chargebacks).toMatchObject([{ id: chargebackId, case_number: "CB-77" }]);
    expect(doc.fraud_detections).toMatchObject([{ id: fraudId, case_number: "FD-9" }]);
  });

  it("is found from a transaction, shipment, chargeback or fraud detection, by id or by their other keys", async () => {
    const lookups: [string, string][] = [
      ["transaction", txn.id],
      ["transaction", txn.gateway_transaction_id],
      ["shipping", sale.shipping[0]],
      ["shipping", "9405536115112062747214"],
      ["chargeback", chargebackId],
      ["chargeback", "CB-77"],
      ["chargeback", "ARN-77"],
      ["chargeback", txn.gateway_transaction_id],
      ["fraud_detection", fraudId],
      ["fraud_detection", "tp-9"],
      ["fraud_detection", "FD-9"],
    ];
    for (const [type, value] of lookups) {
      const r = await documentFor(type, value);
      expect(r.status, `${type} ${value}`).toBe(200);
      expect(r.body.sale_id, `${type} ${value}`).toBe(sale.sale_id);
    }
    expect((await documentFor("transaction", "nothing-like-this")).status).toBe(404);
    expect((await documentFor("sale", txn.id)).status).toBe(404);
    expect(await documentFor("sale", SEED_IDS.sale)).toMatchObject({ status: 200, body: { sale_id: SEED_IDS.sale } });
  });
});

describe("document field filters", () => {
  const doc = async (filters: string[]) => {
    const r = await documentFor("sale", sale.sale_id, filters);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.document_json;
  };

  it("-section removes a section; section keeps only the named sections", async () => {
    const without = await doc(["-api_call", "-campaign"]);
    expect(Object.keys(without).sort()).toEqual(SECTIONS.filter((s) => s !== "api_call" && s !== "campaign"));
    expect(Object.keys(await doc(["api_call"]))).toEqual(["api_call"]);
  });

  it("section.field keeps only that field; -section.field removes it", async () => {
    const d = await doc(["-api_call", "transactions.amount"]);
    expect(d.transactions).toEqual([{ amount: txn.amount }]);
    expect(d.customer.email).toBe(sale.customer.email);
    expect("api_call" in d).toBe(false);
    const noName = await doc(["-products.name"]);
    expect(noName.products).toHaveLength(2);
    for (const p of noName.products) expect(p).not.toHaveProperty("name");
    expect(noName.products[0]).toHaveProperty("sku");
    expect((await doc(["customer.email", "customer.zip"])).customer).toEqual({
      email: sale.customer.email,
      zip: "10001",
    });
  });

  it("section.field=value keeps matching list items (any of the values); -section.field=value drops them", async () => {
    expect((await doc(["products.sku=SHIRT-001"])).products.map((p: any) => p.sku)).toEqual(["SHIRT-001"]);
    expect((await doc(["products.sku=SHIRT-001", "products.sku=MUG-001"])).products).toHaveLength(2);
    expect((await doc(["-products.sku=SHIRT-001"])).products.map((p: any) => p.sku)).toEqual(["MUG-001"]);
    const d = await doc([
      `transactions.gateway_id=${txn.gateway_id}`,
      "transactions.amount",
      "transactions.gateway_transaction_id",
    ]);
    expect(d.transactions).toEqual([{ amount: txn.amount, gateway_transaction_id: txn.gateway_transaction_id }]);
    expect((await doc(["transactions.gateway_id=abc123"])).transactions).toEqual([]);
  });

  it("rejects a filter naming no section", async () => {
    expect400(await documentFor("sale", sale.sale_id, ["-no_such_section"]), "no_such_section");
  });
});
