// The operator's limits file: how much money, and how many destructive calls, one credential may
// move or make, whatever the model asks. Read and validated once at start-up, so a typo stops the
// server with a message naming the field instead of silently leaving a limit off.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { DAY, HOUR } from "../guard/store.js";
import { toCents } from "./amounts.js";
import type { MoneyClass } from "../operations/operation.js";
import type { Allowance } from "./ledger.js";

const POSITIVE = "must be a positive number";
const WHOLE = "must be a positive whole number";
/** 2^53 cents is where counting in cents stops being exact; no real limit comes near. */
const LARGEST = 10_000_000_000_000;

const amount = z
  .number({ error: POSITIVE })
  .positive({ error: POSITIVE })
  .max(LARGEST, { error: `must be at most ${LARGEST}` });
const calls = z.number({ error: WHOLE }).int({ error: WHOLE }).positive({ error: WHOLE });

const moneyRules = z.strictObject({
  /** Per call: the caller compares the amount itself (see allowancesFor's perCall). */
  max_amount: amount.optional(),
  /** Per credential, rolling 24 hours. */
  max_total: amount.optional(),
  /** Per credential and customer, rolling 30 days. */
  max_per_customer: amount.optional(),
  /** Per credential, rolling hour. */
  max_calls: calls.optional(),
});

export const limitsSchema = z.strictObject({
  refunds: moneyRules.optional(),
  voids: moneyRules.optional(),
  sales: moneyRules.optional(),
  // A destructive call (a delete, a cancel) moves no amount of its own, so only its count is limited;
  // a money call that is also destructive has its amounts limited by its money class.
  destructive: z.strictObject({ max_calls: calls.optional() }).optional(),
  /** By operation id, on top of the class rules: e.g. a tighter max_amount for one operation. */
  operations: z.record(z.string(), moneyRules).optional(),
});

export type Limits = z.infer<typeof limitsSchema>;
type Rules = z.infer<typeof moneyRules>;

/** What the support profile may refund when it may refund at all and no limits file is given. */
export const SUPPORT_REFUND_DEFAULTS: Limits = { refunds: { max_amount: 50, max_per_customer: 100 } };

/** Reads and validates the limits file; any problem is a ConfigError naming the file and the field. */
export function loadLimits(path: string): Limits {
  const fail = (what: string) => new ConfigError(`limits file ${path}: ${what}`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw fail(`cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`);
  }
  const parsed = limitsSchema.safeParse(json);
  if (!parsed.success) throw fail(parsed.error.issues.slice(0, 5).map(describeIssue).join("; "));
  return parsed.data;
}

/** One issue as "<field path> <what is wrong>", in the file's own key names. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const known =
      issue.path.length === 0
        ? Object.keys(limitsSchema.shape)
        : issue.path[0] === "destructive"
          ? ["max_calls"]
          : Object.keys(moneyRules.shape);
    return issue.keys
      .map((key) => `${at ? `${at}.` : ""}${key} is not a known key (known: ${known.join(", ")})`)
      .join("; ");
  }
  if (issue.code === "invalid_type" && issue.expected === "object" && issue.path.length === 0)
    return "the file must hold a JSON object";
  if (issue.code === "invalid_type" && issue.expected === "record")
    return `${at} must be an object of operation ids to limits`;
  if (issue.code === "invalid_type" && issue.expected === "object") return `${at} must be an object of limits`;
  return `${at} ${issue.message}`;
}

/** A call as the limits see it; amount and customer are what RevCent says, not what the model said. */
export interface MoneyCall {
  operation: string;
  moneyClass?: MoneyClass;
  destructive: boolean;
  /** The credential's non-reversible name: counters are never shared between credentials. */
  credential: string;
  customer?: string;
  amount?: number;
}

export interface PerCall {
  /** E.g. `refunds.max_amount` or `operations.RefundTransaction.max_amount`. */
  name: string;
  max: number;
}

const WINDOW_MS = { max_total: DAY, max_per_customer: 30 * DAY, max_calls: HOUR } as const;

/**
 * Every rule that applies to the call: its money class's, `destructive`'s when it destroys, and its
 * operation's own. Rolling limits become ledger allowances (in that order, so a refusal names the
 * class rule first); `max_amount` is a per-call check, returned as the tightest `perCall`.
 * `max_total` and `max_per_customer` need the amount (and the customer); a rule that cannot be
 * counted for want of them is named in `uncounted`, and the caller refuses the call: a limit that
 * silently does not apply is no limit.
 */
export function allowancesFor(
  limits: Limits,
  call: MoneyCall,
): { allowances: Allowance[]; perCall?: PerCall; uncounted?: string } {
  const scopes: Array<[string, Rules | undefined]> = [];
  if (call.moneyClass) scopes.push([call.moneyClass, limits[call.moneyClass]]);
  if (call.destructive) scopes.push(["destructive", limits.destructive]);
  scopes.push([`operations.${call.operation}`, limits.operations?.[call.operation]]);

  const allowances: Allowance[] = [];
  let perCall: PerCall | undefined;
  let uncounted: string | undefined;
  for (const [scope, rules] of scopes) {
    if (!rules) continue;
    const allow = (rule: keyof typeof WINDOW_MS, max: number, amount: number, ...who: string[]) => {
      const name = `${scope}.${rule}`;
      // Every part encoded, so no credential, customer or operation id can make two keys one.
      const key = [name, ...who].map(encodeURIComponent).join(":");
      allowances.push({ key, name, windowMs: WINDOW_MS[rule], max, amount });
    };
    if (rules.max_amount !== undefined && (!perCall || rules.max_amount < perCall.max))
      perCall = { name: `${scope}.max_amount`, max: rules.max_amount };
    if (rules.max_total !== undefined) {
      if (call.amount !== undefined) allow("max_total", rules.max_total, call.amount, call.credential);
      else uncounted ??= `${scope}.max_total`;
    }
    if (rules.max_per_customer !== undefined) {
      if (call.amount !== undefined && call.customer !== undefined)
        allow("max_per_customer", rules.max_per_customer, call.amount, call.credential, call.customer);
      else uncounted ??= `${scope}.max_per_customer`;
    }
    if (rules.max_calls !== undefined) allow("max_calls", rules.max_calls, 1, call.credential);
  }
  return { allowances, ...(perCall ? { perCall } : {}), ...(uncounted ? { uncounted } : {}) };
}

/**
 * The per-call check, in cents like the ledger (so 0.1 + 0.2 is not over 0.3). An unknown amount
 * cannot be shown to be within a max_amount, so it is refused.
 */
export function checkPerCall(
  perCall: PerCall | undefined,
  amount: number | undefined,
): { ok: true } | { ok: false; limit: string; max: number } {
  if (!perCall) return { ok: true };
  if (amount !== undefined && toCents(amount) <= toCents(perCall.max)) return { ok: true };
  return { ok: false, limit: perCall.name, max: perCall.max };
}
