// Collection-specific behaviour layered over the generic handlers. This is the place to grow
// deeper state (sales, refunds, renewals): a normalizer per collection shapes request bodies into
// stored fields, action hooks are keyed "<collection>/<action>", create hooks by collection.
// Everything without an entry uses the generic store behaviour.
import type { ActionInput, ActionOutcome } from "./actions.js";
import type { CompiledApi, OperationDef } from "./operations.js";
import { notFound } from "./responses.js";
import { isRecord } from "./schema.js";
import { nestedCustomer } from "./shapes.js";
import type { Item, Store } from "./store.js";

export type ActionHook = (input: ActionInput & { store: Store }) => ActionOutcome;

export interface CreateInput {
  api: CompiledApi;
  store: Store;
  body: Record<string, unknown>;
  now: number;
  newId: (collection: string) => string;
}

/** A create hook returns the response fields (the envelope is added by the caller). */
export type CreateHook = (input: CreateInput) => Record<string, unknown>;

export interface NormalizeInput extends CreateInput {
  /** The body before secrets were stripped: read card numbers from it, never store it. */
  raw: Record<string, unknown>;
  op: OperationDef;
  /** The id of the item being created or edited. */
  id: string;
  creating: boolean;
}

/** Turns a (secret-free) request body into the fields to store on the item. */
export type Normalizer = (input: NormalizeInput) => Record<string, unknown>;

const round2 = (n: number) => Math.round(n * 100) / 100;

function omit(body: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out = { ...body };
  for (const k of keys) delete out[k];
  return out;
}

/** `campaign` (id or name) -> campaign_id/campaign_name; `customer_id` -> nested customer. */
const linkRelations: Normalizer = ({ store, body }) => {
  const out = { ...body };
  if (typeof body.campaign === "string") {
    const ref = body.campaign;
    const campaign = store.collection("campaigns").get(ref) ?? store.collection("campaigns").find((c) => c.name === ref);
    delete out.campaign;
    if (campaign) {
      out.campaign_id = campaign.id;
      out.campaign_name = campaign.name;
    } else if (/^[A-Za-z0-9]{20}$/.test(ref)) {
      out.campaign_id = ref;
    } else {
      out.campaign_name = ref;
    }
  }
  if (typeof body.customer_id === "string") {
    const customer = store.collection("customers").get(body.customer_id);
    if (customer) out.customer = nestedCustomer(customer);
  }
  return out;
};

function createCard(store: Store, customerId: string, card: Record<string, unknown>, now: number, id: string): Item {
  const number = typeof card.card_number === "string" ? card.card_number.replace(/\D/g, "") : "";
  const month = card.exp_month !== undefined ? String(card.exp_month).padStart(2, "0") : "12";
  const year = card.exp_year !== undefined ? String(card.exp_year).slice(-2) : "30";
  const cards = store.collection("customer_cards");
  const isDefault = card.set_as_default !== false;
  if (isDefault) for (const c of cards.all()) if (c.customer_id === customerId && c.is_default) cards.update(c.id, { is_default: false });
  return cards.insert({
    id, created_date_unix: now, updated_date_unix: now, customer_id: customerId,
    type: number.startsWith("4") ? "visa" : number.startsWith("5") ? "mastercard" : number.startsWith("3") ? "amex" : "card",
    first_6: number.slice(0, 6), last_4: number.slice(-4), expiry_date: `${month}/${year}`, expiry_month: month, expiry_year: year,
    is_default: isDefault, enabled: true,
  });
}

/** The card object of a body: payment.credit_card (V2) or credit_card. */
function cardOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isRecord(body.payment) && isRecord(body.payment.credit_card)) return body.payment.credit_card;
  return isRecord(body.credit_card) ? body.credit_card : undefined;
}

/**
 * Customers arrive as {campaign, customer: {...}, bill_to, internal_customer_id, payment, metadata};
 * they are stored flat, like RevCent returns them. A card in `payment` becomes a customer card.
 * Only the card's first 6 / last 4 digits are kept.
 */
