// Things attached to an item named by {item_type, item_id}: metadata (InsertMetadata, visible to
// list metadata_filter) and notes (CreateNote, listed on the item and tied to its customer).
import type { CreateHook } from "./custom-types.js";
import { customerIdOf, link } from "./links.js";
import type { CompiledApi } from "./operations.js";
import { notFound } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";

/**
 * The item an {item_type, item_id} body points at (item_type "sale" -> the collection keyed
 * sale_id); undefined when the body names no target, 404 when the target does not exist.
 */
function targetOf(
  api: CompiledApi,
  store: Store,
  body: Record<string, unknown>,
): { collection: string; item: Item } | undefined {
  if (body.item_type === undefined && body.item_id === undefined) return undefined;
  const type = typeof body.item_type === "string" ? body.item_type : "";
  const info = [...api.collections.values()].find((c) => c.idKey === `${type}_id`);
  const item = info && typeof body.item_id === "string" ? store.collection(info.name).get(body.item_id) : undefined;
  if (!info || !item) throw notFound();
  return { collection: info.name, item };
}

/** InsertMetadata: adds name/value pairs to the target item (same name replaces the value). */
export const insertMetadata: CreateHook = ({ api, store, body, now, newId }) => {
  const target = targetOf(api, store, body);
  const metadata = (Array.isArray(target?.item.metadata) ? target.item.metadata : []).filter(isRecord);
  for (const entry of (Array.isArray(body.metadata) ? body.metadata : []).filter(isRecord)) {
    const at = metadata.findIndex((m) => m.name === entry.name);
    if (at >= 0) metadata[at] = { name: entry.name, value: entry.value };
    else metadata.push({ name: entry.name, value: entry.value });
  }
  if (target) store.collection(target.collection).update(target.item.id, { metadata, updated_date_unix: now });
  const id = newId("metadata");
  const record = store
    .collection("metadata")
    .insert({ id, created_date_unix: now, updated_date_unix: now, ...body, metadata });
  return { ...record, metadata_id: id };
};

/** CreateNote: saves the note, lists its id on the target item and ties it to the item's customer. */
export const createNote: CreateHook = ({ api, store, body, now, newId }) => {
  const target = targetOf(api, store, body);
  const id = newId("notes");
  const customerId = target?.collection === "customers" ? target.item.id : customerIdOf(target?.item);
  const note = store.collection("notes").insert({
    id,
    created_date_unix: now,
    updated_date_unix: now,
    ...body,
    ...(customerId ? { customer_id: customerId } : {}),
  });
  if (target) link(store, target.collection, target.item.id, "notes", id);
  if (target && customerId && target.collection !== "customers") link(store, "customers", customerId, "notes", id);
  if (target) store.collection(target.collection).update(target.item.id, { updated_date_unix: now });
  return { ...note, note_id: id };
};
