// What every MoneyLedger must do, run against each implementation (memory, and Redis on a real
// redis-server) with an injected clock: a max holds to the cent at its boundary, windows roll,
// a refused reservation counts nothing anywhere, a release gives the amount back, and a one-time
// value is taken once.
import { describe, expect, it } from "vitest";
import type { Allowance, MoneyLedger } from "../../src/money/ledger.js";

const HOUR = 3_600_000;

function allowance(over: Partial<Allowance> = {}): Allowance {
  return { key: "refunds.max_total:c1", name: "refunds.max_total", windowMs: 24 * HOUR, max: 20, amount: 10, ...over };
}

export function moneyLedgerContract(
  name: string,
  makeLedger: (now: () => number) => MoneyLedger | Promise<MoneyLedger>,
): void {
  describe(`${name}: limits`, () => {
    it("exactly the max passes; one cent more is refused, with what is left", async () => {
      const ledger = await makeLedger(() => 0);
      expect(await ledger.reserve([allowance({ amount: 20.01 })])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 20,
      });
      expect((await ledger.reserve([allowance({ amount: 12.5 })])).ok).toBe(true);
      expect(await ledger.reserve([allowance({ amount: 7.51 })])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 7.5,
      });
      expect((await ledger.reserve([allowance({ amount: 7.5 })])).ok).toBe(true);
      expect(await ledger.reserve([allowance({ amount: 0.01 })])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 0,
      });
    });

    it("counts calls as amounts of 1", async () => {
      const ledger = await makeLedger(() => 0);
      const call = allowance({ key: "refunds.max_calls:c1", name: "refunds.max_calls", max: 3, amount: 1 });
      for (let i = 0; i < 3; i++) expect((await ledger.reserve([call])).ok).toBe(true);
      expect(await ledger.reserve([call])).toEqual({ ok: false, limit: "refunds.max_calls", remaining: 0 });
    });

    it("cents do not drift: 0.1 + 0.2 fills a max of 0.3, and ten 0.1 fill a max of 1", async () => {
      const ledger = await makeLedger(() => 0);
      const small = (amount: number) => allowance({ key: "a", max: 0.3, amount });
      expect((await ledger.reserve([small(0.1)])).ok).toBe(true);
      expect((await ledger.reserve([small(0.2)])).ok).toBe(true);
      expect(await ledger.reserve([small(0.01)])).toEqual({ ok: false, limit: "refunds.max_total", remaining: 0 });
      const dime = allowance({ key: "b", max: 1, amount: 0.1 });
      for (let i = 0; i < 7; i++) expect((await ledger.reserve([dime])).ok).toBe(true);
      expect(await ledger.reserve([{ ...dime, amount: 0.31 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 0.3,
      });
      for (let i = 0; i < 3; i++) expect((await ledger.reserve([dime])).ok).toBe(true);
      expect((await ledger.reserve([dime])).ok).toBe(false);
    });

    it("a max lowered below what is used reports 0 remaining, never less", async () => {
      const ledger = await makeLedger(() => 0);
      await ledger.reserve([allowance({ max: 100, amount: 50 })]);
      expect(await ledger.reserve([allowance({ max: 30, amount: 1 })])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 0,
      });
    });

    it("keys count apart, however alike they look", async () => {
      const ledger = await makeLedger(() => 0);
      expect((await ledger.reserve([allowance({ key: "x:a:b", amount: 20 })])).ok).toBe(true);
      expect((await ledger.reserve([allowance({ key: "x:a", amount: 20 })])).ok).toBe(true);
      expect((await ledger.reserve([allowance({ key: "x:a%3Ab", amount: 20 })])).ok).toBe(true);
      expect((await ledger.reserve([allowance({ key: "x:a:b", amount: 0.01 })])).ok).toBe(false);
    });
  });

  describe(`${name}: windows`, () => {
    it("an entry leaves the window exactly windowMs after it was counted", async () => {
      let now = 1_000_000;
      const ledger = await makeLedger(() => now);
      const hourly = allowance({ windowMs: HOUR, amount: 20 });
      expect((await ledger.reserve([hourly])).ok).toBe(true);
      now += HOUR - 1;
      expect(await ledger.reserve([{ ...hourly, amount: 0.01 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 0,
      });
      now += 1;
      expect((await ledger.reserve([hourly])).ok).toBe(true);
    });

    it("the window rolls: older entries leave one by one", async () => {
      let now = 0;
      const ledger = await makeLedger(() => now);
      const a = allowance({ windowMs: 1000, max: 30 });
      await ledger.reserve([a]); // at 0
      now = 400;
      await ledger.reserve([a]); // at 400
      now = 800;
      await ledger.reserve([a]); // at 800: 30 used
      expect(await ledger.reserve([a])).toEqual({ ok: false, limit: "refunds.max_total", remaining: 0 });
      now = 1000; // the first has left
      expect(await ledger.reserve([{ ...a, amount: 10.01 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 10,
      });
      expect((await ledger.reserve([a])).ok).toBe(true);
      now = 1800; // the ones at 400 and 800 have left; the one at 1000 is still in
      expect(await ledger.reserve([{ ...a, amount: 30 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 20,
      });
    });
  });

  describe(`${name}: all or nothing`, () => {
    it("a refused reservation counts nothing in any key, and names the first limit it would pass", async () => {
      const ledger = await makeLedger(() => 0);
      const total = allowance({ key: "total", name: "refunds.max_total", max: 100, amount: 10 });
      const customer = allowance({ key: "cust", name: "refunds.max_per_customer", max: 5, amount: 10 });
      const calls = allowance({ key: "calls", name: "refunds.max_calls", max: 1, amount: 1 });
      expect(await ledger.reserve([total, customer, calls])).toEqual({
        ok: false,
        limit: "refunds.max_per_customer",
        remaining: 5,
      });
      expect(
        await ledger.reserve([
          { ...total, max: 1 },
          { ...customer, max: 1 },
        ]),
      ).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 1,
      });
      // Nothing of the refused ones was counted: each key still holds its whole max.
      expect((await ledger.reserve([{ ...total, amount: 100 }])).ok).toBe(true);
      expect((await ledger.reserve([{ ...customer, amount: 5 }])).ok).toBe(true);
      expect((await ledger.reserve([calls])).ok).toBe(true);
    });

    it("an admitted reservation counts in every key", async () => {
      const ledger = await makeLedger(() => 0);
      const a = allowance({ key: "a", max: 15, amount: 10 });
      const b = allowance({ key: "b", name: "b", max: 100, amount: 10 });
      expect((await ledger.reserve([a, b])).ok).toBe(true);
      expect(await ledger.reserve([b, { ...a, amount: 6 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 5,
      });
      expect(await ledger.reserve([{ ...b, amount: 91 }])).toEqual({ ok: false, limit: "b", remaining: 90 });
    });

    it("no allowances: admitted, with an id", async () => {
      const ledger = await makeLedger(() => 0);
      const reservation = await ledger.reserve([]);
      expect(reservation.ok && reservation.id.length > 0).toBe(true);
    });

    it("50 reservations at once admit exactly as many as the max holds", async () => {
      const ledger = await makeLedger(() => 0);
      const results = await Promise.all(Array.from({ length: 50 }, () => ledger.reserve([allowance({ max: 200 })])));
      expect(results.filter((r) => r.ok)).toHaveLength(20);
      expect(await ledger.reserve([allowance({ max: 200, amount: 0.01 })])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 0,
      });
    });
  });

  describe(`${name}: release`, () => {
    it("gives back exactly that reservation's amount, in every key", async () => {
      const ledger = await makeLedger(() => 0);
      const a = allowance({ key: "a", amount: 15 });
      const b = allowance({ key: "b", name: "b", amount: 15 });
      const first = await ledger.reserve([a, b]);
      expect((await ledger.reserve([{ ...a, amount: 5 }])).ok).toBe(true);
      if (!first.ok) throw new Error("first reservation refused");
      await ledger.release(first.id, [a, b]);
      expect(await ledger.reserve([{ ...a, amount: 15.01 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 15,
      });
      expect((await ledger.reserve([{ ...a, amount: 15 }])).ok).toBe(true);
      expect((await ledger.reserve([{ ...b, amount: 20 }])).ok).toBe(true);
    });

    it("releasing twice, or an unknown id, takes nothing more back", async () => {
      const ledger = await makeLedger(() => 0);
      const a = allowance({ amount: 10 });
      const one = await ledger.reserve([a]);
      await ledger.reserve([a]);
      if (!one.ok) throw new Error("refused");
      await ledger.release(one.id, [a]);
      await ledger.release(one.id, [a]);
      await ledger.release("no-such-reservation", [a]);
      expect(await ledger.reserve([{ ...a, amount: 10.01 }])).toEqual({
        ok: false,
        limit: "refunds.max_total",
        remaining: 10,
      });
    });
  });

  describe(`${name}: one-time values`, () => {
    it("a value is taken once, then is gone", async () => {
      const ledger = await makeLedger(() => 0);
      await ledger.putOnce("confirm:abc", "refund:txn1:12.50", 60_000);
      expect(await ledger.takeOnce("confirm:abc")).toBe("refund:txn1:12.50");
      expect(await ledger.takeOnce("confirm:abc")).toBeUndefined();
      expect(await ledger.takeOnce("confirm:never-put")).toBeUndefined();
    });

    it("a value expires after its ttl", async () => {
      let now = 5_000;
      const ledger = await makeLedger(() => now);
      await ledger.putOnce("t1", "v1", 1000);
      await ledger.putOnce("t2", "v2", 1000);
      now = 5_999;
      expect(await ledger.takeOnce("t1")).toBe("v1");
      now = 6_000;
      expect(await ledger.takeOnce("t2")).toBeUndefined();
    });

    it("of several takes at once, exactly one gets the value", async () => {
      const ledger = await makeLedger(() => 0);
      await ledger.putOnce("race", "v", 60_000);
      const taken = await Promise.all(Array.from({ length: 10 }, () => ledger.takeOnce("race")));
      expect(taken.filter((v) => v !== undefined)).toEqual(["v"]);
    });
  });
}
