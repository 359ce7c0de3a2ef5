// What money-moving calls have used of their limits, and the one-time confirmation tokens: state
// that several instances must share exactly (memory for one process, Redis for several), so every
// check-and-count is one atomic step.

/** One limit a call counts against: a rolling window of amounts (or of calls, amount 1) under a key. */
export interface Allowance {
  /** What is counted together: e.g. `refunds:total:<credential>`; any string, never part of a secret. */
  key: string;
  /** The limit's name as the answer shows it: `refunds.max_total`. */
  name: string;
  /** The rolling window. */
  windowMs: number;
  /** The most the window may hold, this call included. */
  max: number;
  /** What this call adds: an amount of money, or 1 for a call. Counted to the cent (see amounts.ts). */
  amount: number;
}

export type Reservation =
  | { ok: true; id: string }
  /** The first allowance that would be exceeded, and what it still allows now (never negative). */
  | { ok: false; limit: string; remaining: number };

export interface MoneyLedger {
  /**
   * Counts the call against every allowance, or — when any of them would go over its max — against
   * none. Atomic: concurrent reservations, from any instance sharing the ledger, never exceed a max.
   */
  reserve(allowances: Allowance[]): Promise<Reservation>;
  /**
   * Takes back a reservation whose call certainly moved nothing (refused, declined, never sent).
   * Pass the allowances it was reserved with: an entry is found by its key, id and amount.
   */
  release(id: string, allowances: Allowance[]): Promise<void>;
  /** Keeps `value` under `key` for `ttlMs`, to be taken once. */
  putOnce(key: string, value: string, ttlMs: number): Promise<void>;
  /** The value under `key`, removed in the same step, so a second take gets nothing; undefined if absent or expired. */
  takeOnce(key: string): Promise<string | undefined>;
  close?(): Promise<void>;
}
