// The schema cache on its own, with a controlled clock: time-bounded, shared while in flight,
// failures not kept, and bounded in size (oldest out first).
import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/resources/ttl-cache.js";

function counting() {
  let loads = 0;
  return { load: (value: string) => () => Promise.resolve(`${value}#${++loads}`), count: () => loads };
}

describe("TtlCache", () => {
  it("answers from the cache until the TTL passes, then loads again", async () => {
    let now = 0;
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 10, now: () => now });
    const { load, count } = counting();
    expect(await cache.get("k", load("a"))).toBe("a#1");
    now = 999;
    expect(await cache.get("k", load("a"))).toBe("a#1");
    now = 1000;
    expect(await cache.get("k", load("a"))).toBe("a#2");
    expect(count()).toBe(2);
  });

  it("shares one load in flight and keeps keys apart", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 10 });
    const { load, count } = counting();
    const [x, y, z] = await Promise.all([cache.get("k", load("a")), cache.get("k", load("a")), cache.get("other", load("b"))]);
    expect([x, y, z]).toEqual(["a#1", "a#1", "b#2"]);
    expect(count()).toBe(2);
  });

  it("does not keep a failed load", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 10 });
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", () => Promise.resolve("up"))).toBe("up");
  });

  it("drops the oldest entry when full", async () => {
    const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    const { load, count } = counting();
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("c", load("c"));
    expect(await cache.get("b", load("b"))).toBe("b#2");
    expect(await cache.get("a", load("a"))).toBe("a#4");
    expect(count()).toBe(4);
  });
});
