// What POST /x/{id}/<action> does to an item when no collection-specific hook exists. Verbs are
// interpreted by name (enable, cancel, refund, add_to_group, mark_as_read, ...), with a generic
// fallback that records a status and a timestamp, so every action in the spec does something.
import { isRecord } from "./schema.js";
import type { Collection, Item } from "./store.js";
import { DAY_SECONDS } from "../operations/operation.js";

export interface ActionInput {
  collection: Collection;
  item: Item;
  /** The body without secret fields (safe to store). */
  body: Record<string, unknown>;
  /** The body as received; read card numbers from it, never store it. */
  raw?: Record<string, unknown>;
  /** Sandbox clock, unix seconds. */
  now: number;
  /** Generates a fresh 20-character id, unused in the named collection. */
  newId: (collection: string) => string;
}

export interface ActionOutcome {
  /** The item after the action (already saved), or undefined when it was deleted. */
  item?: Item;
  /** Extra fields for the response (e.g. the id of something the action created). */
  extra?: Record<string, unknown>;
}

/** Statuses for verbs whose past tense is not the RevCent status. */
const STATUS: Record<string, string> = {
  activate: "Active",
  suspend: "Suspended",
  cancel: "Cancelled",
  expire: "Expired",
  void: "Void",
  renew: "Active",
  process: "Processed",
};

function pastTense(verb: string): string {
  if (verb.endsWith("e")) return `${verb}d`;
  if (/[^aeiou][aeiou][lp]$/.test(verb)) return `${verb}${verb.slice(-1)}ed`;
  return `${verb}ed`;
}

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const round2 = (n: number) => Math.round(n * 100) / 100;

function firstNumber(body: Record<string, unknown>, names: string[]): number | undefined {
  for (const n of names) if (typeof body[n] === "number") return body[n] as number;
  const any = Object.entries(body).find(([k, v]) => k !== "idempotency_key" && typeof v === "number");
  return any?.[1] as number | undefined;
}

/** The id an add/remove action refers to: a "*_id" field, else "id", else a string value. */
function referencedId(body: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(body)) if (k.endsWith("_id") && typeof v === "string") return v;
  if (typeof body.id === "string") return body.id;
  return undefined;
}

function without(body: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out = { ...body };
  for (const k of keys) delete out[k];
  return out;
}

/** add_to_group -> "groups", add_user_gateway -> "user_gateways", associate_entity -> "entities". */
function listField(noun: string): string {
  const bare = noun.replace(/^(to|from)_/, "");
  if (/[^aeiou]y$/.test(bare)) return `${bare.slice(0, -1)}ies`;
  return /(s|x|ch|sh)$/.test(bare) ? `${bare}es` : `${bare}s`;
}

export function applyAction(action: string, input: ActionInput): ActionOutcome {
  const { collection, item, body, now } = input;
  const patch: Record<string, unknown> = { updated_date_unix: now };
  const save = (): ActionOutcome => ({ item: collection.update(item.id, patch) });

  if (action === "delete") {
    collection.remove(item.id);
    return {};
  }
  if (action === "enable" || action === "disable") {
    patch.enabled = action === "enable";
    return save();
  }
  if (action.startsWith("mark_as_")) {
    const flag = action.slice("mark_as_".length);
    patch[flag] = true;
    patch[`${flag}_date_unix`] = now;
    return save();
  }
  if (action === "set_default") {
    // Only one default per owner (e.g. a customer's cards).
    const owner = item.customer_id ?? (isRecord(item.customer) ? item.customer.id : undefined);
    for (const other of collection.all()) {
      const otherOwner = other.customer_id ?? (isRecord(other.customer) ? other.customer.id : undefined);
      if (other.id !== item.id && other.is_default === true && otherOwner === owner)
        collection.update(other.id, { is_default: false });
    }
    patch.is_default = true;
    return save();
  }
  const addRemove = /^(add|remove|associate|disassociate)_(.+)$/.exec(action);
  if (addRemove) {
    const adding = addRemove[1] === "add" || addRemove[1] === "associate";
    const noun = addRemove[2]!;
    const field = listField(noun);
    const list = Array.isArray(item[field]) ? [...(item[field] as unknown[])] : [];
    const ref = referencedId(body);
    if (adding) {
      const entry = ref ?? {
        id: input.newId(collection.name),
        ...without(body, "idempotency_key"),
        created_date_unix: now,
      };
      if (!list.some((x) => x === ref && ref !== undefined)) list.push(entry);
    } else {
      if (ref === undefined) list.length = 0;
      const i = list.findIndex((x) => x === ref || (isRecord(x) && x.id === ref));
      if (i >= 0) list.splice(i, 1);
    }
    patch[field] = list;
    // Boolean flags such as add_fraud_alert / remove_fraud_alert.
    if (!ref && noun.endsWith("alert")) patch[noun] = adding;
    return save();
  }
  if (action === "refund") {
    const total =
      typeof item.amount_total === "number" ? item.amount_total : typeof item.amount === "number" ? item.amount : 0;
    const refunded = typeof item.amount_refunded === "number" ? item.amount_refunded : 0;
    const amount = round2(Math.min(firstNumber(body, ["amount", "refund_amount"]) ?? total, total));
    patch.amount_refunded = round2(refunded + amount);
    patch.amount_total = round2(total - amount);
    patch.status = total - amount <= 0 ? "Refunded" : "Partially Refunded";
    patch.refunded_date_unix = now;
    return { ...save(), extra: { amount_refunded: amount } };
  }
  if (action === "extend" || action === "shorten") {
    const days = firstNumber(body, ["days", "num_days"]) ?? 1;
    const sign = action === "extend" ? 1 : -1;
    const end = typeof item.end_date_unix === "number" ? item.end_date_unix : now;
    patch.end_date_unix = Math.max(now, end + sign * days * DAY_SECONDS);
    if (typeof item.num_days === "number") patch.num_days = Math.max(0, item.num_days + sign * days);
    return save();
  }
  if (action === "renew") {
    patch.renewal_count = (typeof item.renewal_count === "number" ? item.renewal_count : 0) + 1;
    patch.last_renewal_date_unix = now;
    const interval = typeof item.renewal_interval_days === "number" ? item.renewal_interval_days : 30;
    patch.next_renewal_date_unix = now + interval * DAY_SECONDS;
  }
  if (action === "trigger") {
    patch.trigger_count = (typeof item.trigger_count === "number" ? item.trigger_count : 0) + 1;
    patch.last_triggered_date_unix = now;
    return { ...save(), extra: { triggered: true } };
  }
  // Generic: "initialize_ssl" -> status "Initialized SSL", initialized_ssl_date_unix.
  const [verb, ...rest] = action.split("_");
  const done = pastTense(verb!);
  patch.status = STATUS[action] ?? [title(done), ...rest.map((w) => w.toUpperCase())].join(" ");
  patch[[done, ...rest, "date_unix"].join("_")] = now;
  return save();
}
