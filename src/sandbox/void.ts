// VoidSale: a pending sale is cancelled; a paid sale has every transaction refunded in full (spread
// over its product sales, shipping and tax), its subscriptions and active trials cancelled.
import type { ActionHook } from "./custom-types.js";
import { idsOf } from "./links.js";
import { cancelSubscription, cancelTrial } from "./lifecycle.js";
import { refundableOf, round2 } from "./money.js";
import { refundTransaction, type RefundCtx } from "./refunds.js";
import { invalidState } from "./responses.js";
import type { Item } from "./store.js";

export function voidSale(ctx: RefundCtx, sale: Item): { item?: Item; extra: Record<string, unknown> } {
  const { store, now } = ctx;
  const sales = store.collection("sales");
  if (sale.void === true || /^(void|cancelled)$/i.test(String(sale.status)))
    throw invalidState(`The sale is already void (status ${String(sale.status)}).`);
  const lists: Record<string, string[]> = {
    pending_refund: [],
    product_sale_refunded: [],
    shipping_refunded: [],
    tax_refunded: [],
    subscription_cancelled: [],
    trial_cancelled: [],
  };
  if (String(sale.status).toLowerCase() === "pending") {
    const item = sales.update(sale.id, { status: "Cancelled", void: true, is_pending: false, updated_date_unix: now });
    return { ...(item ? { item } : {}), extra: { refund_amount: 0, ...lists } };
  }
  let amount = 0;
  for (const id of idsOf(sale, "transactions")) {
    const txn = store.collection("transactions").get(id);
    if (!txn || refundableOf(txn, true) <= 0) continue;
    const r = refundTransaction(ctx, txn, undefined);
    amount = round2(amount + r.amount);
    for (const key of Object.keys(lists))
      if (Array.isArray(r.extra[key])) lists[key]!.push(...(r.extra[key] as string[]));
  }
  for (const id of idsOf(sale, "subscriptions"))
    if (cancelSubscription(store, id, now)) lists.subscription_cancelled!.push(id);
  for (const id of idsOf(sale, "trials")) if (cancelTrial(store, id, now)) lists.trial_cancelled!.push(id);
  const item = sales.update(sale.id, { status: "Void", void: true, voided_date_unix: now, updated_date_unix: now });
  return { ...(item ? { item } : {}), extra: { refund_amount: amount, ...lists } };
}

export const voidSaleHook: ActionHook = ({ store, item, now, newId }) => voidSale({ store, now, newId }, item);