function customerFields(input: NormalizeInput): Record<string, unknown> {
  const { body, creating } = input;
  const details = isRecord(body.customer) ? body.customer : isRecord(body.bill_to) ? body.bill_to : {};
  const out: Record<string, unknown> = {
    ...(creating ? { blocked: false, enabled: true, metadata: [], sales: [], transactions: [], subscriptions: [], trials: [], shipping: [] } : {}),
    ...linkRelations({ ...input, body: omit(body, "customer", "bill_to", "payment", "internal_customer_id", "credit_card") }),
    ...details,
  };
  if (typeof body.internal_customer_id === "string") out.internal_id = body.internal_customer_id;
  const card = cardOf(input.raw);
  if (card && input.creating) createCard(input.store, input.id, card, input.now, input.newId("customer_cards"));
  return out;
}

/** Sales link (or create) their customer and price their product lines. */
function saleFields(input: NormalizeInput): Record<string, unknown> {
  const { store, body, now, op, creating } = input;
  const out = linkRelations(input);
  if (typeof body.customer_id !== "string" && isRecord(body.customer) && creating) {
    const customers = store.collection("customers");
    const customerId = input.newId("customers");
    const customerBody = { campaign: body.campaign, customer: body.customer, metadata: [] };
    const fields = customerFields({ ...input, id: customerId, body: customerBody, raw: { ...customerBody, payment: { credit_card: cardOf(input.raw) } } });
    const customer = customers.insert({ id: customerId, created_date_unix: now, updated_date_unix: now, ...fields, sales: [input.id] });
    out.customer_id = customerId;
    out.customer = nestedCustomer(customer);
  } else if (typeof body.customer_id === "string" && creating) {
    const customer = store.collection("customers").get(body.customer_id);
    if (customer && Array.isArray(customer.sales)) store.collection("customers").update(customer.id, { sales: [...customer.sales, input.id] });
  }
  if (Array.isArray(body.product)) {
    const products = store.collection("products");
    const lines = body.product.filter(isRecord).map((line) => {
      const ref = String(line.id ?? "");
      const product = products.get(ref) ?? products.find((p) => p.sku === ref || p.name === ref || p.internal_id === ref);
      const price = typeof line.price === "number" ? line.price : typeof product?.price === "number" ? product.price : 0;
      const quantity = typeof line.quantity === "number" ? line.quantity : 1;
      return { product_id: product?.id ?? ref, name: product?.name ?? ref, sku: product?.sku ?? "", price, quantity };
    });
    delete out.product;
    out.products = lines;
    const total = round2(lines.reduce((s, l) => s + l.price * l.quantity, 0));
    out.amount_original_total = total;
    out.amount_total = total;
    out.amount_refunded = 0;
  }
  if (creating) {
    out.status = op.path.includes("/pending") ? "Pending" : "Fully Captured";
    out.metadata ??= [];
  }
  return out;
}

export const NORMALIZERS: Record<string, Normalizer> = {
  customers: customerFields,
  sales: saleFields,
};
export const DEFAULT_NORMALIZER: Normalizer = linkRelations;

/** Refunds keep a transaction within the official item schema: only amount fields change. */
const refundTransaction: ActionHook = ({ collection, item, body, now }) => {
  const refundedSoFar = typeof item.amount_refunded === "number" ? item.amount_refunded : 0;
  const net = (typeof item.amount === "number" ? item.amount : 0) - refundedSoFar;
  const asked = typeof body.amount === "number" ? body.amount : net;
  const amount = round2(Math.max(0, Math.min(asked, net)));
  const refunded = round2(refundedSoFar + amount);
  const gross = round2((typeof item.amount_gross === "number" ? item.amount_gross : 0) - amount);
  const fees = typeof item.amount_fees === "number" ? item.amount_fees : 0;
  const original = typeof item.amount_original_total === "number" ? item.amount_original_total : 0;
  const next: Item = {
    ...item,
    amount_refunded: refunded,
    amount_total: round2(original - refunded),
    amount_gross: gross,
    amount_net: round2(gross - fees),
    void: typeof item.amount === "number" && refunded >= item.amount,
    updated_date_unix: now,
  };
  return { item: collection.replace(next), extra: { amount_refunded: amount } };
};

