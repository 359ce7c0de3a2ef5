// Subscriptions (Active, Suspended, Cancelled) and trials (Active, Expired, Cancelled) as state
// machines. Renewing charges the customer's card (a subscription renewal and its transaction);
// expiring a trial charges the trial's amount on its sale.
import { defaultCard } from "./cards.js";
import type { ActionHook } from "./custom-types.js";
import { commonOf, customerIdOf, idsOf, link } from "./links.js";
import { amountFields, feeOf, num, round2 } from "./money.js";
import { DAY_SECONDS } from "../operations/operation.js";
import { badRequest, invalidState, notFound } from "./responses.js";
import type { Item, Store } from "./store.js";
import { outcomeOfStored } from "./test-cards.js";
import { chargeFailure, recordTransaction, type ChargeOutcome, type TxnLinks } from "./transactions.js";

const is = (item: Item, ...statuses: string[]) => statuses.includes(String(item.status ?? "").toLowerCase());

function requireStatus(item: Item, kind: string, verb: string, ...allowed: string[]): void {
  if (!is(item, ...allowed)) {
    throw invalidState(
      `Cannot ${verb} a ${kind} whose status is ${String(item.status)}; only ${allowed.join(" or ")} ${kind}s can be ${verb === "cancel" ? "cancelled" : `${verb}${verb.endsWith("e") ? "d" : "ed"}`}.`,
    );
  }
}

/** Cancels an active or suspended subscription; returns whether it changed. */
export function cancelSubscription(store: Store, id: string, now: number): boolean {
  const sub = store.collection("subscriptions").get(id);
  if (!sub || !is(sub, "active", "suspended")) return false;
  store.collection("subscriptions").update(id, {
    status: "Cancelled",
    cancelled_date_unix: now,
    next_renewal_date_unix: null,
    updated_date_unix: now,
  });
  return true;
}

/** Cancels an active trial; returns whether it changed. */
export function cancelTrial(store: Store, id: string, now: number): boolean {
  const trial = store.collection("trials").get(id);
  if (!trial || !is(trial, "active")) return false;
  store.collection("trials").update(id, { status: "Cancelled", cancelled_date_unix: now, updated_date_unix: now });
  return true;
}

interface Charge {
  store: Store;
  now: number;
  newId: (c: string) => string;
  customerId?: string;
  cardId?: unknown;
  amount: number;
  source: Item;
  requestType: string;
  requestMethod: string;
  links: TxnLinks;
  isRenewal?: boolean;
}

/** Charges a stored card (the given one, else the customer's default); 402 when it fails. */
function chargeStoredCard(c: Charge): Item {
  const customer = c.store.collection("customers").get(c.customerId ?? "");
  if (!customer) throw notFound("The customer of this item does not exist.");
  const card =
    (typeof c.cardId === "string" ? c.store.collection("customer_cards").get(c.cardId) : undefined) ??
    defaultCard(c.store, customer.id);
  const stored = card ? outcomeOfStored(card.first_6, card.last_4) : "approved";
  const outcome: ChargeOutcome = stored === "fraud" ? "declined" : stored;
  const txn = recordTransaction(c.store, {
    id: c.newId("transactions"),
    now: c.now,
    customer,
    ...(card ? { card } : {}),
    campaign: { id: c.source.campaign_id, name: c.source.campaign_name },
    amount: c.amount,
    outcome,
    requestType: c.requestType,
    requestMethod: c.requestMethod,
    isSubscription: c.requestType === "subscription",
    isRenewal: c.isRenewal ?? false,
    links: c.links,
    ...(typeof c.source.iso_currency === "string" ? { isoCurrency: c.source.iso_currency } : {}),
  });
  if (outcome !== "approved") throw chargeFailure(txn, { customer_id: customer.id });
  return txn;
}

const renew: ActionHook = ({ store, item, now, newId }) => {
  requireStatus(item, "subscription", "renew", "active");
  const renewalId = newId("subscription_renewals");
  const amount = round2(num(item.amount));
  const txn = chargeStoredCard({
    store,
    now,
    newId,
    customerId: customerIdOf(item),
    amount,
    source: item,
    requestType: "subscription",
    requestMethod: "renew",
    isRenewal: true,
    links: { subscriptions: [item.id], subscription_renewals: [renewalId] },
  });
  const count = num(item.renewal_count) + 1;
  store.collection("subscription_renewals").insert({
    id: renewalId,
    created_date_unix: now,
    updated_date_unix: now,
    ...commonOf(item),
    subscription_id: item.id,
    subscriptions: [item.id],
    ...(typeof item.sale_id === "string" ? { sale_id: item.sale_id } : {}),
    transaction_id: txn.id,
    transactions: [txn.id],
    product: item.product,
    product_id: item.product_id,
    amount,
    ...amountFields(amount, 0, amount, feeOf(amount)),
    renewal_number: count,
    status: "Approved",
    void: false,
    pending_refunds: [],
    metadata: [],
  });
  const interval = num(item.renewal_interval_days, 30);
  const from = Math.max(now, num(item.next_renewal_date_unix, now));
  const updated = store.collection("subscriptions").update(item.id, {
    renewal_count: count,
    last_renewal_date_unix: now,
    next_renewal_date_unix: from + interval * DAY_SECONDS,
    updated_date_unix: now,
    subscription_renewals: [...idsOf(item, "subscription_renewals"), renewalId],
    transactions: [...idsOf(item, "transactions"), txn.id],
  });
  return {
    item: updated,
    extra: { subscription_renewal_id: renewalId, transaction_id: txn.id, renewal_amount: amount },
  };
};

