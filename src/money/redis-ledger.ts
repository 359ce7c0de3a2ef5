// The ledger in Redis, so every instance of the server counts against the same limits. Same
// semantics as MemoryLedger; a reservation's check-and-count over all its keys is one Lua script,
// so two instances reserving at once can never both pass a max that only one of them fits.
//
// Key layout (P = prefix, default "revcent-mcp:money:"; the allowance's key is URI-encoded, so no
// part of it can end the key early or open a hash tag of its own):
//   P{ledger}:window:<key>    sorted set   score = reservation time (ms, the injected clock),
//                                          member = <reservationId>:<cents>; TTL its window,
//                                          restarted by each reservation
//   P{ledger}:once:<key>      string       <expiresAt ms>:<value>; TTL the value's lifetime
//
// Why one hash tag for every key: one reservation spans keys of different scopes (a refund counts
// against the credential's daily total and the customer's 30 days at once), and a script may only
// touch keys of one slot in Redis Cluster. Money-moving calls are few (each waits for a human's
// confirmation), so one slot is no hot spot, and Cluster works as well as a single Redis.
// Requires Redis >= 6.2 (GETDEL); the tests run 7.0.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { counted, fromCents, toCents } from "./amounts.js";
import type { Allowance, MoneyLedger, Reservation } from "./ledger.js";

const DEFAULT_PREFIX = "revcent-mcp:money:";

/**
 * KEYS: the allowances' sorted sets. ARGV: now, member, then per key: window ms, max, amount (cents).
 * Drops entries at or older than now - window (an entry exactly a window old is out), sums the rest
 * from the members' amounts; if any key would go over, returns {0, its index, max - used} having
 * counted nothing; else adds the member to every key, restarts each TTL, and returns {1}.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
for i = 1, #KEYS do
  local window = tonumber(ARGV[3 * i])
  local max = tonumber(ARGV[3 * i + 1])
  local amount = tonumber(ARGV[3 * i + 2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local used = 0
  for _, member in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
    used = used + tonumber(string.match(member, ':(%d+)$'))
  end
  if used + amount > max then return {0, i, max - used} end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2] .. ':' .. ARGV[3 * i + 2])
  redis.call('PEXPIRE', KEYS[i], ARGV[3 * i])
end
return {1}
`;

interface LedgerCommands {
  revcentMoneyReserve(...keysThenArgs: Array<string | number>): Promise<number[]>;
}

export interface RedisLedgerOptions {
  /** Prepended to every key; default "revcent-mcp:money:". */
  prefix?: string;
  /**
   * Clock (ms) for reservation times and one-time values' expiry; default Date.now. Redis's own
   * TTLs only clear keys away afterwards, so what counts is this clock, as in MemoryLedger.
   */
  now?: () => number;
}

export class RedisLedger implements MoneyLedger {
  private readonly redis: Redis & LedgerCommands;
  private readonly prefix: string;
  private readonly now: () => number;

  /** The client stays the caller's: the ledger never closes it. */
  constructor(redis: Redis, options: RedisLedgerOptions = {}) {
    // Defining the same name again on a shared client is harmless: the script is identical.
    redis.defineCommand("revcentMoneyReserve", { lua: RESERVE });
    this.redis = redis as Redis & LedgerCommands;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.now = options.now ?? Date.now;
  }

  async reserve(allowances: Allowance[]): Promise<Reservation> {
    const all = counted(allowances);
    if (all.length === 0) return { ok: true, id: randomUUID() };
    const id = randomUUID();
    const keys = all.map((a) => this.key("window", a.key));
    const args = all.flatMap((a) => [a.windowMs, a.maxCents, a.cents]);
    // numberOfKeys varies per call, so it goes first, as EVAL takes it.
    const [ok, index, remaining] = await this.redis.revcentMoneyReserve(keys.length, ...keys, this.now(), id, ...args);
    if (ok === 1) return { ok: true, id };
    return { ok: false, limit: all[Number(index) - 1]!.name, remaining: fromCents(Math.max(0, Number(remaining))) };
  }

  /** One MULTI: the reservation leaves every key or (Redis gone) none. */
  async release(id: string, allowances: Allowance[]): Promise<void> {
    if (allowances.length === 0) return;
    const multi = this.redis.multi();
    for (const a of allowances) multi.zrem(this.key("window", a.key), `${id}:${toCents(a.amount)}`);
    await multi.exec();
  }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    const expiresAt = this.now() + ttlMs;
    await this.redis.set(this.key("once", key), `${expiresAt}:${value}`, "PX", Math.max(1, Math.ceil(ttlMs)));
  }

  /** GETDEL takes it in one command, so of two instances taking at once only one gets the value. */
  async takeOnce(key: string): Promise<string | undefined> {
    const held = await this.redis.getdel(this.key("once", key));
    if (held === null) return undefined;
    const colon = held.indexOf(":");
    return this.now() < Number(held.slice(0, colon)) ? held.slice(colon + 1) : undefined;
  }

  private key(kind: string, key: string): string {
    return `${this.prefix}{ledger}:${kind}:${encodeURIComponent(key)}`;
  }
}
