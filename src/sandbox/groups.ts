// AddCustomerToGroup / RemoveCustomerFromGroup: both sides change, the customer's
// `customer_groups` and the group's `customers`.
import type { ActionHook } from "./custom-types.js";
import { idsOf, link, unlink } from "./links.js";
import { badRequest, notFound } from "./responses.js";

/** Group ids of the body: customer_group (the documented array), customer_group_id, customer_group_ids or customer_groups. */
function groupIds(body: Record<string, unknown>): string[] {
  const ids = [body.customer_group, body.customer_group_id, body.customer_group_ids, body.customer_groups].flatMap(
    (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]),
  );
  if (!ids.length) throw badRequest("Missing required parameter: customer_group", "E_MISSING_PARAMETER");
  if (!ids.every((x): x is string => typeof x === "string")) throw badRequest("customer_group_id must be a string");
  return ids;
}

const membership =
  (adding: boolean): ActionHook =>
  ({ store, item, body, now }) => {
    const ids = groupIds(body);
    for (const id of ids)
      if (!store.collection("customer_groups").has(id)) throw notFound(`The customer group "${id}" does not exist.`);
    for (const id of ids) {
      if (adding) {
        link(store, "customers", item.id, "customer_groups", id);
        link(store, "customer_groups", id, "customers", item.id);
      } else {
        unlink(store, "customers", item.id, "customer_groups", id);
        unlink(store, "customer_groups", id, "customers", item.id);
      }
      store.collection("customer_groups").update(id, { updated_date_unix: now });
    }
    const updated = store.collection("customers").update(item.id, {
      updated_date_unix: now,
      customer_groups: idsOf(store.collection("customers").get(item.id), "customer_groups"),
    });
    return { item: updated, extra: { customer_groups: idsOf(updated, "customer_groups") } };
  };

export const GROUP_HOOKS: Record<string, ActionHook> = {
  "customers/add_to_group": membership(true),
  "customers/remove_from_group": membership(false),
};
