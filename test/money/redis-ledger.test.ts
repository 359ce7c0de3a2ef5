// The Redis ledger against a real redis-server this file starts on a free loopback port (never a
// mock): the contract every ledger holds, its key layout and TTLs, and atomicity across two
// instances on two connections. Without redis-server on PATH the file fails.
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Allowance } from "../../src/money/ledger.js";
import { RedisLedger } from "../../src/money/redis-ledger.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { moneyLedgerContract } from "./ledger-contract.js";

const HOUR = 3_600_000;
let redis: RedisServer | undefined;
const clients: Redis[] = [];

function client(): Redis {
  const made = new Redis({ host: "127.0.0.1", port: redis!.port, maxRetriesPerRequest: 1 });
  clients.push(made);
  return made;
}

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await redis?.stop();
});

beforeEach(async () => {
  await client().flushall();
});

moneyLedgerContract("RedisLedger", async (now) => {
  await client().flushall();
  return new RedisLedger(client(), { now });
});

const total: Allowance = {
  key: "refunds.max_total:c1",
  name: "refunds.max_total",
  windowMs: 24 * HOUR,
  max: 200,
  amount: 10,
};

/** The sum of a window key's member amounts, in dollars, as the script counts them. */
async function heldIn(key: string): Promise<number> {
  const members = await client().zrange(key, 0, -1);
  return members.reduce((sum, m) => sum + Number(m.split(":")[1]), 0) / 100;
}

describe("RedisLedger", () => {
  it("the installed redis-server has GETDEL (6.2 or later)", async () => {
    const info = await client().info("server");
    const [major, minor] = /redis_version:(\d+)\.(\d+)/.exec(info)!.slice(1).map(Number) as [number, number];
    expect(major > 6 || (major === 6 && minor >= 2)).toBe(true);
  });

  it("50 reserves of 10 at once over two instances, against a max of 200: exactly 20 pass and the key holds 200", async () => {
    const one = new RedisLedger(client(), { now: () => 1000 });
    const two = new RedisLedger(client(), { now: () => 1000 });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).reserve([total])));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok)).toEqual(
      Array(30).fill({ ok: false, limit: "refunds.max_total", remaining: 0 }),
    );
    const key = "revcent-mcp:money:{ledger}:window:refunds.max_total%3Ac1";
    expect(await client().zcard(key)).toBe(20);
    expect(await heldIn(key)).toBe(200);
  });

  it("one instance's release and one-time value are the other's", async () => {
    const one = new RedisLedger(client(), { now: () => 0 });
    const two = new RedisLedger(client(), { now: () => 0 });
    const reservation = await one.reserve([{ ...total, amount: 200 }]);
    if (!reservation.ok) throw new Error("refused");
    await two.release(reservation.id, [{ ...total, amount: 200 }]);
    expect((await one.reserve([{ ...total, amount: 200 }])).ok).toBe(true);
    await one.putOnce("tok", "v", 60_000);
    expect(await two.takeOnce("tok")).toBe("v");
    expect(await one.takeOnce("tok")).toBeUndefined();
  });

  it("keys sit under one hash tag, encoded, each with its window as TTL; members are <id>:<cents>", async () => {
    const ledger = new RedisLedger(client(), { now: () => 0 });
    const calls: Allowance = {
      key: "refunds.max_calls:{c1}",
      name: "refunds.max_calls",
      windowMs: HOUR,
      max: 30,
      amount: 1,
    };
    const reservation = await ledger.reserve([{ ...total, amount: 12.34 }, calls]);
    await ledger.putOnce("confirm:x", "v", 60_000);
    if (!reservation.ok) throw new Error("refused");
    expect((await client().keys("*")).sort()).toEqual([
      "revcent-mcp:money:{ledger}:once:confirm%3Ax",
      "revcent-mcp:money:{ledger}:window:refunds.max_calls%3A%7Bc1%7D",
      "revcent-mcp:money:{ledger}:window:refunds.max_total%3Ac1",
    ]);
    const totalKey = "revcent-mcp:money:{ledger}:window:refunds.max_total%3Ac1";
    expect(await client().zrange(totalKey, 0, -1, "WITHSCORES")).toEqual([`${reservation.id}:1234`, "0"]);
    const ttls = await Promise.all(
      ["window:refunds.max_total%3Ac1", "window:refunds.max_calls%3A%7Bc1%7D", "once:confirm%3Ax"].map((k) =>
        client().pttl(`revcent-mcp:money:{ledger}:${k}`),
      ),
    );
    expect(ttls[0]).toBeGreaterThan(24 * HOUR - 5000);
    expect(ttls[0]).toBeLessThanOrEqual(24 * HOUR);
    expect(ttls[1]).toBeGreaterThan(HOUR - 5000);
    expect(ttls[1]).toBeLessThanOrEqual(HOUR);
    expect(ttls[2]).toBeGreaterThan(55_000);
    expect(ttls[2]).toBeLessThanOrEqual(60_000);
  });

  it("a custom prefix keeps ledgers apart", async () => {
    const a = new RedisLedger(client(), { prefix: "a:", now: () => 0 });
    const b = new RedisLedger(client(), { prefix: "b:", now: () => 0 });
    expect((await a.reserve([{ ...total, amount: 200 }])).ok).toBe(true);
    expect((await b.reserve([{ ...total, amount: 200 }])).ok).toBe(true);
    expect(await client().exists("a:{ledger}:window:refunds.max_total%3Ac1")).toBe(1);
  });
});