const setStatus =
  (kind: "subscription" | "trial", verb: string, to: string, ...from: string[]): ActionHook =>
  ({ store, item, now }) => {
    requireStatus(item, kind, verb, ...from);
    const stamp = to === "Active" ? "activated" : to.toLowerCase();
    const patch: Record<string, unknown> = { status: to, updated_date_unix: now, [`${stamp}_date_unix`]: now };
    if (kind === "subscription" && to === "Cancelled") patch.next_renewal_date_unix = null;
    if (kind === "subscription" && to === "Active" && num(item.next_renewal_date_unix) < now) {
      patch.next_renewal_date_unix = now + num(item.renewal_interval_days, 30) * DAY_SECONDS;
    }
    return { item: store.collection(`${kind === "trial" ? "trials" : "subscriptions"}`).update(item.id, patch) };
  };

function daysOf(body: Record<string, unknown>): number {
  if (typeof body.days !== "number") throw badRequest("Missing required parameter: days", "E_MISSING_PARAMETER");
  if (!Number.isInteger(body.days) || body.days < 1) throw badRequest("days must be a whole number of at least 1");
  return body.days;
}

const resize =
  (sign: 1 | -1): ActionHook =>
  ({ store, item, body, now }) => {
    requireStatus(item, "trial", sign > 0 ? "extend" : "shorten", "active");
    const days = daysOf(body);
    const end = num(item.end_date_unix, now) + sign * days * DAY_SECONDS;
    if (end < now)
      throw badRequest(
        `Shortening by ${days} days would end the trial before now; use ExpireTrial to end it now (days at most ${Math.floor((num(item.end_date_unix) - now) / DAY_SECONDS)}).`,
      );
    return {
      item: store.collection("trials").update(item.id, {
        end_date_unix: end,
        num_days: Math.max(0, num(item.num_days) + sign * days),
        updated_date_unix: now,
      }),
    };
  };

/** Ends an active trial now and charges its amount (transaction linked to its sale and product sale). */
const expire: ActionHook = ({ store, item, now, newId }) => {
  requireStatus(item, "trial", "expire", "active");
  const amount = round2(num(item.amount));
  const sale = store.collection("sales").get(String(item.sale_id ?? ""));
  const psId = typeof item.product_sale_id === "string" ? item.product_sale_id : undefined;
  let txn: Item | undefined;
  if (amount > 0) {
    txn = chargeStoredCard({
      store,
      now,
      newId,
      customerId: customerIdOf(item),
      cardId: sale?.customer_card_id,
      amount,
      source: item,
      requestType: "trial",
      requestMethod: "expire",
      links: { trials: [item.id], ...(sale ? { sales: [sale.id] } : {}), ...(psId ? { product_sales: [psId] } : {}) },
    });
    for (const [collection, id] of [
      ["product_sales", psId],
      ["sales", sale?.id],
    ] as const) {
      const target = id ? store.collection(collection).get(id) : undefined;
      if (!target) continue;
      const captured = round2(num(target.amount_captured) + amount);
      const gross = round2(num(target.amount_gross) + amount);
      const fees = round2(num(target.amount_fees) + feeOf(amount));
      store.collection(collection).update(target.id, {
        amount_captured: captured,
        amount_remaining: round2(Math.max(0, num(target.amount_remaining) - amount)),
        ...(typeof target.amount_gross === "number"
          ? { amount_gross: gross, amount_fees: fees, amount_net: round2(gross - fees) }
          : {}),
        void: false,
        updated_date_unix: now,
      });
      link(store, collection, target.id, "transactions", txn.id);
    }
  }
  if (typeof item.subscription_id === "string") {
    const sub = store.collection("subscriptions").get(item.subscription_id);
    if (sub && is(sub, "active"))
      store.collection("subscriptions").update(sub.id, {
        next_renewal_date_unix: now + num(sub.renewal_interval_days, 30) * DAY_SECONDS,
        updated_date_unix: now,
      });
  }
  const updated = store.collection("trials").update(item.id, {
    status: "Expired",
    expired_date_unix: now,
    end_date_unix: now,
    updated_date_unix: now,
    ...(txn ? { transaction_id: txn.id, transactions: [txn.id] } : {}),
  });
  return { item: updated, extra: txn ? { transaction_id: txn.id, amount_charged: amount } : { amount_charged: 0 } };
};

export const LIFECYCLE_HOOKS: Record<string, ActionHook> = {
  "subscriptions/activate": setStatus("subscription", "activate", "Active", "suspended"),
  "subscriptions/suspend": setStatus("subscription", "suspend", "Suspended", "active"),
  "subscriptions/cancel": setStatus("subscription", "cancel", "Cancelled", "active", "suspended"),
  "subscriptions/renew": renew,
  "trials/expire": expire,
  "trials/extend": resize(1),
  "trials/shorten": resize(-1),
  "trials/cancel": setStatus("trial", "cancel", "Cancelled", "active"),
};
