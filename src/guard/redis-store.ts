// The guard's state in Redis, so several server instances (behind a load balancer, or several
// processes) share verifications, attempt counts and remembered searches. Same semantics as
// MemoryGuardStore; every read-modify-write that must be atomic across instances is one Lua script.
//
// Key layout (P = prefix, default "revcent-mcp:guard:"; every part is URI-encoded, so ":" inside
// an id cannot make two keys collide; "{credential}" is a cluster hash tag, so all keys a script
// touches live in one slot):
//   P{cred}:grant:<session>:<customer>     string "1"   TTL idleMs, restarted by each use
//   P{cred}:fails:<session>:<customer>     integer      TTL 24 h, restarted by each attempt
//   P{cred}:times:<customer>               sorted set   TTL 1 h, restarted by each attempt;
//                                                       score = attempt time (ms), member = time:uuid
//   P{cred}:search:<session>               list         the session's search texts; TTL 24 h,
//                                                       restarted by each search
//   P{cred}:searches:<session>             integer      the session's search count; same TTL
//   P{cred}:searchtimes                    sorted set   the credential's searches in its budget
//                                                       window; score = time (ms), member = time:uuid
//   P{cred}:searchtexts                    sorted set   the credential's search texts; score = when
//                                                       last searched, TTL the memory window
// Search texts are only ever values and members, never part of a key.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import {
  DAY,
  HOUR,
  type Attempts,
  type GrantKey,
  type GuardStore,
  type SearchAdmission,
  type SearchRules,
  type SessionKey,
} from "./store.js";
const DEFAULT_PREFIX = "revcent-mcp:guard:";

/**
 * KEYS[1] session counter, KEYS[2] credential's attempt times on the customer.
 * ARGV: now, since (entries at or before it are older than an hour), member, counter TTL, set TTL.
 * Counts the attempt in both, drops entries older than an hour, and returns
 * {session count, time, time, ...} with times ascending.
 */
const RECORD_ATTEMPT = `
local session = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local times = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf', 'WITHSCORES')
local out = { session }
for i = 2, #times, 2 do out[#out + 1] = times[i] end
return out
`;

/**
 * KEYS[1] session counter, KEYS[2] attempt times. ARGV: since.
 * Takes back one attempt: the counter goes down (never below 0; at 0 the key goes) and the newest
 * time within the last hour is removed.
 */
const FORGET_ATTEMPT = `
local session = tonumber(redis.call('GET', KEYS[1]) or '0')
if session > 1 then redis.call('DECR', KEYS[1]) elseif session == 1 then redis.call('DEL', KEYS[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZPOPMAX', KEYS[2])
return 0
`;

/**
 * KEYS[1] session's texts, KEYS[2] session's count, KEYS[3] credential's search times, KEYS[4]
 * credential's texts. ARGV: now, per-session limit (-1: none), per-credential limit, budget window,
 * memory window, member for the times set, session TTL, then the texts.
 * Returns {0} when the search is admitted (counted and remembered), {1} beyond the session's
 * budget, {2, wait ms} beyond the credential's.
 */
const RECORD_SEARCH = `
local now = tonumber(ARGV[1])
local perSession = tonumber(ARGV[2])
if perSession >= 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= perSession then return {1} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[4]))
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {2, tonumber(oldest[2]) + tonumber(ARGV[4]) - now}
end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
redis.call('ZADD', KEYS[3], now, ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[5]))
for i = 8, #ARGV do
  redis.call('RPUSH', KEYS[1], ARGV[i])
  redis.call('ZADD', KEYS[4], now, ARGV[i])
end
if #ARGV >= 8 then
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
  redis.call('PEXPIRE', KEYS[4], ARGV[5])
end
return {0}
`;

/** The scripts as ioredis commands (EVALSHA, falling back to EVAL when Redis lacks the script). */
interface GuardCommands {
  revcentGuardRecordAttempt(
    counter: string,
    times: string,
    now: number,
    since: number,
    member: string,
    counterTtl: number,
    timesTtl: number,
  ): Promise<Array<number | string>>;
  revcentGuardForgetAttempt(counter: string, times: string, since: number): Promise<number>;
  revcentGuardRecordSearch(
    sessionTexts: string,
    sessionCount: string,
    credentialTimes: string,
    credentialTexts: string,
    now: number,
    perSession: number,
    perCredential: number,
    windowMs: number,
    memoryMs: number,
    member: string,
    sessionTtl: number,
    ...texts: string[]
  ): Promise<number[]>;
}

function defineCommands(client: Redis): Redis & GuardCommands {
  // Defining the same names again on a shared client is harmless: the scripts are identical.
  client.defineCommand("revcentGuardRecordAttempt", { numberOfKeys: 2, lua: RECORD_ATTEMPT });
  client.defineCommand("revcentGuardForgetAttempt", { numberOfKeys: 2, lua: FORGET_ATTEMPT });
  client.defineCommand("revcentGuardRecordSearch", { numberOfKeys: 4, lua: RECORD_SEARCH });
  return client as Redis & GuardCommands;
}

export interface RedisGuardStoreOptions {
  /** Prepended to every key; default "revcent-mcp:guard:". */
  prefix?: string;
  /** Clock (ms) for attempt times; default Date.now. Grant idle time is Redis's own TTL. */
  now?: () => number;
}

export class RedisGuardStore implements GuardStore {
  readonly client: Redis;
  private readonly redis: Redis & GuardCommands;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly ownsClient: boolean;

