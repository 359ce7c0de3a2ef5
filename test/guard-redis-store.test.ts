// The Redis guard store against a real redis-server that this file starts on a free loopback port
// (never a system service, never a mock): the same behaviours as MemoryGuardStore, shared between
// instances, and atomic under parallel attempts. Without redis-server on PATH the file fails.
import { freePort, startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GUARD_LIMITS, SEARCH_RULES } from "../src/guard/guard.js";
import { connectRedisGuardStore, RedisGuardStore } from "../src/guard/redis-store.js";
import { searchContract } from "./helpers/guard-store-contract.js";

const key = { credential: "c1", session: "s1", customer: "cus0000000000000jane" };
const MIN = 60_000;
const HOUR = 60 * MIN;

let redis: RedisServer | undefined;
let port = 0;
let url = "";
const clients: Redis[] = [];

function client(): Redis {
  const made = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  redis = await startRedisServer();
  port = redis.port;
  url = redis.url;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await redis?.stop();
});

beforeEach(async () => {
  await client().flushall();
});

describe("RedisGuardStore", () => {
  it("a verification lapses after its idle time, and each use restarts the idle time", async () => {
    const store = new RedisGuardStore(client());
    const idleMs = 500;
    // The sleeps below are kept: the grant's idle time is a TTL that redis-server itself counts in
    // real time, and this test is about that expiry.
    await store.grant(key, idleMs);
    const grantKey = `revcent-mcp:guard:{c1}:grant:s1:${key.customer}`;
    expect(await client().pttl(grantKey)).toBeGreaterThan(idleMs - 100);
    await sleep(300);
    expect(await store.isGranted(key, idleMs)).toBe(true);
    expect(await client().pttl(grantKey)).toBeGreaterThan(idleMs - 100); // touched: a full idle time again
    await sleep(300); // 600 ms since the grant, 300 since the last use
    expect(await store.isGranted(key, idleMs)).toBe(true);
    await sleep(700); // idle longer than 500 ms
    expect(await store.isGranted(key, idleMs)).toBe(false);
    expect(await store.isGranted(key, idleMs)).toBe(false);
  });

  it("a grant lives for the guard's 15 idle minutes", async () => {
    const store = new RedisGuardStore(client());
    await store.grant(key, GUARD_LIMITS.idleMs);
    expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
    const pttl = await client().pttl(`revcent-mcp:guard:{c1}:grant:s1:${key.customer}`);
    expect(pttl).toBeGreaterThan(GUARD_LIMITS.idleMs - 5_000);
    expect(pttl).toBeLessThanOrEqual(GUARD_LIMITS.idleMs);
  });

  it("binds a verification to credential, session and customer", async () => {
    const store = new RedisGuardStore(client(), { now: () => 0 });
    await store.grant(key, GUARD_LIMITS.idleMs);
    for (const other of [{ ...key, session: "s2" }, { ...key, credential: "c2" }, { ...key, customer: "cus000000000000other" }]) {
      expect(await store.isGranted(other, GUARD_LIMITS.idleMs)).toBe(false);
    }
    expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
  });

  it("ids holding the separator cannot make two keys collide", async () => {
    const store = new RedisGuardStore(client());
    await store.grant({ credential: "c1", session: "a:b", customer: "c" }, GUARD_LIMITS.idleMs);
    expect(await store.isGranted({ credential: "c1", session: "a", customer: "b:c" }, GUARD_LIMITS.idleMs)).toBe(false);
    expect(await store.isGranted({ credential: "c1", session: "a:b", customer: "c" }, GUARD_LIMITS.idleMs)).toBe(true);
  });

  it("counts attempts per session, and per credential over the last hour; a forgotten attempt is gone", async () => {
    let now = 0;
    const store = new RedisGuardStore(client(), { now: () => now });
    expect(await store.recordAttempt(key)).toEqual({ session: 1, times: [0] });
    now = 1000;
    expect(await store.recordAttempt({ ...key, session: "s2" })).toEqual({ session: 1, times: [0, 1000] });
    expect(await store.attempts(key)).toEqual({ session: 1, times: [0, 1000] });
    await store.forgetAttempt({ ...key, session: "s2" });
    expect(await store.attempts(key)).toEqual({ session: 1, times: [0] });
    expect(await store.attempts({ ...key, session: "s2" })).toEqual({ session: 0, times: [0] });
    now = 61 * MIN;
    expect(await store.attempts(key)).toEqual({ session: 1, times: [] });
    expect(await store.recordAttempt(key)).toEqual({ session: 2, times: [61 * MIN] }); // the old time is trimmed
    expect(await store.attempts({ ...key, customer: "cus000000000000other" })).toEqual({ session: 0, times: [] });
    expect(await store.attempts({ ...key, credential: "c2" })).toEqual({ session: 0, times: [] });
  });

  it("an attempt exactly an hour old is out of the window, as in memory", async () => {
    let now = 0;
    const store = new RedisGuardStore(client(), { now: () => now });
    await store.recordAttempt(key);
    now = HOUR - 1;
    expect((await store.attempts(key)).times).toEqual([0]);
    now = HOUR;
    expect((await store.attempts(key)).times).toEqual([]);
  });

  it("forgetting never takes the session count below 0, and removes the newest time", async () => {
    let now = 0;
    const store = new RedisGuardStore(client(), { now: () => now });
    await store.forgetAttempt(key);
    expect(await store.attempts(key)).toEqual({ session: 0, times: [] });
    await store.recordAttempt(key);
    now = 5;
    await store.recordAttempt(key);
    now = 9;
    await store.forgetAttempt(key);
    expect(await store.attempts(key)).toEqual({ session: 1, times: [0] });
    await store.forgetAttempt(key);
    await store.forgetAttempt(key);
    expect(await store.attempts(key)).toEqual({ session: 0, times: [] });
  });

  it("every key has a TTL, attempt keys at most a day or an hour, and no key holds a search text", async () => {
    const store = new RedisGuardStore(client());
    await store.grant(key, GUARD_LIMITS.idleMs);
    await store.recordAttempt(key);
    await store.recordSearch({ credential: "c1", session: "s1" }, ["jane@example.com"], SEARCH_RULES);
    const keys = (await client().keys("*")).sort();
    expect(keys).toEqual([
      `revcent-mcp:guard:{c1}:fails:s1:${key.customer}`,
      `revcent-mcp:guard:{c1}:grant:s1:${key.customer}`,
      "revcent-mcp:guard:{c1}:search:s1",
      "revcent-mcp:guard:{c1}:searches:s1",
      "revcent-mcp:guard:{c1}:searchtexts",
      "revcent-mcp:guard:{c1}:searchtimes",
      `revcent-mcp:guard:{c1}:times:${key.customer}`,
    ]);
    const limits: Record<string, number> = {
      fails: 24 * HOUR, grant: GUARD_LIMITS.idleMs, search: 24 * HOUR, searches: 24 * HOUR, searchtexts: GUARD_LIMITS.searchMemoryMs, searchtimes: GUARD_LIMITS.searchWindowMs, times: HOUR,
    };
    for (const k of keys) {
      const pttl = await client().pttl(k);
      expect(pttl, k).toBeGreaterThan(0);
      expect(pttl, k).toBeLessThanOrEqual(limits[k.split(":")[3]!]!);
      expect(k).not.toContain("jane@");
    }
  });

  it("a custom prefix keeps stores apart", async () => {
    const a = new RedisGuardStore(client(), { prefix: "a:" });
    const b = new RedisGuardStore(client(), { prefix: "b:" });
    await a.grant(key, GUARD_LIMITS.idleMs);
    expect(await b.isGranted(key, GUARD_LIMITS.idleMs)).toBe(false);
    expect(await client().exists(`a:{c1}:grant:s1:${key.customer}`)).toBe(1);
  });

  it("two instances on one Redis see each other's grants, attempts and searches", async () => {
    let now = 0;
    const one = new RedisGuardStore(client(), { now: () => now });
    const two = new RedisGuardStore(url, { now: () => now });
    try {
      await one.grant(key, GUARD_LIMITS.idleMs);
      expect(await two.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
      await one.recordAttempt(key);
      now = 10;
      expect(await two.recordAttempt(key)).toEqual({ session: 2, times: [0, 10] });
      await two.forgetAttempt(key);
      expect(await one.attempts(key)).toEqual({ session: 1, times: [0] });
      await two.recordSearch({ credential: "c1", session: "s1" }, ["jane doe"], SEARCH_RULES);
      expect(await one.searchedFor({ credential: "c1", session: "s1" }, ["jane"], SEARCH_RULES.memoryMs)).toBe(true);
      expect(await one.searchedFor({ credential: "c1", session: "s2" }, ["jane"], SEARCH_RULES.memoryMs)).toBe(true);
    } finally {
      await two.close();
    }
  });

  it("20 parallel attempts on one key, over two instances, get the distinct counts 1..20", async () => {
    const one = new RedisGuardStore(client(), { now: () => 1000 });
    const two = new RedisGuardStore(client(), { now: () => 1000 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).recordAttempt(key)));
    expect(results.map((r) => r.session).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(results.map((r) => r.times.length).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await one.attempts(key)).toEqual({ session: 20, times: Array(20).fill(1000) });
  });

  it("20 parallel attempts through one instance also count 1..20", async () => {
    const store = new RedisGuardStore(client());
    const results = await Promise.all(Array.from({ length: 20 }, () => store.recordAttempt(key)));
    expect(new Set(results.map((r) => r.session))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
  });
});

describe("connectRedisGuardStore", () => {
  it("connects, and the store works until closed", async () => {
    const { store, close } = await connectRedisGuardStore(url);
    try {
      await store.grant(key, GUARD_LIMITS.idleMs);
      expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
    } finally {
      await close();
    }
  });

  it("fails with a clear error when Redis is unreachable, within about 2 s, without leaking the password", async () => {
    const nobody = await freePort();
    const started = Date.now();
    await expect(connectRedisGuardStore(`redis://:hunter2@127.0.0.1:${nobody}`)).rejects.toThrow(
      new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${nobody}.* unreachable within 2 s`),
    );
    expect(Date.now() - started).toBeLessThan(3_500);
  });
});

searchContract("RedisGuardStore", async (now) => {
  await client().flushall();
  return new RedisGuardStore(client(), { now });
});
