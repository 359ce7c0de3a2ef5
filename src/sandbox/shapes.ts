// Item shapes shared by the seed and the handlers.
import type { Item } from "./store.js";

/** The customer fields a transaction's nested `customer` may carry (official schema). */
const NESTED_CUSTOMER_FIELDS = [
  "address_line_1",
  "address_line_2",
  "blocked",
  "city",
  "company",
  "country",
  "email",
  "first_name",
  "internal_id",
  "last_name",
  "phone",
  "state",
  "zip",
  "created_date_unix",
  "id",
  "enabled",
  "metadata",
  "updated_date_unix",
] as const;

export function nestedCustomer(customer: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of NESTED_CUSTOMER_FIELDS) if (customer[f] !== undefined) out[f] = customer[f];
  return out;
}
