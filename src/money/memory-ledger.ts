// The ledger for one process. Each key holds the (time, reservation, cents) entries still inside
// its rolling window; JavaScript runs reserve() to its end without interleaving, so the check and
// the count are one step without locks. Same semantics as RedisLedger, held by the contract suite.
import { randomUUID } from "node:crypto";
import { counted, fromCents, toCents } from "./amounts.js";
import type { Allowance, MoneyLedger, Reservation } from "./ledger.js";

interface Entry {
  at: number;
  id: string;
  cents: number;
}

interface Window {
  windowMs: number;
  entries: Entry[];
}

/** How many writes between sweeps of every key; a sweep costs one pass over what is held. */
const SWEEP_EVERY = 1000;

export class MemoryLedger implements MoneyLedger {
  private readonly windows = new Map<string, Window>();
  private readonly once = new Map<string, { value: string; expiresAt: number }>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async reserve(allowances: Allowance[]): Promise<Reservation> {
    const all = counted(allowances);
    const now = this.now();
    // Every check before any count: a refusal leaves every key as it was (all or nothing).
    for (const a of all) {
      const used = this.used(a.key, a.windowMs, now);
      if (used + a.cents > a.maxCents) {
        return { ok: false, limit: a.name, remaining: fromCents(Math.max(0, a.maxCents - used)) };
      }
    }
    const id = randomUUID();
    for (const a of all) {
      const window = this.windows.get(a.key) ?? { windowMs: a.windowMs, entries: [] };
      // A key's window is its rule's; the largest seen keeps a key no shorter than any rule needs it.
      window.windowMs = Math.max(window.windowMs, a.windowMs);
      window.entries.push({ at: now, id, cents: a.cents });
      this.windows.set(a.key, window);
    }
    this.sweepSometimes();
    return { ok: true, id };
  }

  /** Removes the reservation's entry (same id and amount, as RedisLedger's member) from each key. */
  async release(id: string, allowances: Allowance[]): Promise<void> {
    for (const allowance of allowances) {
      const window = this.windows.get(allowance.key);
      if (!window) continue;
      const cents = toCents(allowance.amount);
      window.entries = window.entries.filter((e) => !(e.id === id && e.cents === cents));
      if (window.entries.length === 0) this.windows.delete(allowance.key);
    }
  }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    this.once.set(key, { value, expiresAt: this.now() + ttlMs });
    this.sweepSometimes();
  }

  async takeOnce(key: string): Promise<string | undefined> {
    const held = this.once.get(key);
    this.once.delete(key);
    return held && this.now() < held.expiresAt ? held.value : undefined;
  }

  /** Cents in the key's window now, after dropping what has left it (an entry exactly windowMs old has). */
  private used(key: string, windowMs: number, now: number): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    window.entries = window.entries.filter((e) => now - e.at < windowMs);
    return window.entries.reduce((sum, e) => sum + e.cents, 0);
  }

  /**
   * Keys no call touches again would otherwise hold their entries for ever: every SWEEP_EVERY
   * writes, entries older than their key's window and expired one-time values go.
   */
  private sweepSometimes(): void {
    if (++this.writes % SWEEP_EVERY !== 0) return;
    const now = this.now();
    for (const [key, window] of this.windows) {
      window.entries = window.entries.filter((e) => now - e.at < window.windowMs);
      if (window.entries.length === 0) this.windows.delete(key);
    }
    for (const [key, held] of this.once) if (now >= held.expiresAt) this.once.delete(key);
  }
}
