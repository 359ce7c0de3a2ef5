// The Redis guard store against a real redis-server that this file starts on a free loopback port
// (never a system service, never a mock): the same behaviours as MemoryGuardStore, shared between
// instances, and atomic under parallel attempts. Without redis-server on PATH the file fails.
import { freePort, startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GUARD_LIMITS, SEARCH_RULES } from "../src/guard/guard.js";
import { connectRedisGuardStore, RedisGuardStore } from "../src/guard/redis-store.js";
import { guardStoreContract } from "./helpers/guard-store-contract.js";

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
  // Redis expires a grant by its own clock (PEXPIRE), not the store's injected one: here time passing
  // is the behaviour under test, so the test waits, with an idle time of half a second.
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
      fails: 24 * HOUR,
      grant: GUARD_LIMITS.idleMs,
      search: 24 * HOUR,
      searches: 24 * HOUR,
      searchtexts: GUARD_LIMITS.searchMemoryMs,
      searchtimes: GUARD_LIMITS.searchWindowMs,
      times: HOUR,
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
    expect(results.map((r) => r.times.length).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(await one.attempts(key)).toEqual({ session: 20, times: Array(20).fill(1000) });
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

  it("fails with a clear error when Redis is unreachable, within its connect timeout, without leaking the password", async () => {
    const nobody = await freePort();
    const started = Date.now();
    // The timeout is injected (2 s by default): what is tested is that it ends the wait, not its length.
    await expect(connectRedisGuardStore(`redis://:hunter2@127.0.0.1:${nobody}`, undefined, 300)).rejects.toThrow(
      new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${nobody}.* unreachable within 0.3 s`),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

guardStoreContract("RedisGuardStore", async (now) => {
  await client().flushall();
  return new RedisGuardStore(client(), { now });
});
