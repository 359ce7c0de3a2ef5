// Refunds: of a product sale, shipment, tax or subscription renewal (the item, its transaction and
// its sale change), or of a whole transaction (spread over the items it paid for). Each refund
// creates a pending refund linked to customer, sale, transaction and the refunded item.
import type { ActionHook } from "./custom-types.js";
import { cancelSubscription, cancelTrial } from "./lifecycle.js";
import { customerIdOf, idsOf, link, saleIdOf } from "./links.js";
import { num, refundableOf, refundedFields, round2 } from "./money.js";
import { badRequest } from "./responses.js";
import type { Item, Store } from "./store.js";

export interface RefundCtx {
  store: Store;
  now: number;
  newId: (collection: string) => string;
}

/** Collections of refundable items, with the singular used in messages and links. */
const REFUNDABLE: Record<string, string> = {
  product_sales: "product_sale",
  shipping: "shipping",
  tax: "tax",
  subscription_renewals: "subscription_renewal",
};
/** The items a transaction paid for, in the order a transaction refund is spread over them. */
const PAID_ITEMS = ["product_sales", "shipping", "tax", "subscription_renewals"] as const;

const label = (type: string) => type.replace(/_/g, " ");

/** The amount to refund: `asked` or everything left; 400 when nothing is left or too much is asked. */
function refundAmount(type: string, refundable: number, asked: unknown): number {
  if (refundable <= 0) throw badRequest(`The ${label(type)} is already fully refunded.`, "E_ALREADY_REFUNDED");
  if (asked === undefined) return refundable;
  const amount = num(asked);
  if (amount <= 0) throw badRequest("amount must be greater than 0", "E_INVALID_AMOUNT");
  if (round2(amount) > refundable)
    throw badRequest(
      `amount ${amount} exceeds the refundable amount of ${refundable} on this ${label(type)}.`,
      "E_INVALID_AMOUNT",
    );
  return round2(amount);
}

function applyTo(
  ctx: RefundCtx,
  collection: string,
  item: Item | undefined,
  amount: number,
  pendingId: string,
  isTransaction = false,
): Item | undefined {
  if (!item || amount <= 0) return item;
  const patch = refundedFields(item, amount, isTransaction);
  if (typeof item.amount_gross !== "number") {
    delete patch.amount_gross;
    delete patch.amount_net;
  }
  if (collection === "sales") patch.status = patch.void ? "Refunded" : "Partially Refunded";
  link(ctx.store, collection, item.id, "pending_refunds", pendingId);
  return ctx.store.collection(collection).update(item.id, { ...patch, updated_date_unix: ctx.now });
}

function pendingRefund(
  ctx: RefundCtx,
  id: string,
  f: {
    amount: number;
    itemType: string;
    item: Item;
    txn?: Item;
    saleId?: string;
    offsite?: boolean;
    refunded?: Record<string, string[]>;
  },
): Item {
  const src = f.txn ?? f.item;
  const customerId = customerIdOf(f.item) ?? customerIdOf(f.txn);
  const record = ctx.store.collection("pending_refunds").insert({
    id,
    created_date_unix: ctx.now,
    updated_date_unix: ctx.now,
    ...(src.customer !== undefined ? { customer: src.customer } : {}),
    ...(customerId ? { customer_id: customerId } : {}),
    ...(typeof src.campaign_id === "string" ? { campaign_id: src.campaign_id, campaign_name: src.campaign_name } : {}),
    amount: f.amount,
    status: "Pending",
    refunded_offsite: f.offsite === true,
    iso_currency: src.iso_currency ?? "USD",
    item_type: f.itemType,
    item_id: f.item.id,
    [`${f.itemType}_id`]: f.item.id,
    sale_id: f.saleId ?? null,
    sales: f.saleId ? [f.saleId] : [],
    transaction_id: f.txn?.id ?? null,
    transactions: f.txn ? [f.txn.id] : [],
    ...(f.refunded ?? {}),
    metadata: [],
  });
  if (customerId) link(ctx.store, "customers", customerId, "pending_refunds", id);
  return record;
}

export interface RefundResult {
  amount: number;
  pendingRefund: Item;
  item?: Item;
  extra: Record<string, unknown>;
}

