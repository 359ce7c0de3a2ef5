// What a money-moving or destructive call will do, in words a human can confirm, computed by the
// server from RevCent's own record — never from the model's arguments alone. A model that says
// "refund 5" for a sale of 500 gets a summary that names both, and the limits count what RevCent
// says will move when the model names no amount.
import { RevCentError } from "../errors.js";
import { isObject, type Operation } from "../operations/operation.js";

/** Reads one record by operation id (the client's call, under the session's policy). */
export type RecordReader = (operationId: string, args: Record<string, unknown>) => Promise<unknown>;

export interface ChangeSummary {
  /** One paragraph for the human: what, on which record, for which customer, how much. */
  text: string;
  /** The amount that will move, when it can be known before the call. */
  amount?: number;
  currency?: string;
  customer?: string;
  /** The ids the call names (path ids, the V1 record argument, customer_id). */
  targets: Record<string, string>;
}

const ISO_CURRENCY = /^[A-Z]{3}$/;
/** An id as RevCent writes them (as the audit trail keeps them). */
const ID_LIKE = /^[A-Za-z0-9_-]{1,64}$/;

/** Where a record says what was taken from the customer (what a refund or void can give back). */
const CHARGED_FIELDS = ["amount_captured", "amount", "amount_total"] as const;
/** Where a record says what charging it takes (a pending sale, a subscription's renewal). */
const CHARGE_FIELDS = ["amount_total", "amount"] as const;
/**
 * Arguments of a charge on an existing record that only say how to pay or label it. Any other
 * argument (ProcessPendingSale's product, shipping, tax, discount, coupon, currency, customer …)
 * is applied by RevCent before it charges, so the record's total is not what will move.
 */
const PAYMENT_ONLY_ARGUMENTS: ReadonlySet<string> = new Set([
  "idempotency_key",
  "payment_profile",
  "gateway",
  "credit_card",
  "customer_card_id",
  "payment",
  "metadata",
  "internal_sale_id",
  "internal_customer_id",
  "third_party_shop",
]);

export async function summarize(
  op: Operation,
  args: Record<string, unknown>,
  read: RecordReader,
  operations: ReadonlyMap<string, Operation>,
): Promise<ChangeSummary> {
  const targets = targetsOf(op, args);
  const record = await recordOf(op, args, operations, read);
  const estimate = await estimateOf(op, args, operations, read);
  const total = record ? firstNumber(record, op.movesMoney === "sales" ? CHARGE_FIELDS : CHARGED_FIELDS) : undefined;
  const refunded = record ? firstNumber(record, ["amount_refunded"]) : undefined;
  // Strings a record holds were written by whoever made it (a checkout, an import): only an ISO
  // code and an id-shaped customer reach the person's summary, the limits and the audit trail.
  const currency = isoCurrency(record) ?? estimate?.currency;
  // A charge whose arguments change the record before it is charged: its total says nothing.
  const changes = op.movesMoney === "sales" && op.kind !== "create" ? chargeChanges(op, args) : [];
  const argCustomer = typeof args.customer_id === "string" ? args.customer_id : undefined;
  const customer =
    record && !changes.some((name) => name === "customer_id" || name === "customer") ? customerOf(record) : argCustomer;
  const asked = typeof args.amount === "number" ? args.amount : undefined;
  const remaining = total !== undefined ? round2(total - (refunded ?? 0)) : undefined;

  const on = Object.entries(targets)
    .map(([name, id]) => `${name} ${id}`)
    .join(", ");
  const money = (n: number | undefined) =>
    n === undefined ? "an amount RevCent decides" : `${n.toFixed(2)} ${currency ?? ""}`.trim();
  const parts: string[] = [];
  let amount: number | undefined;
  switch (op.movesMoney) {
    case "refunds": {
      amount = asked ?? remaining;
      parts.push(
        `${op.title}: refund ${money(amount)}${asked === undefined ? " (everything not yet refunded)" : ""} on ${on}.`,
      );
      if (total !== undefined)
        parts.push(`RevCent shows ${money(total)} charged on it, ${money(refunded ?? 0)} already refunded.`);
      if (asked !== undefined && remaining !== undefined && asked > remaining)
        parts.push(`The amount asked is more than the ${money(remaining)} that can still be refunded.`);
      if (args.refunded_offsite === true) parts.push("Marked as refunded offsite: the gateway returns nothing.");
      break;
    }
    case "voids":
      amount = remaining;
      parts.push(
        `${op.title}: void ${on}; every payment on it (${money(remaining)}) is refunded. This cannot be undone.`,
      );
      break;
    case "sales":
      amount = asked ?? estimate?.amount ?? (op.kind === "create" || changes.length ? undefined : (total ?? undefined));
      parts.push(`${op.title}: charge ${money(amount)}${on ? ` on ${on}` : ""}.`);
      if (estimate) parts.push(`That is RevCent's own estimate (${op.estimateWith}) for what the call names now.`);
      if (changes.length && total !== undefined)
        parts.push(
          `RevCent shows ${money(total)} on it now, but this call also sets ${changes.join(", ")}, which change what is charged.`,
        );
      break;
    default:
      parts.push(`${op.title}: ${on || "no record named"}. This cannot be undone.`);
  }
  if (customer) parts.push(`Customer ${customer}.`);
  return {
    text: parts.join(" "),
    targets,
    ...(amount !== undefined ? { amount } : {}),
    ...(currency ? { currency } : {}),
    ...(customer ? { customer } : {}),
  };
}

