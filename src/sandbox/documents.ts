// CreateChargebackDocument (003): finds the originating sale from item_type + item_value and
// returns the sale document (customer, transactions, products, shipping, tax, refunds, notes,
// metadata, chargebacks, fraud detections, ...) as document_json, filtered, with a zip_url.
import type { CreateHook } from "./custom-types.js";
import { filterDocument } from "./document-filter.js";
import { customerIdOf, idsOf, saleIdOf } from "./links.js";
import { num } from "./money.js";
import { badRequest, notFound } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";
import { DAY_SECONDS } from "../operations/operation.js";

/** Where each item_type looks for item_value: the collection and the fields searched. */
const SEARCH: Record<string, { collection: string; fields: string[] }> = {
  sale: { collection: "sales", fields: ["id"] },
  transaction: { collection: "transactions", fields: ["id", "gateway_transaction_id"] },
  shipping: { collection: "shipping", fields: ["id", "provider_tracking"] },
  fraud_detection: {
    collection: "fraud_detections",
    fields: ["id", "third_party_fraud_detection_id", "case_number", "arn"],
  },
  chargeback: {
    collection: "chargebacks",
    fields: ["id", "gateway_transaction_id", "third_party_chargeback_id", "case_number", "arn"],
  },
};

const iso = (unix: unknown) =>
  typeof unix === "number" ? new Date(unix * 1000).toISOString().replace(".000Z", "+00:00") : null;
const pick = (item: Item, fields: string[]) =>
  Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]]));

function findSale(store: Store, itemType: string, value: string): Item {
  const search = SEARCH[itemType];
  if (!search) throw badRequest(`item_type must be one of: ${Object.keys(SEARCH).join(", ")}`);
  const origin = store.collection(search.collection).find((i) => search.fields.some((f) => i[f] === value));
  const sale = origin && store.collection("sales").get(itemType === "sale" ? origin.id : (saleIdOf(origin) ?? ""));
  if (!sale) throw notFound(`No sale was found for ${itemType} "${value}".`);
  return sale;
}

function related(store: Store, collection: string, sale: Item, field: string): Item[] {
  const listed = idsOf(sale, field)
    .map((id) => store.collection(collection).get(id))
    .filter((x): x is Item => !!x);
  const extra = store
    .collection(collection)
    .all()
    .filter((i) => saleIdOf(i) === sale.id && !listed.some((l) => l.id === i.id));
  return [...listed, ...extra];
}

