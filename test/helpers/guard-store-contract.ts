// What every GuardStore must do with searches, run against each implementation (memory, and Redis
// on a real redis-server) with an injected clock: budgets counted atomically, and nothing a
// session or credential searched for forgotten while it can still matter.
import { describe, expect, it } from "vitest";
import { SEARCH_RULES } from "../../src/guard/guard.js";
import type { GuardStore } from "../../src/guard/store.js";

const MIN = 60_000;
const RULES = SEARCH_RULES;
const s1 = { credential: "c1", session: "s1" };

export function searchContract(name: string, makeStore: (now: () => number) => GuardStore | Promise<GuardStore>): void {
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
      for (let i = 0; i < 10; i++) expect(await store.recordSearch(s1, [`term ${i}`], RULES)).toEqual({ allowed: true });
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
        expect(await store.recordSearch({ credential: "c1", session: `s${i % 7}` }, [`t${i}`], { ...RULES, perSession: Number.POSITIVE_INFINITY })).toEqual({ allowed: true });
      }
      now = 60_000;
      expect(await store.recordSearch({ credential: "c1", session: "fresh" }, ["late"], RULES)).toEqual({ allowed: false, limit: "credential", retryAfterMs: 10 * MIN - 60_000 });
      expect(await store.recordSearch({ credential: "c2", session: "fresh" }, ["other key"], RULES)).toEqual({ allowed: true });
      now = 10 * MIN; // the search at 0 has left the window
      expect(await store.recordSearch({ credential: "c1", session: "fresh" }, ["late"], RULES)).toEqual({ allowed: true });
      // Nothing was trimmed: the first search of the 61 is still remembered by its session.
      expect(await store.searchedFor({ credential: "c1", session: "s0" }, ["t0"], RULES.memoryMs)).toBe(true);
    });

    it("without sessions (no per-session budget) only the credential's budget applies", async () => {
      const store = await makeStore(() => 0);
      const rules = { ...RULES, perSession: Number.POSITIVE_INFINITY };
      for (let i = 0; i < 60; i++) expect((await store.recordSearch({ credential: "c1", session: "sessionless" }, [], rules)).allowed).toBe(true);
      expect((await store.recordSearch({ credential: "c1", session: "sessionless" }, [], rules)).allowed).toBe(false);
    });

    it("parallel searches cannot overrun a budget: 25 at once in one session admit exactly 10", async () => {
      const store = await makeStore(() => 0);
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.recordSearch(s1, [`p${i}`], RULES)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });
  });
}
