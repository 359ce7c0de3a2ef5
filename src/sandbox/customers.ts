// Customers: stored flat, like RevCent returns them; a sale finds its customer by id (RevCent or
// internal), else by email, else creates one from customer / bill_to / ship_to details.
import { cardOf, createCard } from "./cards.js";
import { campaignOf, linkRelations } from "./relations.js";
import { notFound } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";

/** The lists and flags a new customer starts with. */
const NEW_CUSTOMER = () => ({
  blocked: false,
  enabled: true,
  metadata: [],
  sales: [],
  transactions: [],
  subscriptions: [],
  trials: [],
  shipping: [],
});

export interface CustomerBodyInput {
  store: Store;
  body: Record<string, unknown>;
  /** The body before secrets were stripped (card numbers are read, never stored). */
  raw: Record<string, unknown>;
  id: string;
  now: number;
  newId: (collection: string) => string;
  creating: boolean;
}

/**
 * Customers arrive as {campaign, customer: {...}, bill_to, internal_customer_id, payment, metadata}.
 * A card in `payment` becomes a customer card (first 6 / last 4 digits only).
 */
export function customerFields(input: CustomerBodyInput): Record<string, unknown> {
  const { body, creating } = input;
  const details = isRecord(body.customer) ? body.customer : isRecord(body.bill_to) ? body.bill_to : {};
  const rest = { ...body };
  for (const k of ["customer", "bill_to", "payment", "internal_customer_id", "credit_card"]) delete rest[k];
  const out: Record<string, unknown> = {
    ...(creating ? NEW_CUSTOMER() : {}),
    ...linkRelations(input.store, rest),
    ...details,
  };
  if (typeof body.internal_customer_id === "string") out.internal_id = body.internal_customer_id;
  const card = cardOf(input.raw);
  if (card && creating) createCard(input.store, input.id, card, input.now, input.newId("customer_cards"));
  return out;
}

const DETAIL_FIELDS = [
  "first_name",
  "last_name",
  "company",
  "address_line_1",
  "address_line_2",
  "city",
  "state",
  "zip",
  "country",
  "email",
  "phone",
];

/** The customer a sale body names or describes; created when new. */
export function saleCustomer(
  store: Store,
  body: Record<string, unknown>,
  now: number,
  newId: (c: string) => string,
): { customer: Item; created: boolean } {
  const customers = store.collection("customers");
  if (typeof body.customer_id === "string") {
    const ref = body.customer_id;
    const found = customers.get(ref) ?? customers.find((c) => c.internal_id === ref);
    if (!found) throw notFound(`The customer_id "${ref}" does not exist.`);
    return { customer: found, created: false };
  }
  const details = [body.customer, body.bill_to, body.ship_to].find(isRecord) ?? {};
  const email = typeof details.email === "string" ? details.email.toLowerCase() : undefined;
  const byEmail = email
    ? customers.find((c) => typeof c.email === "string" && c.email.toLowerCase() === email)
    : undefined;
  if (byEmail) return { customer: byEmail, created: false };
  const fields: Record<string, unknown> = {};
  for (const f of DETAIL_FIELDS) fields[f] = typeof details[f] === "string" ? details[f] : "";
  const customer = customers.insert({
    id: newId("customers"),
    created_date_unix: now,
    updated_date_unix: now,
    ...fields,
    ...NEW_CUSTOMER(),
    ...campaignOf(store, body.campaign),
    ...(typeof body.internal_customer_id === "string" ? { internal_id: body.internal_customer_id } : {}),
  });
  return { customer, created: true };
}
