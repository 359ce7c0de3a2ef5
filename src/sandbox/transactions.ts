// Card transactions created by charges (sales, pending sales, renewals, trial expiries): only the
// fields of the official GetTransactions item schema. Failed charges are stored too, and turn into
// the documented 402 bodies (codes 2, 3, 4).
import { cardSnapshot } from "./cards.js";
import { link } from "./links.js";
import { feeOf, round2 } from "./money.js";
import { paymentFailed, type ApiError } from "./responses.js";
import { seedIdFor } from "./seed-ids.js";
import { nestedCustomer } from "./shapes.js";
import type { Item, Store } from "./store.js";
import type { CardOutcome } from "./test-cards.js";

export type ChargeOutcome = Exclude<CardOutcome, "fraud">;

const GATEWAY = {
  user_gateway: { id: seedIdFor("user_gateway_id", 0), name: "User Gateway 1" },
  site_gateway: { id: seedIdFor("site_gateway_id", 0), name: "Site Gateway 1" },
};

const RESULTS: Record<ChargeOutcome, { code: number; result: string; phrase: string; response: string }> = {
  approved: { code: 1, result: "Approved", phrase: "SUCCESS", response: "1" },
  declined: { code: 2, result: "Declined", phrase: "Insufficient funds", response: "2" },
  gateway_error: { code: 3, result: "Merchant Error", phrase: "Processor unavailable", response: "3" },
  held: { code: 4, result: "Held", phrase: "Transaction held for review", response: "4" },
};

/** Id lists a transaction may carry (official schema names). */
export type TxnLinks = Partial<
  Record<
    "sales" | "product_sales" | "shipping" | "tax" | "discounts" | "trials" | "subscriptions" | "subscription_renewals",
    string[]
  >
>;

export interface TxnInput {
  id: string;
  now: number;
  customer: Item;
  card?: Item;
  campaign: { id?: unknown; name?: unknown };
  amount: number;
  outcome: ChargeOutcome;
  /** Money of the sale still to be charged later (trials). */
  remaining?: number;
  requestType: string;
  requestMethod: string;
  saleInitial?: boolean;
  isSubscription?: boolean;
  isRenewal?: boolean;
  links?: TxnLinks;
  metadata?: unknown[];
  isoCurrency?: string;
}

/** Digits derived from an id, so gateway ids are as deterministic as the ids themselves. */
function digitsFrom(id: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += String((id.charCodeAt(i % id.length) * (i + 7)) % 10);
  return out;
}

/** Builds, stores and links (to its customer) a transaction; returns it. */
export function recordTransaction(store: Store, t: TxnInput): Item {
  const r = RESULTS[t.outcome];
  const approved = t.outcome === "approved";
  const amount = round2(t.amount);
  const gross = approved ? amount : 0;
  const fees = approved ? feeOf(amount) : 0;
  const gatewayTxn = digitsFrom(t.id, 10);
  const raw = {
    response: r.response,
    responsetext: r.phrase,
    authcode: approved ? digitsFrom(t.id, 6) : " ",
    transactionid: gatewayTxn,
    avsresponse: "Y",
    cvvresponse: "M",
  };
  const links = t.links ?? {};
  const item: Item = {
    id: t.id,
    created_date_unix: t.now,
    updated_date_unix: t.now,
    amount,
    amount_original_total: amount,
    amount_total: amount,
    amount_gross: gross,
    amount_net: round2(gross - fees),
    amount_fees: fees,
    amount_captured: gross,
    amount_settled: 0,
    amount_remaining: round2(t.remaining ?? 0),
    amount_refunded: 0,
    approved,
    declined: t.outcome === "declined",
    error: t.outcome === "gateway_error",
    held: t.outcome === "held",
    captured: approved,
    settled: false,
    void: false,
    code: r.code,
    result: r.result,
    ...(typeof t.campaign.id === "string" ? { campaign_id: t.campaign.id } : {}),
    ...(typeof t.campaign.name === "string" ? { campaign_name: t.campaign.name } : {}),
    customer: nestedCustomer(t.customer),
    ...(t.card ? { customer_card: cardSnapshot(t.card) } : {}),
    gateway_auth_code: approved ? raw.authcode : "",
    gateway_avs_result_code: "Y",
    gateway_cvv_result_code: "M",
    gateway_cavv_result_code: "",
    gateway_details: GATEWAY,
    gateway_id: GATEWAY.user_gateway.id,
    gateway_name: GATEWAY.user_gateway.name,
    gateway_raw_response: JSON.stringify(raw),
    gateway_result_phrase: r.phrase,
    gateway_transaction_id: gatewayTxn,
    has_salvage: false,
    is_payment_profile: false,
    is_refund: false,
    is_salvage: false,
    is_subscription: t.isSubscription ?? false,
    is_subscription_renewal: t.isRenewal ?? false,
    iso_currency: t.isoCurrency ?? "USD",
    live_mode: false,
    merchant_account_id: "sandbox-merchant-1",
    request_type: t.requestType,
    request_method: t.requestMethod,
    sale_initial: t.saleInitial ?? false,
    metadata: t.metadata ?? [],
    sales: links.sales ?? [],
    product_sales: links.product_sales ?? [],
    shipping: links.shipping ?? [],
    tax: links.tax ?? [],
    discounts: links.discounts ?? [],
    trials: links.trials ?? [],
    subscriptions: links.subscriptions ?? [],
    subscription_renewals: links.subscription_renewals ?? [],
    chargebacks: [],
    pending_refunds: [],
    fraud_detections: [],
  };
  store.collection("transactions").insert(item);
  link(store, "customers", t.customer.id, "transactions", t.id);
  return item;
}

/** The documented 402 body for a failed (stored) transaction. */
export function chargeFailure(txn: Item, extra: Record<string, unknown> = {}): ApiError {
  const raw = JSON.parse(String(txn.gateway_raw_response)) as Record<string, unknown>;
  const code = Number(txn.code);
  const text =
    code === 2
      ? ["The gateway declined the transaction.", "Declined."]
      : code === 3
        ? ["The gateway returned an error.", "Merchant Error."]
        : ["The gateway held the transaction.", "Held."];
  return paymentFailed({
    code,
    message: text[0]!,
    gateway_raw_response: raw,
    transaction_id: txn.id,
    ...extra,
    result: text[1]!,
  });
}
