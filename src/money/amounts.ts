// Money is counted in integer minor units (cents) inside both ledgers and the per-call check:
// 0.1 + 0.2 in floating point is 0.30000000000000004, which would refuse a sum that is exactly
// the max (or, rounded the other way, let one cent too many through). Integers add exactly.
// A `max_calls` allowance counts 1 per call, so it is 100 "cents" a call; the unit never leaks out.
import type { Allowance } from "./ledger.js";

/**
 * The amount in cents (Math.round(amount * 100)). Throws on a negative or non-finite amount (a
 * caller's bug), and past 2^53 cents, where integers stop being exact and Redis would get "1e+22".
 */
export function toCents(amount: number): number {
  const cents = centsOf(amount);
  if (cents === undefined) throw new RangeError(`not an amount of money: ${amount}`);
  return cents;
}

/**
 * Whether an argument is an amount the limits can count: a number of at least one cent that
 * toCents takes. Under a cent counts as nothing against every limit, and a negative or endless
 * one cannot be counted at all.
 */
export function isCountableAmount(value: unknown): value is number {
  return typeof value === "number" && (centsOf(value) ?? 0) >= 1;
}

function centsOf(amount: number): number | undefined {
  const cents = Math.round(amount * 100);
  return amount >= 0 && Number.isSafeInteger(cents) ? cents : undefined;
}

/** Cents back to the unit the limits file speaks (dollars, or calls). */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** An allowance as both ledgers count it: max and amount in cents. */
export interface CountedAllowance {
  key: string;
  name: string;
  windowMs: number;
  maxCents: number;
  cents: number;
}

/**
 * Checks and converts a reservation's allowances. The same key twice would be checked without its
 * own first amount (and in Redis the two entries would be one member); allowancesFor never does
 * that, so it is a caller's bug and throws, as does a window that is not a positive number of ms.
 */
export function counted(allowances: Allowance[]): CountedAllowance[] {
  if (new Set(allowances.map((a) => a.key)).size !== allowances.length)
    throw new Error("a reservation names the same ledger key twice");
  return allowances.map((a) => {
    if (!(Number.isFinite(a.windowMs) && a.windowMs > 0)) throw new RangeError(`not a window: ${a.windowMs} ms`);
    return {
      key: a.key,
      name: a.name,
      windowMs: Math.ceil(a.windowMs),
      maxCents: toCents(a.max),
      cents: toCents(a.amount),
    };
  });
}
