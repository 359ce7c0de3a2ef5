// Cross-links between items: id lists such as a customer's `sales` or a sale's `pending_refunds`.
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";

/** Appends `value` to the id list `field` of an item (once); a missing item is ignored. */
export function link(store: Store, collection: string, id: string | undefined, field: string, value: string): void {
  if (!id) return;
  const c = store.collection(collection);
  const item = c.get(id);
  if (!item) return;
  const list = Array.isArray(item[field]) ? (item[field] as unknown[]) : [];
  if (!list.includes(value)) c.update(id, { [field]: [...list, value] });
}

/** Removes `value` from the id list `field` of an item. */
export function unlink(store: Store, collection: string, id: string | undefined, field: string, value: string): void {
  if (!id) return;
  const c = store.collection(collection);
  const item = c.get(id);
  if (!item || !Array.isArray(item[field])) return;
  c.update(id, { [field]: (item[field] as unknown[]).filter((v) => v !== value) });
}

/** The ids in an item's list field. */
export function idsOf(item: Item | undefined, field: string): string[] {
  const v = item?.[field];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function customerIdOf(item: Item | undefined): string | undefined {
  if (!item) return undefined;
  if (typeof item.customer_id === "string") return item.customer_id;
  return isRecord(item.customer) && typeof item.customer.id === "string" ? item.customer.id : undefined;
}

/** The sale an item belongs to: its sale_id, else the first of its `sales`. */
export function saleIdOf(item: Item | undefined): string | undefined {
  if (!item) return undefined;
  if (typeof item.sale_id === "string") return item.sale_id;
  return idsOf(item, "sales")[0];
}

/** The campaign and customer fields every commerce item carries. */
export function commonOf(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ["customer", "customer_id", "campaign_id", "campaign_name", "iso_currency"])
    if (item[f] !== undefined) out[f] = item[f];
  return out;
}
