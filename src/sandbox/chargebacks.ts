// Chargebacks (guide 002): created for a card transaction found by transaction_id or
// gateway_transaction_id, stored flat with the customer's name, email and card first 6 / last 4 so
// SearchChargebacks finds them by any of those; EditChargeback records representment.
import type { CreateHook, Normalizer } from "./custom-types.js";
import { customerIdOf, link, saleIdOf } from "./links.js";
import { num } from "./money.js";
import { refundTransaction } from "./refunds.js";
import { badRequest, notFound } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";

const CONTACT = [
  "first_name",
  "last_name",
  "email",
  "phone",
  "address_line_1",
  "address_line_2",
  "city",
  "state",
  "zip",
];
const DATES = ["chargeback_date", "received_date"];

/** "2020-12-01" or "12/01/2020" -> unix seconds (UTC), else undefined. */
function unixOf(date: unknown): number | undefined {
  if (typeof date !== "string" || !date) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : `${date} UTC`);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function dateFields(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of DATES) {
    const unix = unixOf(body[d]);
    if (unix !== undefined) out[`${d}_unix`] = unix;
  }
  return out;
}

function findTransaction(store: Store, body: Record<string, unknown>): Item {
  const txns = store.collection("transactions");
  const byId = typeof body.transaction_id === "string" ? body.transaction_id : undefined;
  const byGateway = typeof body.gateway_transaction_id === "string" ? body.gateway_transaction_id : undefined;
  if (!byId && !byGateway)
    throw badRequest("Missing required parameter: transaction_id or gateway_transaction_id", "E_MISSING_PARAMETER");
  const txn = byId ? txns.get(byId) : txns.find((t) => t.gateway_transaction_id === byGateway);
  if (!txn)
    throw notFound(
      `No transaction matches ${byId ? `transaction_id "${byId}"` : `gateway_transaction_id "${byGateway}"`}.`,
    );
  return txn;
}

export const createChargeback: CreateHook = ({ store, body, now, newId }) => {
  const txn = findTransaction(store, body);
  const customer = store.collection("customers").get(customerIdOf(txn) ?? "");
  const card = isRecord(txn.customer_card) ? txn.customer_card : {};
  const saleId = saleIdOf(txn);
  const id = newId("chargebacks");
  const { idempotency_key: _k, transaction_id: _t, gateway_transaction_id: _g, ...fields } = body;
  const chargeback = store.collection("chargebacks").insert({
    id,
    created_date_unix: now,
    updated_date_unix: now,
    customer: txn.customer,
    customer_id: customer?.id ?? null,
    ...Object.fromEntries(CONTACT.map((f) => [f, customer?.[f] ?? ""])),
    campaign_id: txn.campaign_id,
    campaign_name: txn.campaign_name,
    iso_currency: txn.iso_currency ?? "USD",
    transaction_id: txn.id,
    transactions: [txn.id],
    sale_id: saleId ?? null,
    sales: saleId ? [saleId] : [],
    transaction_date_unix: txn.created_date_unix,
    gateway_transaction_id: txn.gateway_transaction_id,
    gateway_id: txn.gateway_id,
    gateway: txn.gateway_name,
    merchant_account_id: txn.merchant_account_id,
    card_id: card.id ?? null,
    first_6: card.first_6 ?? "",
    last_4: card.last_4 ?? "",
    amount: num(txn.amount),
    arn: "",
    case_number: "",
    reason_code: "",
    chargeback_date: "",
    received_date: "",
    third_party_integration_id: "",
    third_party_chargeback_id: "",
    third_party_order_id: "",
    void_transaction: false,
    representment: {
      initiated: false,
      initiated_date: null,
      completed: false,
      completed_date: null,
      outcome: "pending",
    },
    metadata: [],
    ...fields,
    ...dateFields(body),
  });
  link(store, "transactions", txn.id, "chargebacks", id);
  if (saleId) link(store, "sales", saleId, "chargebacks", id);
  if (customer) link(store, "customers", customer.id, "chargebacks", id);
  let refund: Record<string, unknown> = {};
  if (body.void_transaction === true) {
    const left = store.collection("transactions").get(txn.id)!;
    if (num(left.amount) - num(left.amount_refunded) > 0)
      refund = refundTransaction({ store, now, newId }, left, undefined).extra;
  }
  return { ...chargeback, chargeback_id: id, ...refund };
};

/** EditChargeback: representment is merged; completing it needs an outcome of won or lost. */
export const chargebackFields: Normalizer = ({ store, body, id, creating, now }) => {
  const out: Record<string, unknown> = { ...body, ...dateFields(body) };
  if (creating || !isRecord(body.representment)) return out;
  const current = store.collection("chargebacks").get(id);
  const merged = { ...(isRecord(current?.representment) ? current.representment : {}), ...body.representment };
  if (merged.completed === true && merged.outcome !== "won" && merged.outcome !== "lost") {
    throw badRequest("representment.outcome must be won or lost when representment.completed is true");
  }
  const today = new Date(now * 1000).toISOString().slice(0, 10);
  if (merged.initiated === true && !merged.initiated_date) merged.initiated_date = today;
  if (merged.completed === true && !merged.completed_date) merged.completed_date = today;
  out.representment = merged;
  return out;
};
