// Fraud detections: recorded when a sale is refused as fraud (402 code 5), or created by
// CreateFraudDetection from a sale, transaction or gateway transaction id; with void_sale the sale
// is voided, its card barred and the customer blocked.
import type { CreateHook } from "./custom-types.js";
import { customerIdOf, idsOf, link, saleIdOf } from "./links.js";
import { num } from "./money.js";
import { badRequest, notFound, paymentFailed, type ApiError } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";
import { voidSale } from "./void.js";

export interface FraudInput {
  store: Store;
  id: string;
  now: number;
  customer: Item;
  sale?: Item;
  transaction?: Item;
  /** What the detection was created from: a sale/transaction id, or "sentinel" for a refused sale. */
  sourceId: string;
  fields?: Record<string, unknown>;
}

export function recordFraudDetection(f: FraudInput): Item {
  const sentinel = f.sourceId === "sentinel";
  const item = f.store.collection("fraud_detections").insert({
    id: f.id,
    created_date_unix: f.now,
    updated_date_unix: f.now,
    customer: {
      id: f.customer.id,
      first_name: f.customer.first_name,
      last_name: f.customer.last_name,
      email: f.customer.email,
    },
    customer_id: f.customer.id,
    ...(typeof f.customer.campaign_id === "string"
      ? { campaign_id: f.customer.campaign_id, campaign_name: f.customer.campaign_name }
      : {}),
    source_id: f.sourceId,
    is_sentinel: sentinel,
    false_positive: false,
    ...(f.sale ? { sale_id: f.sale.id, sales: [f.sale.id] } : { sales: [] }),
    ...(f.transaction
      ? {
          transaction_id: f.transaction.id,
          transactions: [f.transaction.id],
          gateway_transaction_id: f.transaction.gateway_transaction_id,
        }
      : { transactions: [] }),
    amount: num(f.transaction?.amount, num(f.sale?.amount_captured)),
    arn: "",
    case_number: "",
    event_date: "",
    fraud_detection_date: "",
    third_party_integration_id: "",
    third_party_fraud_detection_id: "",
    third_party_order_id: "",
    void_sale: false,
    flag_similar_sale: false,
    metadata: [],
    ...(f.fields ?? {}),
  });
  link(f.store, "customers", f.customer.id, "fraud_detections", f.id);
  if (f.sale) link(f.store, "sales", f.sale.id, "fraud_detections", f.id);
  if (f.transaction) link(f.store, "transactions", f.transaction.id, "fraud_detections", f.id);
  return item;
}

/** The 402 code 5 body; `created` is empty when a blocked customer tries again. */
export function fraudFailure(created: string[], customerId: string): ApiError {
  const response = {
    code: 5,
    message: "Fraud detected. Payment not processed.",
    fraud_detected: true,
    fraud_detection_created: created,
    fraud_detection_request: { third_party: { name: "Sentinel" }, is_sentinel: true },
  };
  return paymentFailed({
    code: 5,
    message: "Payment not processed.",
    fraud_detected: true,
    fraud_detection_created: created,
    fraud_detection_response: response,
    customer_id: customerId,
    result: "Payment request failed.",
  });
}

/** The sale and transaction a source_id names: a sale, transaction or gateway transaction id. */
function resolveSource(store: Store, sourceId: string): { sale?: Item; transaction?: Item } {
  const sale = store.collection("sales").get(sourceId);
  if (sale) return { sale, transaction: store.collection("transactions").get(idsOf(sale, "transactions")[0] ?? "") };
  const txns = store.collection("transactions");
  const transaction = txns.get(sourceId) ?? txns.find((t) => t.gateway_transaction_id === sourceId);
  if (!transaction) throw notFound(`No sale or transaction matches source_id "${sourceId}".`);
  const saleId = saleIdOf(transaction);
  return { transaction, ...(saleId ? { sale: store.collection("sales").get(saleId) } : {}) };
}

export const createFraudDetection: CreateHook = ({ store, body, now, newId }) => {
  if (typeof body.source_id !== "string" || !body.source_id)
    throw badRequest("Missing required parameter: source_id", "E_MISSING_PARAMETER");
  const { sale, transaction } = resolveSource(store, body.source_id);
  const customerId = customerIdOf(sale) ?? customerIdOf(transaction);
  const customer = store.collection("customers").get(customerId ?? "");
  if (!customer) throw notFound();
  const { idempotency_key: _k, ...fields } = body;
  const id = newId("fraud_detections");
  const detection = recordFraudDetection({
    store,
    id,
    now,
    customer,
    sourceId: body.source_id,
    fields,
    ...(sale ? { sale } : {}),
    ...(transaction ? { transaction } : {}),
  });
  let voided: Record<string, unknown> = {};
  if (body.void_sale === true) {
    if (sale && sale.void !== true) voided = voidSale({ store, now, newId }, sale).extra;
    store.collection("customers").update(customer.id, { blocked: true, updated_date_unix: now });
    const cardId = isRecord(transaction?.customer_card) ? transaction.customer_card.id : undefined;
    if (typeof cardId === "string")
      store.collection("customer_cards").update(cardId, { enabled: false, blocked: true, updated_date_unix: now });
  }
  return {
    ...detection,
    fraud_detection_id: id,
    amount: detection.amount,
    customer_id: customer.id,
    ...(sale ? { sale_id: sale.id } : {}),
    ...(transaction ? { transaction_id: transaction.id } : {}),
    customer_blocked: body.void_sale === true,
    ...voided,
  };
};
