// Seed data for the V1-only entities the sandbox answers at /v1: license keys and fraud detection
// requests of Jane's sale (and one of another customer, for the guard), quota unit groups and
// quota units. Deterministic, dates relative to the clock at start.
import { idsOf } from "./links.js";
import { SEED_IDS, seedIdFor } from "./seed-ids.js";
import { nestedCustomer } from "./shapes.js";
import type { Item, Store } from "./store.js";
import { DAY_SECONDS } from "../operations/operation.js";

export function seedV1(store: Store, nowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  seedQuota(store, now);
  const jane = store.collection("customers").get(SEED_IDS.customer);
  const other = store.collection("customers").get(seedIdFor("customer_id", 1));
  const janeSale = store.collection("sales").get(SEED_IDS.sale);
  if (jane) {
    licenseKey(store, SEED_IDS.licenseKey, "JANE-0001-SANDBOX-KEY", jane, janeSale, now - 3 * DAY_SECONDS);
    fraudDetectionRequest(store, SEED_IDS.fraudDetectionRequest, jane, janeSale, now - 3 * DAY_SECONDS);
  }
  if (other) {
    const sale = store.collection("sales").find((s) => s.customer_id === other.id);
    licenseKey(store, seedIdFor("license_key_id", 1), "OTHER-0002-SANDBOX-KEY", other, sale, now - 5 * DAY_SECONDS);
    fraudDetectionRequest(store, seedIdFor("fraud_detection_request_id", 1), other, sale, now - 5 * DAY_SECONDS);
  }
}

function seedQuota(store: Store, now: number): void {
  const groups = ["Gold Brand", "Platinum Brand"].map((name, i) => {
    const at = now - 50 * DAY_SECONDS + i * 3600;
    return store.collection("quota_unit_groups").insert({
      id: seedIdFor("quota_unit_group_id", i),
      created_date_unix: at,
      updated_date_unix: at,
      name,
      description: `${name} units`,
      enabled: true,
    });
  });
  const units: [string, Item][] = [
    ["Phone Minute", groups[0]!],
    ["Gold Token", groups[0]!],
    ["Platinum Token", groups[1]!],
  ];
  units.forEach(([name, group], i) => {
    const at = now - 49 * DAY_SECONDS + i * 3600;
    store.collection("quota_units").insert({
      id: seedIdFor("quota_unit_id", i),
      created_date_unix: at,
      updated_date_unix: at,
      name,
      description: `One ${name.toLowerCase()}`,
      enabled: true,
      quota_unit_group: { id: group.id, name: group.name },
    });
  });
}

/** The fields V1 answers share: the record's customer and the ids of what it relates to. */
function related(customer: Item, sale: Item | undefined): Record<string, unknown> {
  return {
    customer: nestedCustomer(customer),
    campaign_id: sale?.campaign_id ?? customer.campaign_id ?? null,
    campaign_name: sale?.campaign_name ?? customer.campaign_name ?? null,
    sale: sale ? { id: sale.id } : null,
    sales: sale ? [sale.id] : [],
    transactions: sale ? idsOf(sale, "transactions") : [],
    product_sales: sale ? idsOf(sale, "product_sales") : [],
    chargebacks: [],
    check_directs: [],
    offline_payments: [],
    paypal_transactions: [],
    pending_refunds: [],
    notes: [],
  };
}

function licenseKey(store: Store, id: string, value: string, customer: Item, sale: Item | undefined, at: number): void {
  store.collection("license_keys").insert({
    id,
    created_date_unix: at,
    updated_date_unix: at,
    license_key: value,
    ...related(customer, sale),
    enabled: true,
    status: "Enabled",
    is_issued: true,
    issued_date_unix: at,
    is_expired: false,
    expired_date_unix: null,
    license_key_profile: { id: seedIdFor("license_key_profile_id", 0), name: "Sandbox Keys" },
    license_key_source: "revcent",
    internal_id: "",
  });
}

function fraudDetectionRequest(store: Store, id: string, customer: Item, sale: Item | undefined, at: number): void {
  store.collection("fraud_detection_requests").insert({
    id,
    created_date_unix: at,
    updated_date_unix: at,
    ...related(customer, sale),
    is_sentinel: true,
    is_third_party_integration: false,
    third_party_integration: null,
    fraud_detected: false,
    fraud_score: 4,
    score_threshold: 80,
    score_threshold_bound: "upper",
    result: "No fraud detected. Continuing payment.",
  });
}
