// The memory ledger with an injected clock: the contract every ledger holds, that it forgets what
// has left every window (so a long-running server's memory does not grow), and misuse refused.
import { describe, expect, it } from "vitest";
import type { Allowance } from "../../src/money/ledger.js";
import { MemoryLedger } from "../../src/money/memory-ledger.js";
import { moneyLedgerContract } from "./ledger-contract.js";

moneyLedgerContract("MemoryLedger", (now) => new MemoryLedger(now));

const a: Allowance = { key: "k", name: "refunds.max_total", windowMs: 1000, max: 10, amount: 1 };

/** The ledger's private maps, read only to see that they shrink. */
function held(ledger: MemoryLedger): { windows: number; once: number } {
  const inside = ledger as unknown as { windows: Map<string, unknown>; once: Map<string, unknown> };
  return { windows: inside.windows.size, once: inside.once.size };
}

describe("MemoryLedger", () => {
  it("forgets keys and one-time values once they are out of every window", async () => {
    let now = 0;
    const ledger = new MemoryLedger(() => now);
    for (let i = 0; i < 500; i++) await ledger.reserve([{ ...a, key: `k${i}` }]);
    for (let i = 0; i < 499; i++) await ledger.putOnce(`t${i}`, "v", 1000);
    expect(held(ledger)).toEqual({ windows: 500, once: 499 });
    now = 1000; // everything above is a window old; the 1,000th write sweeps
    await ledger.reserve([{ ...a, key: "fresh" }]);
    expect(held(ledger)).toEqual({ windows: 1, once: 0 });
  });

  it("a key lives as long as the largest window it was counted under", async () => {
    let now = 0;
    const ledger = new MemoryLedger(() => now);
    await ledger.reserve([{ ...a, windowMs: 5000 }]);
    for (let i = 1; i < 999; i++) await ledger.putOnce(`t${i}`, "v", 1);
    now = 1000;
    await ledger.reserve([{ ...a, key: "other" }]); // the 1,000th write: "k" is inside its 5 s window
    expect(held(ledger).windows).toBe(2);
  });

  it("refuses the same key twice in one reservation, and amounts that are not money", async () => {
    const ledger = new MemoryLedger(() => 0);
    await expect(ledger.reserve([a, { ...a, name: "other" }])).rejects.toThrow(/same ledger key twice/);
    await expect(ledger.reserve([{ ...a, amount: -1 }])).rejects.toThrow(/not an amount of money: -1/);
    await expect(ledger.reserve([{ ...a, amount: Number.NaN }])).rejects.toThrow(RangeError);
    await expect(ledger.reserve([{ ...a, windowMs: 0 }])).rejects.toThrow(/not a window/);
  });
});
