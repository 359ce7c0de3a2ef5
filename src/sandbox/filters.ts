// List filters (date range on created_date_unix, customer_id, campaign_filter, metadata_filter,
// and any other <field>_filter) and free-text search over an item's string fields.
import { isRecord } from "./schema.js";
import type { Item } from "./store.js";

const METADATA_NAME_EXISTS = "METADATA_NAME_EXISTS";

const HANDLED = new Set([
  "date_start",
  "date_end",
  "limit",
  "page",
  "customer_id",
  "campaign_filter",
  "metadata_filter",
  "search_term",
]);

/** Values an item exposes for a `<name>_filter`, beyond the generic field lookups. */
type Derived = (item: Item) => unknown[];
const DERIVED: Record<string, Derived> = {
  // Transactions have no status field; it is implied by their flags.
  "transactions:status": (t) => [
    t.captured && !t.settled ? "captured" : undefined,
    t.settled ? "settled" : undefined,
    typeof t.amount_refunded === "number" && t.amount_refunded > 0 ? "refunded" : undefined,
    t.held ? "held" : undefined,
    Array.isArray(t.chargebacks) && t.chargebacks.length ? "chargeback" : undefined,
  ],
  "transactions:result": (t) => [
    typeof t.result === "string" ? (t.result === "Merchant Error" ? "error" : t.result) : undefined,
  ],
  "transactions:method": (t) => [t.request_method],
  "transactions:shop": (t) => [isRecord(t.third_party_shop) ? t.third_party_shop.id : undefined],
};

function fieldValues(collection: string, item: Item, field: string): unknown[] {
  const nested = item[field];
  const values = [
    nested,
    item[`${field}_id`],
    isRecord(nested) ? nested.id : undefined,
    item[`iso_${field}`],
    ...(DERIVED[`${collection}:${field}`]?.(item) ?? []),
  ];
  return values
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter((v) => v !== undefined && v !== null && !isRecord(v));
}

const norm = (v: unknown) => String(v).toLowerCase();

function customerIdOf(item: Item): unknown {
  if (item.customer_id !== undefined) return item.customer_id;
  return isRecord(item.customer) ? item.customer.id : undefined;
}

function metadataMatches(item: Item, filters: unknown): boolean {
  if (!Array.isArray(filters)) return true;
  const metadata = Array.isArray(item.metadata) ? item.metadata.filter(isRecord) : [];
  return filters.every((f) => {
    if (!isRecord(f)) return true;
    return metadata.some((m) => m.name === f.name && (f.value === METADATA_NAME_EXISTS || m.value === f.value));
  });
}

export function filterItems(collection: string, items: Item[], query: Record<string, unknown>): Item[] {
  const { date_start: start, date_end: end, customer_id: customer, campaign_filter: campaigns } = query;
  const extra = Object.entries(query).filter(
    ([k, v]) => k.endsWith("_filter") && !HANDLED.has(k) && Array.isArray(v) && v.length,
  );
  return items.filter((item) => {
    if (typeof start === "number" && item.created_date_unix < start) return false;
    if (typeof end === "number" && item.created_date_unix > end) return false;
    if (typeof customer === "string" && customerIdOf(item) !== customer) return false;
    if (
      Array.isArray(campaigns) &&
      campaigns.length &&
      !campaigns.some((c) => fieldValues(collection, item, "campaign").includes(c))
    )
      return false;
    if (!metadataMatches(item, query.metadata_filter)) return false;
    for (const [name, wanted] of extra) {
      const have = fieldValues(collection, item, name.slice(0, -"_filter".length)).map(norm);
      if (!(wanted as unknown[]).some((w) => have.includes(norm(w)))) return false;
    }
    return true;
  });
}

export function newestFirst(items: Item[]): Item[] {
  return [...items].sort(
    (a, b) => b.created_date_unix - a.created_date_unix || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Case-insensitive match of `term` against every string field, nested objects and arrays included.
 * A term of several words that matches nowhere whole ("492020 9560": first 6 and last 4 of a card)
 * matches when every word does.
 */
export function matchesSearch(item: Item, term: string): boolean {
  const words = term.trim().split(/\s+/).filter(Boolean);
  if (matchesWhole(item, term)) return true;
  return words.length > 1 && words.every((w) => matchesWhole(item, w));
}

function matchesWhole(item: Item, term: string): boolean {
  const needle = term.trim().toLowerCase();
  if (!needle) return false;
  const visit = (value: unknown, depth: number): boolean => {
    if (depth > 4) return false;
    if (typeof value === "string") return value.toLowerCase().includes(needle);
    if (typeof value === "number") return String(value) === needle;
    if (Array.isArray(value)) return value.some((v) => visit(v, depth + 1));
    if (isRecord(value)) {
      if (
        typeof value.first_name === "string" &&
        typeof value.last_name === "string" &&
        `${value.first_name} ${value.last_name}`.toLowerCase().includes(needle)
      ) {
        return true;
      }
      return Object.values(value).some((v) => visit(v, depth + 1));
    }
    return false;
  };
  return visit(item, 0);
}