  /** Takes an ioredis client (left open by close()) or a Redis URL (a client it owns). */
  constructor(client: Redis | string, options: RedisGuardStoreOptions = {}) {
    this.ownsClient = typeof client === "string";
    this.client = typeof client === "string" ? new Redis(client) : client;
    // A client of its own: connection errors surface as failed commands, not as a crash.
    if (this.ownsClient) this.client.on("error", () => {});
    this.redis = defineCommands(this.client);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.now = options.now ?? Date.now;
  }

  async grant(key: GrantKey, idleMs: number): Promise<void> {
    await this.redis.set(this.key(key.credential, "grant", key.session, key.customer), "1", "PX", ttl(idleMs));
  }

  /** PEXPIRE is atomic and answers whether the key existed: check and touch in one command. */
  async isGranted(key: GrantKey, idleMs: number): Promise<boolean> {
    return (await this.redis.pexpire(this.key(key.credential, "grant", key.session, key.customer), ttl(idleMs))) === 1;
  }

  async recordAttempt(key: GrantKey): Promise<Attempts> {
    const now = this.now();
    const reply = await this.redis.revcentGuardRecordAttempt(
      this.counterKey(key),
      this.timesKey(key),
      now,
      now - HOUR,
      `${now}:${randomUUID()}`,
      DAY,
      HOUR,
    );
    const [session, ...times] = reply;
    return { session: Number(session), times: times.map(Number) };
  }

  async forgetAttempt(key: GrantKey): Promise<void> {
    await this.redis.revcentGuardForgetAttempt(this.counterKey(key), this.timesKey(key), this.now() - HOUR);
  }

  async attempts(key: GrantKey): Promise<Attempts> {
    const since = this.now() - HOUR;
    const [counter, times] = await Promise.all([
      this.redis.get(this.counterKey(key)),
      this.redis.zrangebyscore(this.timesKey(key), `(${since}`, "+inf", "WITHSCORES"),
    ]);
    return { session: Number(counter ?? 0), times: times.filter((_, i) => i % 2 === 1).map(Number) };
  }

  async recordSearch(who: SessionKey, texts: string[], rules: SearchRules): Promise<SearchAdmission> {
    const now = this.now();
    const [verdict, wait] = await this.redis.revcentGuardRecordSearch(
      this.key(who.credential, "search", who.session),
      this.key(who.credential, "searches", who.session),
      this.key(who.credential, "searchtimes"),
      this.key(who.credential, "searchtexts"),
      now,
      Number.isFinite(rules.perSession) ? rules.perSession : -1,
      rules.perCredential,
      ttl(rules.windowMs),
      ttl(rules.memoryMs),
      `${now}:${randomUUID()}`,
      DAY,
      ...texts,
    );
    if (verdict === 1) return { allowed: false, limit: "session" };
    if (verdict === 2) return { allowed: false, limit: "credential", retryAfterMs: Number(wait) };
    return { allowed: true };
  }

  async searchedFor(who: SessionKey, pieces: string[], memoryMs: number): Promise<boolean> {
    const [own, recent] = await Promise.all([
      this.redis.lrange(this.key(who.credential, "search", who.session), 0, -1),
      this.redis.zrangebyscore(this.key(who.credential, "searchtexts"), `(${this.now() - memoryMs}`, "+inf"),
    ]);
    return [...own, ...recent].some((text) => pieces.some((piece) => text.includes(piece)));
  }

  /** Closes the client if the store opened it from a URL; a client passed in is the caller's. */
  async close(): Promise<void> {
    if (this.ownsClient) await quit(this.client);
  }

  private counterKey(key: GrantKey): string {
    return this.key(key.credential, "fails", key.session, key.customer);
  }

  private timesKey(key: GrantKey): string {
    return this.key(key.credential, "times", key.customer);
  }

  private key(credential: string, kind: string, ...ids: string[]): string {
    return `${this.prefix}{${encodeURIComponent(credential)}}:${kind}${ids.map((id) => `:${encodeURIComponent(id)}`).join("")}`;
  }
}

/** Redis refuses a PX or PEXPIRE of 0 or less; a non-positive idle time means "lapse at once". */
function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** The URL without a password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable Redis URL)";
  }
}

const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Connects to Redis and returns a store on it, or fails with a clear Error when Redis is not
 * ready within 2 s. Connection errors later are kept from crashing the process; commands then
 * fail (after one retry) and the caller sees those failures.
 */
export async function connectRedisGuardStore(
  url: string,
  now?: () => number,
  connectTimeoutMs = CONNECT_TIMEOUT_MS,
): Promise<{ store: RedisGuardStore; client: Redis; close(): Promise<void> }> {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, connectTimeout: connectTimeoutMs });
  let lastError: Error | undefined;
  client.on("error", (error: Error) => {
    lastError = error;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `Redis at ${redactUrl(url)} unreachable within ${connectTimeoutMs / 1000} s${lastError ? `: ${lastError.message}` : ""}`,
          ),
        );
      }, connectTimeoutMs);
      const onReady = () => {
        cleanup();
        resolve();
      };
      const onEnd = () => {
        cleanup();
        reject(
          new Error(
            `Redis at ${redactUrl(url)} closed the connection before it was ready${lastError ? `: ${lastError.message}` : ""}`,
          ),
        );
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off("ready", onReady);
        client.off("end", onEnd);
      };
      client.once("ready", onReady);
      client.once("end", onEnd);
    });
  } catch (error) {
    client.disconnect();
    throw error;
  }
  const store = new RedisGuardStore(client, { now });
  return { store, client, close: () => quit(client) };
}