/** Adding a card creates a customer card owned by the customer (first 6 / last 4 only). */
const addCard: ActionHook = ({ store, item, raw, now, newId }) => {
  const card = createCard(store, item.id, cardOf(raw ?? {}) ?? {}, now, newId("customer_cards"));
  return { item, extra: { customer_card_id: card.id } };
};

export const ACTION_HOOKS: Record<string, ActionHook> = {
  "transactions/refund": refundTransaction,
  "customers/add_card": addCard,
};

/** Estimates price a sale's products (by id, SKU or name) and shipping without saving anything. */
const estimateSale: CreateHook = ({ store, body }) => {
  const products = store.collection("products");
  const lines = (Array.isArray(body.product) ? body.product : []).filter(isRecord);
  let subtotal = 0;
  const priced = lines.map((line) => {
    const ref = String(line.id ?? "");
    const product = products.get(ref) ?? products.find((p) => p.sku === ref || p.name === ref);
    const quantity = typeof line.quantity === "number" ? line.quantity : 1;
    const price = typeof line.price === "number" ? line.price : typeof product?.price === "number" ? product.price : 0;
    subtotal += price * quantity;
    return { product_id: product?.id ?? ref, name: product?.name ?? ref, price, quantity };
  });
  const shipping = (Array.isArray(body.shipping) ? body.shipping : []).filter(isRecord)
    .reduce((s, x) => s + (typeof x.amount === "number" ? x.amount : 0), 0);
  return { products: priced, amount_products: round2(subtotal), amount_shipping: round2(shipping), amount_tax: 0, amount_total: round2(subtotal + shipping), iso_currency: "USD" };
};

/** The sandbox cannot run SQL: it accepts the query and returns no rows. */
const runBigQuery: CreateHook = ({ body, newId }) => ({
  job_id: newId("bigquery"), bigquery_sql: typeof body.bigquery_sql === "string" ? body.bigquery_sql : "", total_rows: 0, results: [],
});

/**
 * The item an {item_type, item_id} body points at (item_type "sale" -> the collection keyed
 * sale_id); undefined when the body names no target, 404 when the target does not exist.
 */
function targetOf(api: CompiledApi, store: Store, body: Record<string, unknown>): { collection: string; item: Item } | undefined {
  if (body.item_type === undefined && body.item_id === undefined) return undefined;
  const type = typeof body.item_type === "string" ? body.item_type : "";
  const info = [...api.collections.values()].find((c) => c.idKey === `${type}_id`);
  const item = info && typeof body.item_id === "string" ? store.collection(info.name).get(body.item_id) : undefined;
  if (!info || !item) throw notFound();
  return { collection: info.name, item };
}

/** InsertMetadata: adds name/value pairs to the target item (same name replaces the value). */
const insertMetadata: CreateHook = ({ api, store, body, now, newId }) => {
  const target = targetOf(api, store, body);
  const metadata = (Array.isArray(target?.item.metadata) ? target.item.metadata : []).filter(isRecord);
  for (const entry of (Array.isArray(body.metadata) ? body.metadata : []).filter(isRecord)) {
    const at = metadata.findIndex((m) => m.name === entry.name);
    if (at >= 0) metadata[at] = { name: entry.name, value: entry.value };
    else metadata.push({ name: entry.name, value: entry.value });
  }
  if (target) store.collection(target.collection).update(target.item.id, { metadata, updated_date_unix: now });
  const id = newId("metadata");
  const record = store.collection("metadata").insert({ id, created_date_unix: now, updated_date_unix: now, ...body, metadata });
  return { ...record, metadata_id: id };
};

/** CreateNote: saves the note and lists its id on the target item. */
const createNote: CreateHook = ({ api, store, body, now, newId }) => {
  const target = targetOf(api, store, body);
  const id = newId("notes");
  const note = store.collection("notes").insert({ id, created_date_unix: now, updated_date_unix: now, ...body });
  if (target) {
    const notes = Array.isArray(target.item.notes) ? target.item.notes : [];
    store.collection(target.collection).update(target.item.id, { notes: [...notes, id], updated_date_unix: now });
  }
  return { ...note, note_id: id };
};

export const CREATE_HOOKS: Record<string, CreateHook> = {
  "sales/estimate": estimateSale,
  bigquery: runBigQuery,
  metadata: insertMetadata,
  notes: createNote,
};
