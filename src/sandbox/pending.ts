// Pending sales (stored, not charged: CreatePendingSale, UpdatePendingSale, ProcessPendingSale) and
// EstimateSale (priced, nothing stored).
import { cardOf, createCard } from "./cards.js";
import type { ActionHook, CreateHook, EditHook } from "./custom-types.js";
import { saleCustomer } from "./customers.js";
import { link } from "./links.js";
import { amountFields, round2 } from "./money.js";
import { priceSale, type PricedSale } from "./pricing.js";
import { campaignOf } from "./relations.js";
import { invalidState, notFound } from "./responses.js";
import { isRecord } from "./schema.js";
import { nestedCustomer } from "./shapes.js";
import type { Item, Store } from "./store.js";
import { chargeSale, requestCardNumber } from "./sales.js";

const LISTS = ["product", "shipping", "tax", "discount", "coupon"] as const;
const SCALARS = [
  "ship_to",
  "bill_to",
  "payment_type",
  "iso_currency",
  "ip_address",
  "internal_sale_id",
  "third_party_shop",
  "payment_profile",
  "gateway",
];

const records = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord) : []);

/** The parts of a sale request a pending sale keeps until it is processed. */
function requestOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...LISTS, ...SCALARS]) if (body[k] !== undefined) out[k] = body[k];
  return out;
}

/** Applies an update to a stored request, following pending_options.exists_options (default replace). */
function mergeRequest(stored: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const options =
    isRecord(body.pending_options) && isRecord(body.pending_options.exists_options)
      ? body.pending_options.exists_options
      : {};
  const out = { ...stored };
  for (const k of SCALARS) if (body[k] !== undefined) out[k] = body[k];
  for (const k of LISTS) {
    if (body[k] === undefined) continue;
    const old = records(stored[k]);
    const given = records(body[k]);
    const mode = typeof options[k] === "string" ? options[k] : "replace";
    const sameId = (a: Record<string, unknown>, list: Record<string, unknown>[]) => list.find((b) => b.id === a.id);
    if (mode === "skip") out[k] = old.length ? old : given;
    else if (mode === "merge_replace") out[k] = [...old.filter((o) => !sameId(o, given)), ...given];
    else if (mode === "merge_skip") out[k] = [...old, ...given.filter((g) => !sameId(g, old))];
    else if (mode === "merge_combine") {
      out[k] = [
        ...old.map((o) => {
          const g = sameId(o, given);
          return g
            ? {
                ...o,
                quantity:
                  (typeof o.quantity === "number" ? o.quantity : 1) + (typeof g.quantity === "number" ? g.quantity : 1),
              }
            : o;
        }),
        ...given.filter((g) => !sameId(g, old)),
      ];
    } else out[k] = given;
  }
  return out;
}

function pricedFields(priced: PricedSale): Record<string, unknown> {
  return {
    products: priced.lines.map((l) => ({
      product_id: l.product.id,
      name: l.product.name,
      sku: l.product.sku,
      price: l.price,
      quantity: l.quantity,
    })),
    amount: priced.chargeNow,
    ...amountFields(priced.original, priced.discounted, 0, 0),
  };
}

const requirePending = (sale: Item, verb: "update" | "process") => {
  if (String(sale.status).toLowerCase() === "pending") return;
  const already = sale.processed_date_unix !== undefined ? " (it was already processed)" : "";
  throw invalidState(
    `Cannot ${verb} sale ${sale.id}: its status is ${String(sale.status)}${already}; only pending sales can be ${verb === "update" ? "updated" : "processed"}.`,
  );
};

const v1Reply = (sale: Item) => ({
  sale_id: sale.id,
  customer_id: sale.customer_id,
  unique_request_id: sale.unique_request_id,
  amount: sale.amount,
  payment_type: sale.payment_type,
});

export const createPendingSale: CreateHook = ({ store, body, raw, now, newId }) => {
  const request = requestOf(body);
  const priced = priceSale(store, request, now, { strictCoupons: true });
  const number = requestCardNumber(raw);
  const { customer } = saleCustomer(store, body, now, newId);
  const card = number ? createCard(store, customer.id, cardOf(raw)!, now, newId("customer_cards")) : undefined;
  const id = newId("sales");
  const sale = store.collection("sales").insert({
    id,
    created_date_unix: now,
    updated_date_unix: now,
    customer: nestedCustomer(customer),
    customer_id: customer.id,
    ...campaignOf(store, body.campaign),
    iso_currency: typeof body.iso_currency === "string" ? body.iso_currency : "USD",
    status: "Pending",
    is_pending: true,
    payment_type: body.payment_type ?? "credit_card",
    ...(card ? { customer_card_id: card.id } : {}),
    ...pricedFields(priced),
    void: false,
    transactions: [],
    product_sales: [],
    shipping: [],
    tax: [],
    discounts: [],
    subscriptions: [],
    trials: [],
    pending_refunds: [],
    chargebacks: [],
    fraud_detections: [],
    notes: [],
    metadata: Array.isArray(body.metadata) ? body.metadata : [],
    unique_request_id: typeof body.unique_request_id === "string" ? body.unique_request_id : id,
    pending_request: request,
  });
  link(store, "customers", customer.id, "sales", id);
  return { ...sale, ...v1Reply(sale) };
};

