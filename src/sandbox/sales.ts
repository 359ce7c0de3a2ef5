// CreateSale (and the charge of ProcessPendingSale): finds or creates the customer, screens for
// fraud, charges the card (test cards decide the outcome), then records the sale, its transaction,
// product sales, shipping, tax, discounts, subscriptions and trials, all cross-linked.
import { cardOf, createCard, defaultCard } from "./cards.js";
import type { CreateHook } from "./custom-types.js";
import { saleCustomer } from "./customers.js";
import { fraudFailure, recordFraudDetection } from "./fraud.js";
import { idsOf, link } from "./links.js";
import { amountFields, num, round2 } from "./money.js";
import { DAY_SECONDS } from "../operations/operation.js";
import { priceSale, type PricedLine } from "./pricing.js";
import { campaignOf } from "./relations.js";
import { badRequest } from "./responses.js";
import { isRecord } from "./schema.js";
import { nestedCustomer } from "./shapes.js";
import type { Item, Store } from "./store.js";
import { FRAUD_EMAIL, luhnValid, outcomeOfNumber, outcomeOfStored } from "./test-cards.js";
import { chargeFailure, recordTransaction } from "./transactions.js";

export interface ChargeInput {
  store: Store;
  now: number;
  newId: (collection: string) => string;
  callId?: string;
  /** The sale request without secrets (for a pending sale: its stored request merged with the body). */
  body: Record<string, unknown>;
  /** The request as received, for the card number. */
  raw: Record<string, unknown>;
  /** The pending sale being processed. */
  pending?: Item;
}

const itemFee = (captured: number) => round2(captured * 0.029);
const productRef = (p: Item) => ({ id: p.id, name: p.name, sku: p.sku, internal_id: p.internal_id });
const pick = (item: Item, fields: string[]) =>
  Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]]));
const AMOUNTS = [
  "amount_original_total",
  "amount_discounted",
  "amount_total",
  "amount_captured",
  "amount_remaining",
  "amount_refunded",
  "amount_gross",
  "amount_fees",
  "amount_net",
];

/** The card number of the request, checked (400 when it fails the Luhn check). */
export function requestCardNumber(raw: Record<string, unknown>): string | undefined {
  const card = cardOf(raw);
  if (typeof card?.card_number !== "string") return undefined;
  if (!luhnValid(card.card_number))
    throw badRequest("credit_card.card_number is not a valid card number", "E_INVALID_CARD");
  return card.card_number;
}