function saleDocument(store: Store, sale: Item): Record<string, unknown> {
  const customer = store.collection("customers").get(customerIdOf(sale) ?? "");
  const productSales = related(store, "product_sales", sale, "product_sales");
  const products = productSales.length
    ? productSales.map((p) => ({
        ...(isRecord(p.product) ? p.product : {}),
        product_sale_id: p.id,
        price: p.price,
        quantity: p.quantity,
        total_amount: p.amount_original_total,
        amount_refunded: p.amount_refunded,
      }))
    : (Array.isArray(sale.products) ? sale.products.filter(isRecord) : []).map((p) => ({
        id: p.product_id,
        name: p.name,
        sku: p.sku,
        price: p.price,
        quantity: p.quantity,
        total_amount: Math.round(num(p.price) * num(p.quantity, 1) * 100) / 100,
      }));
  const customerId = customer?.id;
  return {
    api_call: { id: sale.origin_api_call_id ?? null, type: "sale", method: "create" },
    campaign: { id: sale.campaign_id ?? null, name: sale.campaign_name ?? null },
    chargebacks: related(store, "chargebacks", sale, "chargebacks").map((c) => ({
      ...pick(c, [
        "id",
        "amount",
        "arn",
        "case_number",
        "reason_code",
        "chargeback_date",
        "received_date",
        "gateway_transaction_id",
        "transaction_id",
        "representment",
      ]),
      created_date: iso(c.created_date_unix),
    })),
    customer: customer
      ? pick(customer, [
          "id",
          "first_name",
          "last_name",
          "company",
          "email",
          "phone",
          "address_line_1",
          "address_line_2",
          "city",
          "state",
          "zip",
          "country",
          "internal_id",
          "blocked",
          "enabled",
        ])
      : null,
    fraud_detections: related(store, "fraud_detections", sale, "fraud_detections").map((f) => ({
      ...pick(f, [
        "id",
        "source_id",
        "amount",
        "arn",
        "case_number",
        "third_party_fraud_detection_id",
        "false_positive",
        "is_sentinel",
      ]),
      created_date: iso(f.created_date_unix),
    })),
    fraud_detection_requests: [],
    iso_currency: sale.iso_currency ?? "USD",
    metadata: Array.isArray(sale.metadata) ? sale.metadata : [],
    notes: store
      .collection("notes")
      .all()
      .filter((n) => (customerId && n.customer_id === customerId) || n.item_id === sale.id)
      .map((n) => ({ ...pick(n, ["id", "text", "item_type", "item_id"]), created_date: iso(n.created_date_unix) })),
    payment_type: {
      name: sale.payment_type === "credit_card" || sale.payment_type === undefined ? "Credit Card" : sale.payment_type,
    },
    products,
    refunds: related(store, "pending_refunds", sale, "pending_refunds").map((r) => ({
      ...pick(r, ["id", "amount", "status", "item_type", "item_id", "transaction_id", "refunded_offsite"]),
      created_date: iso(r.created_date_unix),
    })),
    sale: {
      id: sale.id,
      amount: sale.amount_original_total,
      amount_total: sale.amount_total,
      amount_refunded: sale.amount_refunded,
      status: sale.status,
      created_date: iso(sale.created_date_unix),
      unique_request_id: sale.unique_request_id ?? null,
    },
    shipping: related(store, "shipping", sale, "shipping").map((s) => ({
      ...pick(s, ["id", "amount", "amount_refunded", "provider", "provider_method", "provider_tracking", "ship_to"]),
      created_date: iso(s.created_date_unix),
      shipping_status: s.status,
      is_shipped: /shipped|delivered/i.test(String(s.status)),
      is_delivered: /delivered/i.test(String(s.status)),
      is_free: num(s.amount) === 0,
    })),
    tax: related(store, "tax", sale, "tax").map((t) => ({
      ...pick(t, ["id", "name", "description", "rate", "amount", "amount_refunded"]),
      created_date: iso(t.created_date_unix),
    })),
    tracking_entries: [],
    tracking_visitor: null,
    transactions: related(store, "transactions", sale, "transactions").map((t) => ({
      ...pick(t, [
        "id",
        "amount",
        "amount_refunded",
        "approved",
        "declined",
        "error",
        "held",
        "result",
        "customer_card",
        "gateway_id",
        "gateway_name",
        "gateway_transaction_id",
        "gateway_auth_code",
        "gateway_avs_result_code",
        "gateway_cvv_result_code",
        "gateway_cavv_result_code",
        "gateway_result_phrase",
        "merchant_account_id",
      ]),
      result_code: t.code,
      created_date: iso(t.created_date_unix),
    })),
  };
}

function filtersOf(body: Record<string, unknown>): string[] {
  const f = body.filters;
  const list = Array.isArray(f) ? f : isRecord(f) ? (f.document_field_filter ?? f.document_fields ?? []) : [];
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string"))
    throw badRequest("filters.document_field_filter must be an array of strings");
  return list;
}

export const createDocument: CreateHook = ({ store, body, now, newId, origin }) => {
  const itemType = typeof body.item_type === "string" ? body.item_type : "sale";
  if (typeof body.item_value !== "string" || !body.item_value)
    throw badRequest("Missing required parameter: item_value", "E_MISSING_PARAMETER");
  const sale = findSale(store, itemType, body.item_value);
  const id = newId("documents");
  return {
    id,
    document_id: id,
    document_type: "sale",
    item_type: itemType,
    item_value: body.item_value,
    sale_id: sale.id,
    document_json: filterDocument(saleDocument(store, sale), filtersOf(body)),
    zip_url: `${origin}/documents/${id}.zip`,
    expires_on: iso(now + DAY_SECONDS),
    expires_on_unix: now + DAY_SECONDS,
  };
};
