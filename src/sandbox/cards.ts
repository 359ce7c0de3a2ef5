// Customer cards: created from a request's card (only first 6 / last 4 digits are kept), found
// again for charges, and shown inside transactions with the official customer_card fields.
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";
import { digitsOf } from "./test-cards.js";

export function createCard(
  store: Store,
  customerId: string,
  card: Record<string, unknown>,
  now: number,
  id: string,
): Item {
  const number = typeof card.card_number === "string" ? digitsOf(card.card_number) : "";
  const month = card.exp_month !== undefined ? String(card.exp_month).padStart(2, "0") : "12";
  const year = card.exp_year !== undefined ? String(card.exp_year).slice(-2) : "30";
  const cards = store.collection("customer_cards");
  const isDefault = card.set_as_default !== false;
  if (isDefault)
    for (const c of cards.all())
      if (c.customer_id === customerId && c.is_default) cards.update(c.id, { is_default: false });
  return cards.insert({
    id,
    created_date_unix: now,
    updated_date_unix: now,
    customer_id: customerId,
    type: number.startsWith("4")
      ? "visa"
      : number.startsWith("5")
        ? "mastercard"
        : number.startsWith("3")
          ? "amex"
          : "card",
    first_6: number.slice(0, 6),
    last_4: number.slice(-4),
    expiry_date: `${month}/${year}`,
    expiry_month: month,
    expiry_year: year,
    is_default: isDefault,
    enabled: true,
  });
}

/** The card object of a body: payment.credit_card (customers) or credit_card (sales). */
export function cardOf(body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  if (isRecord(body.payment) && isRecord(body.payment.credit_card)) return body.payment.credit_card;
  return isRecord(body.credit_card) ? body.credit_card : undefined;
}

/** The customer's default enabled card, else their newest enabled one. */
export function defaultCard(store: Store, customerId: string): Item | undefined {
  const cards = store
    .collection("customer_cards")
    .all()
    .filter((c) => c.customer_id === customerId && c.enabled !== false);
  return cards.find((c) => c.is_default === true) ?? cards[cards.length - 1];
}

const SNAPSHOT_FIELDS = [
  "id",
  "type",
  "first_6",
  "last_4",
  "expiry_date",
  "expiry_month",
  "expiry_year",
  "is_default",
  "created_date_unix",
  "updated_date_unix",
];

/** The card as a transaction's `customer_card` (official, closed schema). */
export function cardSnapshot(card: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of SNAPSHOT_FIELDS) if (card[f] !== undefined) out[f] = card[f];
  return out;
}
