// The schema cache on its own, with a controlled clock: time-bounded, shared while in flight,
// failures kept only as long as asked, and bounded in size (oldest out first).
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
    const [x, y, z] = await Promise.all([
      cache.get("k", load("a")),
      cache.get("k", load("a")),
      cache.get("other", load("b")),
    ]);
    expect([x, y, z]).toEqual(["a#1", "a#1", "b#2"]);
    expect(count()).toBe(2);
  });

  it("does not keep a failed load unless asked to", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 10 });
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", () => Promise.resolve("up"))).toBe("up");
  });

  it("keeps a failed load for failureTtlMs from when it failed, then loads again", async () => {
    let now = 0;
    const cache = new TtlCache<string>({ ttlMs: 60_000, failureTtlMs: 100, maxEntries: 10, now: () => now });
    let loads = 0;
    const failing = () => {
      loads += 1;
      return new Promise<string>((_, reject) => setTimeout(() => reject(new Error(`down#${loads}`)), 5));
    };
    const first = cache.get("k", failing);
    now = 50; // fails at 50: kept until 150
    await expect(first).rejects.toThrow("down#1");
    now = 149;
    await expect(cache.get("k", failing)).rejects.toThrow("down#1");
    now = 150;
    expect(await cache.get("k", () => Promise.resolve("up"))).toBe("up");
    now = 10_000;
    expect(await cache.get("k", failing)).toBe("up");
    expect(loads).toBe(1);
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
