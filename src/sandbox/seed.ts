// Seeds the store deterministically (fixed PRNG seed; dates relative to the clock at start):
// the commerce data of seed-commerce.ts, then a few generic items for every other collection the
// spec has, so every get/edit/action operation has something to work on, and last the BigQuery
// tables that describe them.
import { BIGQUERY_TABLES_COLLECTION, seedBigQueryTables } from "./bigquery.js";
import type { CollectionInfo, CompiledApi } from "./operations.js";
import { Prng } from "./prng.js";
import { seedCommerce, type SeedContext } from "./seed-commerce.js";
import { nestedCustomer } from "./shapes.js";
import { seedIdFor } from "./seed-ids.js";
import type { Store } from "./store.js";
import { DAY_SECONDS } from "../operations/operation.js";

export { SEED_IDS, seedIdFor } from "./seed-ids.js";

const SEED = 0x5eed_2024;
const GENERIC_COUNT = 3;
const SOURCES = ["facebook", "google", "newsletter", "organic"];

/** Initial state of singleton settings (GET/POST on the same path, e.g. /sentinel). */
const SETTINGS: Record<string, Record<string, unknown>> = {
  sentinel: {
    fraud_firewall: { enabled: true, block_threshold: 80 },
    tracking_visitor_validator: { enabled: false },
    velocity_limits: { enabled: true, max_attempts_per_hour: 5 },
  },
};

const title = (s: string) => s.replace(/_/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());

function singularTitle(info: CollectionInfo): string {
  const base = info.idKey.endsWith("_id") ? info.idKey.slice(0, -3) : (info.name.split("/").pop() ?? info.name);
  return title(base);
}

function seedGeneric(ctx: SeedContext, info: CollectionInfo): void {
  const { store, rng, now } = ctx;
  const params = new Set((info.list?.params ?? []).map((p) => p.name));
  const windowDays = Math.max(1, Math.min(60, info.maxRangeDays ?? 60));
  const customers = store.collection("customers").all();
  const campaigns = store.collection("campaigns").all();
  const collection = store.collection(info.name);
  for (let i = 0; i < GENERIC_COUNT; i++) {
    const id = seedIdFor(info.idKey, i);
    const at = now - rng.int(60, windowDays * DAY_SECONDS - 60);
    const customer = params.has("customer_id") && customers.length ? rng.pick(customers) : undefined;
    const campaign = params.has("campaign_filter") && campaigns.length ? rng.pick(campaigns) : undefined;
    collection.insert({
      id,
      created_date_unix: at,
      updated_date_unix: at,
      ...(info.fixedLengthIds ? {} : { [info.idKey]: id }),
      name: info.fixedLengthIds ? `${singularTitle(info)} ${i + 1}` : id,
      enabled: true,
      ...(customer ? { customer_id: customer.id, customer: nestedCustomer(customer) } : {}),
      ...(campaign ? { campaign_id: campaign.id, campaign_name: campaign.name } : {}),
      metadata: [{ name: "source", value: rng.pick(SOURCES) }],
    });
  }
}

export function seedStore(store: Store, api: CompiledApi, nowMs: number): void {
  const ctx: SeedContext = { store, rng: new Prng(SEED), now: Math.floor(nowMs / 1000) };
  // BigQuery tables describe the other collections, so they are seeded last.
  const done = new Set([...seedCommerce(ctx), BIGQUERY_TABLES_COLLECTION]);
  for (const info of api.collections.values()) {
    if (done.has(info.name)) continue;
    seedGeneric(ctx, info);
    done.add(info.name);
  }
  seedBigQueryTables(store, ctx.now);
  for (const op of api.operations) {
    if (op.kind !== "singleton" && op.kind !== "singleton-edit") continue;
    store.setSettings(op.collection, {
      ...(SETTINGS[op.collection] ?? {}),
      updated_date_unix: ctx.now - 30 * DAY_SECONDS,
    });
  }
}
