// The Search -> Get families RevCent's docs ask public chatbots to verify (customers, customer
// cards, sales, transactions, subscriptions, trials, shipping, pending refunds, PayPal
// transactions, fraud detections), how to tell which customer a record belongs to, and what of a
// record identifies nobody.

/**
 * The reads of the named families. Every record with a customer is guarded, whatever its kind; for
 * these, a record that is missing or has no customer is refused too, rather than "not found".
 */
export const FAMILY_READS: readonly string[] = [
  "GetCustomer",
  "GetCustomerCard",
  "GetSale",
  "GetTransaction",
  "GetSubscription",
  "GetTrial",
  "GetShipment",
  "GetPendingRefund",
  "GetPayPalTransaction",
  "GetFraudDetection",
];

/** Searches over the merchant's own data, which belongs to no customer: no visitor shapes or budget. */
export const NON_CUSTOMER_SEARCHES: ReadonlySet<string> = new Set([
  "SearchDocumentation",
  "SearchProducts",
  "SearchProjects",
  "SearchProjectNotes",
]);

/** The read that tells whose an item is, for items named by item_type + item_id (CreateNote). */
export const READ_BY_ITEM_TYPE: Readonly<Record<string, string>> = {
  customer: "GetCustomer",
  sale: "GetSale",
  product_sale: "GetProductSale",
  shipping: "GetShipment",
  subscription: "GetSubscription",
  subscription_renewal: "GetSubscriptionRenewal",
  transaction: "GetTransaction",
  trial: "GetTrial",
};

/** The customer a record belongs to: its own id for a customer, else its customer reference. */
export function ownerOf(record: unknown, isCustomer: boolean): string | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const r = record as Record<string, unknown>;
  if (isCustomer) return typeof r.id === "string" ? r.id : undefined;
  if (typeof r.customer_id === "string" && r.customer_id) return r.customer_id;
  const customer = r.customer as Record<string, unknown> | undefined;
  return typeof customer?.id === "string" ? customer.id : undefined;
}

/** Fields of a search or list item that identify nobody: ids, dates, states and amounts. */
export function nonIdentifying(item: unknown): Record<string, unknown> {
  if (typeof item !== "object" || item === null) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value !== null && typeof value === "object") continue;
    const revcentId = typeof value === "string" && REVCENT_ID.test(value) && (key === "id" || key.endsWith("_id"));
    if (revcentId || key.endsWith("_date_unix") || key.startsWith("amount") || SAFE_KEYS.has(key)) out[key] = value;
  }
  const customer = (item as Record<string, unknown>).customer as Record<string, unknown> | undefined;
  if (typeof customer?.id === "string") out.customer_id ??= customer.id;
  return out;
}

// RevCent's own ids; internal and gateway references may be values a visitor knows.
const REVCENT_ID = /^[A-Za-z0-9]{20}$/;
const SAFE_KEYS = new Set([
  "status",
  "enabled",
  "iso_currency",
  "item_type",
  "void",
  "approved",
  "declined",
  "is_refund",
  "result",
  "score",
  "code",
]);