/** Refunds `asked` (default: all that is left) of a product sale, shipment, tax or renewal. */
function refundItem(ctx: RefundCtx, collection: string, item: Item, asked: unknown, offsite?: boolean): RefundResult {
  const type = REFUNDABLE[collection] ?? collection;
  const amount = refundAmount(type, refundableOf(item), asked);
  const txns = ctx.store.collection("transactions");
  const txn = idsOf(item, "transactions")
    .reverse()
    .map((id) => txns.get(id))
    .find((t) => t && refundableOf(t, true) >= amount);
  const saleId = saleIdOf(item) ?? saleIdOf(txn);
  const pendingId = ctx.newId("pending_refunds");
  const updated = applyTo(ctx, collection, item, amount, pendingId);
  applyTo(ctx, "transactions", txn, amount, pendingId, true);
  applyTo(ctx, "sales", ctx.store.collection("sales").get(saleId ?? ""), amount, pendingId);
  const record = pendingRefund(ctx, pendingId, {
    amount,
    itemType: type,
    item,
    ...(txn ? { txn } : {}),
    ...(saleId ? { saleId } : {}),
    offsite,
  });
  return {
    amount,
    pendingRefund: record,
    ...(updated ? { item: updated } : {}),
    extra: {
      refund_amount: amount,
      pending_refund: [pendingId],
      pending_refund_id: pendingId,
      ...(saleId ? { sale_id: saleId } : {}),
      ...(txn ? { transaction_id: txn.id } : {}),
      ...(customerIdOf(item) ? { customer_id: customerIdOf(item) } : {}),
    },
  };
}

/** Refunds `asked` (default: all that is left) of a transaction, spread over the items it paid for. */
export function refundTransaction(ctx: RefundCtx, txn: Item, asked: unknown, offsite?: boolean): RefundResult {
  if (txn.approved === false)
    throw badRequest(
      `The transaction was not approved (result ${String(txn.result)}); there is nothing to refund.`,
      "E_NOT_REFUNDABLE",
    );
  const amount = refundAmount("transaction", refundableOf(txn, true), asked);
  const pendingId = ctx.newId("pending_refunds");
  const refunded: Record<string, string[]> = {
    product_sale_refunded: [],
    shipping_refunded: [],
    tax_refunded: [],
    subscription_renewal_refunded: [],
  };
  let left = amount;
  for (const collection of PAID_ITEMS) {
    for (const id of idsOf(txn, collection)) {
      const item = ctx.store.collection(collection).get(id);
      if (!item || left <= 0 || !idsOf(item, "transactions").includes(txn.id)) continue;
      const part = round2(Math.min(left, refundableOf(item)));
      if (part <= 0) continue;
      applyTo(ctx, collection, item, part, pendingId);
      refunded[`${REFUNDABLE[collection]}_refunded`]!.push(id);
      left = round2(left - part);
    }
  }
  const updated = applyTo(ctx, "transactions", txn, amount, pendingId, true);
  const saleId = saleIdOf(txn);
  applyTo(ctx, "sales", ctx.store.collection("sales").get(saleId ?? ""), amount, pendingId);
  const record = pendingRefund(ctx, pendingId, {
    amount,
    itemType: "transaction",
    item: txn,
    txn,
    ...(saleId ? { saleId } : {}),
    offsite,
    refunded,
  });
  return {
    amount,
    pendingRefund: record,
    ...(updated ? { item: updated } : {}),
    extra: {
      refund_amount: amount,
      pending_refund: [pendingId],
      pending_refund_id: pendingId,
      ...refunded,
      origin_transaction_id: txn.id,
      origin_sale_id: saleId ?? null,
      origin_customer_id: customerIdOf(txn) ?? null,
      origin_campaign_id: txn.campaign_id ?? null,
    },
  };
}

const itemRefund =
  (collection: string): ActionHook =>
  ({ store, item, body, now, newId }) => {
    const r = refundItem({ store, now, newId }, collection, item, body.amount, body.refunded_offsite === true);
    if (collection !== "product_sales") return { item: r.item, extra: r.extra };
    // A product sale refunded in full also cancels its subscription and trial (V1 cancel_sub_trial).
    const done = r.item?.void === true;
    const sub =
      done && typeof item.subscription_id === "string" && cancelSubscription(store, item.subscription_id, now)
        ? [item.subscription_id]
        : [];
    const trial =
      done && typeof item.trial_id === "string" && cancelTrial(store, item.trial_id, now) ? [item.trial_id] : [];
    return { item: r.item, extra: { ...r.extra, subscription_cancelled: sub, trial_cancelled: trial } };
  };

export const REFUND_HOOKS: Record<string, ActionHook> = {
  "transactions/refund": ({ store, item, body, now, newId }) => {
    const r = refundTransaction({ store, now, newId }, item, body.amount, body.refunded_offsite === true);
    return { item: r.item, extra: r.extra };
  },
  "product_sales/refund": itemRefund("product_sales"),
  "shipping/refund": itemRefund("shipping"),
  "tax/refund": itemRefund("tax"),
  "subscription_renewals/refund": itemRefund("subscription_renewals"),
};