function update(
  store: Store,
  sale: Item,
  body: Record<string, unknown>,
  raw: Record<string, unknown>,
  now: number,
  newId: (c: string) => string,
): Item {
  const request = mergeRequest(isRecord(sale.pending_request) ? sale.pending_request : {}, body);
  const priced = priceSale(store, request, now, { strictCoupons: true });
  const number = requestCardNumber(raw);
  const customerId =
    typeof body.customer_id === "string" ? saleCustomer(store, body, now, newId).customer.id : String(sale.customer_id);
  const card = number ? createCard(store, customerId, cardOf(raw)!, now, newId("customer_cards")) : undefined;
  const customer = store.collection("customers").get(customerId);
  return store.collection("sales").update(sale.id, {
    ...pricedFields(priced),
    pending_request: request,
    updated_date_unix: now,
    ...(customer ? { customer_id: customer.id, customer: nestedCustomer(customer) } : {}),
    ...(card ? { customer_card_id: card.id } : {}),
    ...(body.campaign !== undefined ? campaignOf(store, body.campaign) : {}),
    ...(Array.isArray(body.metadata) ? { metadata: body.metadata } : {}),
  })!;
}

export const updatePendingSale: EditHook = ({ store, item, body, raw, now, newId }) => {
  requirePending(item, "update");
  const sale = update(store, item, body, raw ?? {}, now, newId);
  return { item: sale, extra: v1Reply(sale) };
};

export const processPendingSale: ActionHook = ({ store, item, body, raw, now, newId }) => {
  requirePending(item, "process");
  const sale = update(store, item, body, raw ?? {}, now, newId);
  const request = isRecord(sale.pending_request) ? sale.pending_request : {};
  const reply = chargeSale({
    store,
    now,
    newId,
    raw: raw ?? {},
    pending: sale,
    body: {
      ...request,
      campaign: sale.campaign_id,
      customer_id: sale.customer_id,
      metadata: sale.metadata,
      unique_request_id: sale.unique_request_id,
    },
  });
  return { item: store.collection("sales").get(sale.id), extra: reply };
};

export const estimateSale: CreateHook = ({ store, body, now }) => {
  let request = requestOf(body);
  if (typeof body.sale_id === "string") {
    const sale = store.collection("sales").get(body.sale_id);
    if (!sale) throw notFound();
    request = mergeRequest(
      isRecord(sale.pending_request)
        ? sale.pending_request
        : {
            product: (sale.products as unknown[] | undefined)?.map((p) =>
              isRecord(p) ? { id: p.product_id, price: p.price, quantity: p.quantity } : p,
            ),
          },
      body,
    );
  }
  const p = priceSale(store, request, now, { strictCoupons: false });
  const total = p.original - p.discounted;
  return {
    products: p.lines.map((l) => ({
      id: l.product.id,
      name: l.product.name,
      sku: l.product.sku,
      quantity: l.quantity,
      price: l.price,
      total_amount: l.total,
      is_trial: l.trialDays > 0,
      trial_days: l.trialDays,
      discount_amount: l.discount,
      total_amount_with_discount: round2(l.total - l.discount),
    })),
    shipping: p.shipping,
    tax: p.tax,
    discounts: p.discounts,
    coupons: {
      valid: p.discounts.filter((d) => d.coupon_code).map((d) => d.coupon_code),
      invalid: p.invalidCoupons.map((coupon_code) => ({ coupon_code, errors: ["Coupon code invalid."] })),
    },
    totals: {
      amount_total: round2(total),
      amount_bill_now: p.chargeNow,
      amount_bill_later: p.remaining,
      products: { amount_total: p.subtotal },
      shipping: { amount_total: p.shippingTotal },
      tax: { amount_total: p.taxTotal },
      discount: { amount_total: p.discounted },
    },
    amount_products: p.subtotal,
    amount_discounted: p.discounted,
    amount_shipping: p.shippingTotal,
    amount_tax: p.taxTotal,
    amount_total: round2(total),
    amount_bill_now: p.chargeNow,
    iso_currency: typeof body.iso_currency === "string" ? body.iso_currency : "USD",
  };
};
