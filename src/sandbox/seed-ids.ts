// Fixed ids of the seed data, so tests and examples can rely on them. Every id is 20
// alphanumeric characters, like RevCent's.

export const SEED_IDS = {
  /** Jane Doe, jane.doe@example.com, zip 90210. */
  customer: "cus0000000000000jane",
  /** Jane's default card (visa 4242). */
  customerCard: "crd0000000000000jane",
  /** Jane's sale: T-shirt + membership + trial box, 3 days before the clock at start. */
  sale: "sal0000000000000jane",
  /** The approved transaction of Jane's sale. */
  transaction: "txn0000000000000jane",
  /** Jane's active membership subscription. */
  subscription: "sub0000000000000jane",
  /** Jane's active 14-day trial. */
  trial: "trl0000000000000jane",
  /** The shipment of Jane's sale. */
  shipment: "shp0000000000000jane",
  /** "Main Campaign"; Jane's campaign. */
  campaign: "cmp0000000000000main",
  /** "Sandbox T-Shirt", SKU SHIRT-001, 19.99, shippable. */
  product: "prd000000000000shirt",
  /** "Premium Membership", 9.99 every 30 days. */
  productMembership: "prd00000000000member",
  /** "Trial Box", 29.99 after a 14-day trial, shippable. */
  productTrial: "prd000000000trialbox",
  /** A valid coupon code for GET /coupons/validate. */
  couponCode: "SAVE10",
  /** V1 only: the license key issued with Jane's sale (value JANE-0001-SANDBOX-KEY). */
  licenseKey: "lic0000000000000jane",
  /** V1 only: the Sentinel fraud detection request of Jane's sale. */
  fraudDetectionRequest: "fdr0000000000000jane",
} as const;

/** First seeded id per id name; other indexes fall back to the readable pattern below. */
const FIRST_IDS: Record<string, string> = {
  customer_id: SEED_IDS.customer,
  customer_card_id: SEED_IDS.customerCard,
  sale_id: SEED_IDS.sale,
  transaction_id: SEED_IDS.transaction,
  subscription_id: SEED_IDS.subscription,
  trial_id: SEED_IDS.trial,
  shipping_id: SEED_IDS.shipment,
  campaign_id: SEED_IDS.campaign,
  product_id: SEED_IDS.product,
};

/** Free-form ids (not 20-character) for collections keyed by a name. */
const NAMED_IDS: Record<string, string[]> = {
  table_name: ["transactions", "sales", "customers", "subscriptions"],
  key: ["greeting", "feature_flags", "checkout_version"],
};

/**
 * The id of the `index`-th seeded item of the collection whose id is called `idKey`
 * (e.g. "ai_assistant_id" -> "aiassistant000000001"). Deterministic and independent of the clock.
 */
export function seedIdFor(idKey: string, index = 0): string {
  if (index === 0 && FIRST_IDS[idKey]) return FIRST_IDS[idKey];
  const named = NAMED_IDS[idKey]?.[index];
  if (named) return named;
  const stem = idKey
    .replace(/_id$/, "")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 14);
  const n = String(index + 1);
  return stem + "0".repeat(20 - stem.length - n.length) + n;
}