export function chargeSale(input: ChargeInput): Record<string, unknown> {
  const { store, now, newId, body, raw, pending } = input;
  const priced = priceSale(store, body, now, { strictCoupons: true });
  const number = requestCardNumber(raw);
  const campaign = { ...campaignOf(store, body.campaign) };
  const { customer } = saleCustomer(store, body, now, newId);
  const card = number
    ? createCard(store, customer.id, cardOf(raw)!, now, newId("customer_cards"))
    : ((typeof pending?.customer_card_id === "string"
        ? store.collection("customer_cards").get(pending.customer_card_id)
        : undefined) ?? defaultCard(store, customer.id));
  const details = [body.customer, body.bill_to].find(isRecord);
  const emails = [customer.email, details?.email].map((e) => String(e ?? "").toLowerCase());
  if (customer.blocked === true) throw fraudFailure([], customer.id);
  const outcome = number ? outcomeOfNumber(number) : card ? outcomeOfStored(card.first_6, card.last_4) : "approved";
  if (outcome === "fraud" || emails.includes(FRAUD_EMAIL)) {
    const id = newId("fraud_detections");
    recordFraudDetection({ store, id, now, customer, sourceId: "sentinel" });
    store.collection("customers").update(customer.id, { blocked: true, updated_date_unix: now });
    throw fraudFailure([id], customer.id);
  }
  const saleId = pending?.id ?? newId("sales");
  const txnId = newId("transactions");
  const base = {
    customer,
    ...(card ? { card } : {}),
    campaign: { id: campaign.campaign_id, name: campaign.campaign_name },
    requestType: "sale",
    requestMethod: pending ? "process" : "create",
  };
  if (outcome !== "approved") {
    const txn = recordTransaction(store, {
      ...base,
      id: txnId,
      now,
      amount: priced.chargeNow,
      outcome,
      links: { sales: pending ? [saleId] : [] },
    });
    if (pending) link(store, "sales", saleId, "transactions", txnId);
    throw chargeFailure(txn, { customer_id: customer.id, ...(pending ? { sale_id: saleId } : {}) });
  }

  const common = {
    customer: nestedCustomer(customer),
    customer_id: customer.id,
    ...campaign,
    iso_currency: typeof body.iso_currency === "string" ? body.iso_currency : "USD",
  };
  const owned = (id: string, txns: string[]) => ({
    id,
    created_date_unix: now,
    updated_date_unix: now,
    ...common,
    sale_id: saleId,
    sales: [saleId],
    transactions: txns,
    pending_refunds: [],
    metadata: [],
  });
  const ids = (collection: string, n: number) => Array.from({ length: n }, () => newId(collection));
  const lines = priced.lines.map((line) => ({
    line,
    ps: newId("product_sales"),
    trial: line.trialDays > 0 ? newId("trials") : undefined,
    sub: line.subscription ? newId("subscriptions") : undefined,
  }));
  const shipIds = ids("shipping", priced.shipping.length);
  const taxIds = ids("tax", priced.tax.length);
  const discountIds = ids("discounts", priced.discounts.length);

  const productSales = lines.map(({ line, ps, trial, sub }) => {
    const captured = trial ? 0 : round2(line.total - line.discount);
    return store.collection("product_sales").insert({
      ...owned(ps, trial ? [] : [txnId]),
      product: productRef(line.product),
      product_id: line.product.id,
      price: line.price,
      quantity: line.quantity,
      ...amountFields(line.total, line.discount, captured, itemFee(captured)),
      void: false,
      is_trial: !!trial,
      subscription: sub ? { id: sub } : null,
      trial: trial ? { id: trial } : null,
      ...(sub ? { subscription_id: sub } : {}),
      ...(trial ? { trial_id: trial } : {}),
    });
  });
  const shipping = priced.shipping.map((s, i) =>
    store.collection("shipping").insert({
      ...owned(shipIds[i]!, [txnId]),
      ...s,
      name: s.name ?? "Shipping",
      ...amountFields(num(s.amount), 0, num(s.amount), itemFee(num(s.amount))),
      provider_tracking: s.provider_tracking ?? "",
      status: "Pending",
      void: false,
      products: lines
        .filter((l) => l.line.shippable)
        .map(({ line }) => ({
          product_id: line.product.id,
          name: line.product.name,
          sku: line.product.sku,
          quantity: line.quantity,
        })),
      ship_to: isRecord(body.ship_to)
        ? body.ship_to
        : pick(customer, [
            "first_name",
            "last_name",
            "address_line_1",
            "address_line_2",
            "city",
            "state",
            "zip",
            "country",
          ]),
    }),
  );
  const tax = priced.tax.map((t, i) =>
    store.collection("tax").insert({
      ...owned(taxIds[i]!, [txnId]),
      ...t,
      name: t.name ?? "Tax",
      ...amountFields(num(t.amount), 0, num(t.amount), itemFee(num(t.amount))),
      void: false,
    }),
  );
  const discounts = priced.discounts.map((d, i) =>
    store.collection("discounts").insert({ ...owned(discountIds[i]!, [txnId]), ...d }),
  );
  const trials = lines
    .filter((l) => l.trial)
    .map(({ line, ps, trial, sub }) =>
      store.collection("trials").insert({
        ...owned(trial!, []),
        product: productRef(line.product),
        product_id: line.product.id,
        product_sale_id: ps,
        amount: round2(line.total - line.discount),
        num_days: line.trialDays,
        start_date_unix: now,
        end_date_unix: now + line.trialDays * DAY_SECONDS,
        status: "Active",
        ...(sub ? { subscription_id: sub } : {}),
      }),
    );
  const subscriptions = lines
    .filter((l) => l.sub)
    .map(({ line, ps, trial, sub }) => subscription(store, owned(sub!, trial ? [] : [txnId]), line, ps, trial, now));

  const txn = recordTransaction(store, {
    ...base,
    id: txnId,
    now,
    amount: priced.chargeNow,
    outcome,
    remaining: priced.remaining,
    saleInitial: true,
    isSubscription: subscriptions.length > 0,
    metadata: Array.isArray(body.metadata) ? body.metadata : [],
    ...(typeof body.iso_currency === "string" ? { isoCurrency: body.iso_currency } : {}),
    links: {
      sales: [saleId],
      product_sales: productSales.filter((p) => p.is_trial !== true).map((p) => p.id),
      shipping: shipIds,
      tax: taxIds,
      discounts: discountIds,
      trials: trials.map((t) => t.id),
      subscriptions: subscriptions.map((s) => s.id),
    },
  });
  const saleFields: Item = {
    id: saleId,
    created_date_unix: pending?.created_date_unix ?? now,
    updated_date_unix: now,
    ...common,
    status: "Fully Captured",
    is_pending: false,
    payment_type: body.payment_type ?? "credit_card",
    ...(card ? { customer_card_id: card.id } : {}),
    products: priced.lines.map((l) => ({
      product_id: l.product.id,
      name: l.product.name,
      sku: l.product.sku,
      price: l.price,
      quantity: l.quantity,
    })),
    amount: priced.chargeNow,
    ...amountFields(priced.original, priced.discounted, priced.chargeNow, num(txn.amount_fees)),
    void: false,
    transactions: [...idsOf(pending, "transactions"), txnId],
    product_sales: productSales.map((p) => p.id),
    shipping: shipIds,
    tax: taxIds,
    discounts: discountIds,
    subscriptions: subscriptions.map((s) => s.id),
    trials: trials.map((t) => t.id),
    pending_refunds: [],
    chargebacks: [],
    fraud_detections: [],
    notes: idsOf(pending, "notes"),
    metadata: Array.isArray(body.metadata) ? body.metadata : [],
    unique_request_id: body.unique_request_id ?? pending?.unique_request_id ?? saleId,
    ...(input.callId ? { origin_api_call_id: input.callId } : {}),
    ...pick(body as Item, [
      "internal_sale_id",
      "ip_address",
      "ship_to",
      "bill_to",
      "third_party_shop",
      "payment_profile",
      "gateway",
    ]),
    ...(pending ? { processed_date_unix: now } : {}),
  };
  const sale = pending ? store.collection("sales").replace(saleFields) : store.collection("sales").insert(saleFields);
  link(store, "customers", customer.id, "sales", saleId);
  for (const [field, list] of [
    ["subscriptions", subscriptions],
    ["trials", trials],
    ["shipping", shipping],
  ] as const)
    for (const x of list) link(store, "customers", customer.id, field, x.id);

  return {
    ...sale,
    sale_id: saleId,
    customer_id: customer.id,
    transaction_id: txnId,
    ...(card ? { customer_card_id: card.id, card_id: card.id } : {}),
    product_sale_created: productSales.map((p) => ({
      ...pick(p, ["id", "price", "quantity", "product", "subscription", "trial", ...AMOUNTS]),
    })),
    shipping_created: shipping.map((s) =>
      pick(s, ["id", "name", "provider", "provider_method", "provider_tracking", ...AMOUNTS]),
    ),
    tax_created: tax.map((t) => pick(t, ["id", "name", "description", "rate", ...AMOUNTS])),
    discount_created: discounts.map((d) =>
      pick(d, ["id", "name", "discount_type", "discount_value", "amount", "coupon_code"]),
    ),
    subscription_created: subscriptions.map((s) => ({
      ...pick(s, ["id", "start_date_unix", "next_renewal_date_unix", "product"]),
      product_sale: { id: s.product_sale_id },
      trial: s.trial_id ? { id: s.trial_id } : null,
    })),
    trial_created: trials.map((t) => ({
      ...pick(t, ["id", "num_days", "end_date_unix", "product"]),
      product_sale: { id: t.product_sale_id },
      subscription: t.subscription_id ? { id: t.subscription_id } : null,
    })),
  };
}

function subscription(
  store: Store,
  base: Item,
  line: PricedLine,
  ps: string,
  trial: string | undefined,
  now: number,
): Item {
  const interval = num(line.product.renewal_interval_days, 30);
  const start = trial ? now + line.trialDays * DAY_SECONDS : now;
  return store.collection("subscriptions").insert({
    ...base,
    product: { id: line.product.id, name: line.product.name, sku: line.product.sku },
    product_id: line.product.id,
    product_sale_id: ps,
    amount: line.total,
    status: "Active",
    start_date_unix: start,
    renewal_interval_days: interval,
    renewal_count: 0,
    next_renewal_date_unix: trial ? start : now + interval * DAY_SECONDS,
    ...(trial ? { trial_id: trial } : {}),
    subscription_renewals: [],
  });
}

export const createSale: CreateHook = ({ store, body, raw, now, newId, call }) =>
  chargeSale({ store, body, raw, now, newId, callId: call.api_call_id });
