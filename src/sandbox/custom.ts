// Collection-specific behaviour layered over the generic handlers: a normalizer per collection
// shapes request bodies into stored fields, create hooks are keyed by collection, action hooks by
// "<collection>/<action>", edit hooks and views by collection. Each concern lives in its own
// module; this file only registers them. Everything without an entry uses the generic behaviour.
import { createNote, insertMetadata } from "./attachments.js";
import { runBigQuery } from "./bigquery.js";
import { cardOf, createCard } from "./cards.js";
import { chargebackFields, createChargeback } from "./chargebacks.js";
import type { ActionHook, CreateHook, EditHook, Normalizer, ViewHook } from "./custom-types.js";
import { customerFields } from "./customers.js";
import { createDocument } from "./documents.js";
import { createFraudDetection } from "./fraud.js";
import { GROUP_HOOKS } from "./groups.js";
import { LIFECYCLE_HOOKS } from "./lifecycle.js";
import { createPendingSale, estimateSale, processPendingSale, updatePendingSale } from "./pending.js";
import { REFUND_HOOKS } from "./refunds.js";
import { linkRelations } from "./relations.js";
import { createSale } from "./sales.js";
import { createSecureForm, viewSecureForm } from "./secure-forms.js";
import { voidSaleHook } from "./void.js";

export type { ActionHook, CreateHook, EditHook, Normalizer, ViewHook } from "./custom-types.js";

export const NORMALIZERS: Record<string, Normalizer> = {
  customers: customerFields,
  chargebacks: (input) => chargebackFields({ ...input, body: linkRelations(input.store, input.body) }),
};
export const DEFAULT_NORMALIZER: Normalizer = ({ store, body }) => linkRelations(store, body);

/** Adding a card creates a customer card owned by the customer (first 6 / last 4 only). */
const addCard: ActionHook = ({ store, item, raw, now, newId }) => {
  const card = createCard(store, item.id, cardOf(raw ?? {}) ?? {}, now, newId("customer_cards"));
  return { item, extra: { customer_card_id: card.id } };
};

export const ACTION_HOOKS: Record<string, ActionHook> = {
  ...REFUND_HOOKS,
  ...LIFECYCLE_HOOKS,
  ...GROUP_HOOKS,
  "sales/void": voidSaleHook,
  "sales/process": processPendingSale,
  "customers/add_card": addCard,
};

export const CREATE_HOOKS: Record<string, CreateHook> = {
  // POST /sales and POST /sales/pending share the "sales" collection.
  sales: (input) => (input.op.path.includes("/pending") ? createPendingSale(input) : createSale(input)),
  "sales/estimate": estimateSale,
  chargebacks: createChargeback,
  documents: createDocument,
  fraud_detections: createFraudDetection,
  secure_forms: createSecureForm,
  bigquery: runBigQuery,
  metadata: insertMetadata,
  notes: createNote,
};

/** UpdatePendingSale is the only edit of a sale (POST /sales/pending/{sale_id}). */
export const EDIT_HOOKS: Record<string, EditHook> = {
  sales: updatePendingSale,
};

export const VIEW_HOOKS: Record<string, ViewHook> = {
  secure_forms: viewSecureForm,
};