/** Only an ISO code reaches the summary: a record's strings were written by whoever made it. */
function isoCurrency(doc: Record<string, unknown> | undefined): string | undefined {
  return doc && typeof doc.iso_currency === "string" && ISO_CURRENCY.test(doc.iso_currency)
    ? doc.iso_currency
    : undefined;
}

/**
 * What a charge with no record before it runs (a new sale) will take, priced by RevCent itself
 * through the operation that estimates it, from the same arguments; undefined when RevCent cannot
 * price them (the limits then refuse rather than guess).
 */
async function estimateOf(
  op: Operation,
  args: Record<string, unknown>,
  operations: ReadonlyMap<string, Operation>,
  read: RecordReader,
): Promise<{ amount: number; currency?: string } | undefined> {
  const estimator = op.estimateWith ? operations.get(op.estimateWith) : undefined;
  if (!estimator) return undefined;
  const body = Object.fromEntries(
    Object.entries(args).filter(([name]) => estimator.bodyFields.includes(name) && name !== "idempotency_key"),
  );
  try {
    const answer = await read(estimator.id, body);
    if (!isObject(answer)) return undefined;
    const amount = firstNumber(answer, ["amount_bill_now", "amount_total"]);
    const currency = isoCurrency(answer);
    return amount === undefined ? undefined : { amount, ...(currency ? { currency } : {}) };
  } catch (err) {
    if (err instanceof RevCentError && (err.code === "bad_request" || err.code === "not_found")) return undefined;
    throw err;
  }
}

/** The ids a call names: its path parameters, the V1 record argument, a customer_id, a note's item, a fraud detection's source. */
export function targetsOf(op: Operation, args: Record<string, unknown>): Record<string, string> {
  const names = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
  if (op.v1?.entityArgument) names.push(op.v1.entityArgument);
  names.push("customer_id", "item_id", "source_id");
  const out: Record<string, string> = {};
  for (const name of names) if (typeof args[name] === "string") out[name] = args[name] as string;
  return out;
}

/** The arguments of a charge on an existing record that change what it charges (see PAYMENT_ONLY_ARGUMENTS). */
function chargeChanges(op: Operation, args: Record<string, unknown>): string[] {
  const ids = new Set(op.parameters.filter((p) => p.in === "path").map((p) => p.name));
  if (op.v1?.entityArgument) ids.add(op.v1.entityArgument);
  return Object.keys(args).filter(
    (name) => args[name] !== undefined && !ids.has(name) && !PAYMENT_ONLY_ARGUMENTS.has(name),
  );
}

/** The record the call acts on, through the read that shows its effect; none for a creation. */
async function recordOf(
  op: Operation,
  args: Record<string, unknown>,
  operations: ReadonlyMap<string, Operation>,
  read: RecordReader,
): Promise<Record<string, unknown> | undefined> {
  const reader = op.verifyWith ? operations.get(op.verifyWith) : undefined;
  const idParam = reader?.parameters.find((p) => p.in === "path")?.name;
  if (!reader || !idParam) return undefined;
  const id = op.v1?.entityArgument ? args[op.v1.entityArgument] : args[idParam];
  if (typeof id !== "string") return undefined;
  try {
    const body = await read(reader.id, { [idParam]: id });
    return isObject(body) ? body : undefined;
  } catch (err) {
    // No such record to read (a V1 cancel names its sale by your own request id): the summary says
    // less and a limit that needs the amount refuses; anything else (RevCent unreachable) fails the call.
    if (err instanceof RevCentError && (err.code === "not_found" || err.code === "bad_request")) return undefined;
    throw err;
  }
}

function customerOf(record: Record<string, unknown>): string | undefined {
  const id =
    typeof record.customer_id === "string"
      ? record.customer_id
      : isObject(record.customer) && typeof record.customer.id === "string"
        ? record.customer.id
        : undefined;
  return id !== undefined && ID_LIKE.test(id) ? id : undefined;
}

function firstNumber(record: Record<string, unknown>, fields: readonly string[]): number | undefined {
  for (const f of fields) if (typeof record[f] === "number" && Number.isFinite(record[f])) return record[f] as number;
  return undefined;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
