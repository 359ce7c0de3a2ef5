// What every GuardStore must do, run against each implementation (memory, and Redis on a real
// redis-server) with an injected clock: grants bound to credential, session and customer; attempts
// counted per session and per credential over the last hour, atomically; search budgets, and
// nothing a session or credential searched for forgotten while it can still matter.
import { describe, expect, it } from "vitest";
import { GUARD_LIMITS, SEARCH_RULES } from "../../src/guard/guard.js";
import type { GuardStore } from "../../src/guard/store.js";

const MIN = 60_000;
const RULES = SEARCH_RULES;
const HOUR = 60 * MIN;
const s1 = { credential: "c1", session: "s1" };
const key = { credential: "c1", session: "s1", customer: "cus0000000000000jane" };

export function guardStoreContract(
  name: string,
  makeStore: (now: () => number) => GuardStore | Promise<GuardStore>,
): void {
  describe(`${name}: grants`, () => {
    it("binds a verification to credential, session and customer", async () => {
      const store = await makeStore(() => 0);
      await store.grant(key, GUARD_LIMITS.idleMs);
      for (const other of [
        { ...key, session: "s2" },
        { ...key, credential: "c2" },
        { ...key, customer: "cus000000000000other" },
      ]) {
        expect(await store.isGranted(other, GUARD_LIMITS.idleMs)).toBe(false);
      }
      expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
    });

    it("ids holding a separator cannot make two keys collide", async () => {
      const store = await makeStore(() => 0);
      await store.grant({ credential: "c1", session: "a:b", customer: "c" }, GUARD_LIMITS.idleMs);
      expect(await store.isGranted({ credential: "c1", session: "a", customer: "b:c" }, GUARD_LIMITS.idleMs)).toBe(
        false,
      );
      expect(await store.isGranted({ credential: "c1", session: "a:b", customer: "c" }, GUARD_LIMITS.idleMs)).toBe(
        true,
      );
    });
  });

  describe(`${name}: attempts`, () => {
    it("counts attempts per session, and per credential over the last hour; a forgotten attempt is gone", async () => {
      let now = 0;
      const store = await makeStore(() => now);
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

    it("an attempt exactly an hour old is out of the window", async () => {
      let now = 0;
      const store = await makeStore(() => now);
      await store.recordAttempt(key);
      now = HOUR - 1;
      expect((await store.attempts(key)).times).toEqual([0]);
      now = HOUR;
      expect((await store.attempts(key)).times).toEqual([]);
    });

    it("forgetting never takes the session count below 0, and removes the newest time", async () => {
      let now = 0;
      const store = await makeStore(() => now);
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

    it("20 parallel attempts on one key get the distinct counts 1..20", async () => {
      const store = await makeStore(() => 1000);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.recordAttempt(key)));
      expect(results.map((r) => r.session).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await store.attempts(key)).toEqual({ session: 20, times: Array(20).fill(1000) });
    });
  });

  describe(`${name}: searches`, () => {
    it("remembers a session's texts for that session, and the credential's for 30 minutes", async () => {
      let now = 0;
      const store = await makeStore(() => now);
      expect(await store.recordSearch(s1, ["jane doe <jane@example.com>"], RULES)).toEqual({ allowed: true });
      expect(await store.searchedFor(s1, ["jane@example.com"], RULES.memoryMs)).toBe(true);
      expect(await store.searchedFor(s1, ["nope", "doe "], RULES.memoryMs)).toBe(true); // any piece
      expect(await store.searchedFor(s1, ["john@example.com"], RULES.memoryMs)).toBe(false);
      // Another session of the credential: within 30 minutes it counts, after that it does not.
      now = 30 * MIN - 1;
      expect(await store.searchedFor({ credential: "c1", session: "s2" }, ["jane@"], RULES.memoryMs)).toBe(true);
      now = 30 * MIN;
      expect(await store.searchedFor({ credential: "c1", session: "s2" }, ["jane@"], RULES.memoryMs)).toBe(false);
      // The session itself never forgets; another credential never knew.
      expect(await store.searchedFor(s1, ["jane@"], RULES.memoryMs)).toBe(true);
      expect(await store.searchedFor({ credential: "c2", session: "s1" }, ["jane@"], RULES.memoryMs)).toBe(false);
    });

    it("admits 10 searches per session, then refuses the session (and counts and remembers nothing)", async () => {
      const store = await makeStore(() => 0);
      for (let i = 0; i < 10; i++)
        expect(await store.recordSearch(s1, [`term ${i}`], RULES)).toEqual({ allowed: true });
      expect(await store.recordSearch(s1, ["eleventh"], RULES)).toEqual({ allowed: false, limit: "session" });
      expect(await store.searchedFor(s1, ["eleventh"], RULES.memoryMs)).toBe(false);
      expect(await store.searchedFor(s1, ["term 0"], RULES.memoryMs)).toBe(true); // the first is still there
      expect(await store.recordSearch({ credential: "c1", session: "s2" }, ["x"], RULES)).toEqual({ allowed: true });
    });

    it("admits 60 searches per credential in 10 minutes, says how long to wait, and admits again once the oldest leaves the window", async () => {
      let now = 0;
      const store = await makeStore(() => now);
      for (let i = 0; i < 60; i++) {
        now = i * 1000;
        expect(
          await store.recordSearch({ credential: "c1", session: `s${i % 7}` }, [`t${i}`], {
            ...RULES,
            perSession: Number.POSITIVE_INFINITY,
          }),
        ).toEqual({ allowed: true });
      }
      now = 60_000;
      expect(await store.recordSearch({ credential: "c1", session: "fresh" }, ["late"], RULES)).toEqual({
        allowed: false,
        limit: "credential",
        retryAfterMs: 10 * MIN - 60_000,
      });
      expect(await store.recordSearch({ credential: "c2", session: "fresh" }, ["other key"], RULES)).toEqual({
        allowed: true,
      });
      now = 10 * MIN; // the search at 0 has left the window
      expect(await store.recordSearch({ credential: "c1", session: "fresh" }, ["late"], RULES)).toEqual({
        allowed: true,
      });
      // Nothing was trimmed: the first search of the 61 is still remembered by its session.
      expect(await store.searchedFor({ credential: "c1", session: "s0" }, ["t0"], RULES.memoryMs)).toBe(true);
    });

    it("without sessions (no per-session budget) only the credential's budget applies", async () => {
      const store = await makeStore(() => 0);
      const rules = { ...RULES, perSession: Number.POSITIVE_INFINITY };
      for (let i = 0; i < 60; i++)
        expect((await store.recordSearch({ credential: "c1", session: "sessionless" }, [], rules)).allowed).toBe(true);
      expect((await store.recordSearch({ credential: "c1", session: "sessionless" }, [], rules)).allowed).toBe(false);
    });

    it("parallel searches cannot overrun a budget: 25 at once in one session admit exactly 10", async () => {
      const store = await makeStore(() => 0);
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.recordSearch(s1, [`p${i}`], RULES)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });
  });
}
