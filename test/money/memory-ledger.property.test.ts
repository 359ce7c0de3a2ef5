// Random sequences of reserve, release and time passing against the memory ledger, checked against
// a naive model (every reservation kept, sums recomputed from scratch): the ledger answers as the
// model does, and what it admitted never sums past a max in any window.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Allowance } from "../../src/money/ledger.js";
import { MemoryLedger } from "../../src/money/memory-ledger.js";

/** Three rules with different windows and maxes; a step counts against a non-empty subset of them. */
const RULES = [
  { key: "total", name: "refunds.max_total", windowMs: 1000, maxCents: 2000 },
  { key: "customer", name: "refunds.max_per_customer", windowMs: 5000, maxCents: 3000 },
  { key: "calls", name: "refunds.max_calls", windowMs: 700, maxCents: 500 },
] as const;

type Step =
  | { kind: "tick"; ms: number }
  | { kind: "reserve"; rules: number[]; cents: number }
  | { kind: "release"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 800 }) }),
  fc.record({
    kind: fc.constant("reserve" as const),
    rules: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
    cents: fc.integer({ min: 0, max: 900 }),
  }),
  fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
);

interface Admitted {
  id: string;
  at: number;
  allowances: Allowance[];
  released: boolean;
}

/** Cents of a rule's key held by live reservations at `now` (an entry exactly a window old is out). */
function usedCents(admitted: Admitted[], ruleKey: string, windowMs: number, now: number): number {
  let cents = 0;
  for (const r of admitted) {
    if (r.released || now - r.at >= windowMs) continue;
    for (const a of r.allowances) if (a.key === ruleKey) cents += Math.round(a.amount * 100);
  }
  return cents;
}

describe("MemoryLedger against a naive model", () => {
  it("agrees with the model and never lets a window hold more than its max", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        let now = 0;
        const ledger = new MemoryLedger(() => now);
        const admitted: Admitted[] = [];
        for (const s of steps) {
          if (s.kind === "tick") now += s.ms;
          else if (s.kind === "release") {
            const target = admitted[s.pick % Math.max(1, admitted.length)];
            if (!target) continue;
            await ledger.release(target.id, target.allowances);
            target.released = true;
          } else {
            const allowances = s.rules.map((i) => {
              const rule = RULES[i]!;
              return {
                key: rule.key,
                name: rule.name,
                windowMs: rule.windowMs,
                max: rule.maxCents / 100,
                amount: s.cents / 100,
              };
            });
            // The model: the first rule (in the call's order) that the amount would take past its max.
            const over = s.rules
              .map((i) => RULES[i]!)
              .map((rule) => ({ rule, used: usedCents(admitted, rule.key, rule.windowMs, now) }))
              .find(({ rule, used }) => used + s.cents > rule.maxCents);
            const answer = await ledger.reserve(allowances);
            if (over) {
              expect(answer).toEqual({
                ok: false,
                limit: over.rule.name,
                remaining: Math.max(0, over.rule.maxCents - over.used) / 100,
              });
            } else {
              expect(answer.ok).toBe(true);
              if (answer.ok) admitted.push({ id: answer.id, at: now, allowances, released: false });
            }
          }
          for (const rule of RULES)
            expect(usedCents(admitted, rule.key, rule.windowMs, now)).toBeLessThanOrEqual(rule.maxCents);
        }
      }),
      { numRuns: 300 },
    );
  });
});
