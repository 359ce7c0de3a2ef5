// The limits file: what parses, what stops the server (with a message naming the file and the
// field, since the operator has to find it), and which rules a call counts against.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import {
  allowancesFor,
  checkPerCall,
  type Limits,
  limitsSchema,
  loadLimits,
  SUPPORT_REFUND_DEFAULTS,
} from "../../src/money/limits.js";
import type { MoneyClass } from "../../src/operations/operation.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), "revcent-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(text: string): string {
  const path = join(dir, `limits-${++files}.json`);
  writeFileSync(path, text);
  return path;
}

const FULL = {
  refunds: { max_amount: 500, max_total: 2000, max_per_customer: 1000, max_calls: 30 },
  voids: { max_amount: 300.5, max_calls: 10 },
  sales: { max_total: 10_000 },
  destructive: { max_calls: 20 },
  operations: { RefundTransaction: { max_amount: 100 } },
};

describe("loadLimits", () => {
  it("parses a full file, and an empty one, to exactly what they say", () => {
    expect(loadLimits(file(JSON.stringify(FULL)))).toEqual(FULL);
    expect(loadLimits(file("{}"))).toEqual({});
    expect(loadLimits(file('{ "refunds": {}, "operations": {} }'))).toEqual({ refunds: {}, operations: {} });
  });

  const bad: Array<[string, string, string]> = [
    ["negative", '{ "refunds": { "max_amount": -5 } }', "refunds.max_amount must be a positive number"],
    ["zero", '{ "voids": { "max_total": 0 } }', "voids.max_total must be a positive number"],
    ["a string", '{ "sales": { "max_per_customer": "100" } }', "sales.max_per_customer must be a positive number"],
    [
      "a fractional call count",
      '{ "refunds": { "max_calls": 2.5 } }',
      "refunds.max_calls must be a positive whole number",
    ],
    [
      "a zero call count",
      '{ "destructive": { "max_calls": 0 } }',
      "destructive.max_calls must be a positive whole number",
    ],
    [
      "an unknown rule",
      '{ "refunds": { "max_amout": 5 } }',
      "refunds.max_amout is not a known key (known: max_amount, max_total, max_per_customer, max_calls)",
    ],
    [
      "an unknown class",
      '{ "refund": {} }',
      "refund is not a known key (known: refunds, voids, sales, destructive, operations)",
    ],
    [
      "an amount rule on destructive",
      '{ "destructive": { "max_total": 5 } }',
      "destructive.max_total is not a known key (known: max_calls)",
    ],
    [
      "a bad per-operation rule",
      '{ "operations": { "RefundTransaction": { "max_amount": -1 } } }',
      "operations.RefundTransaction.max_amount must be a positive number",
    ],
    ["a class that is not an object", '{ "refunds": 5 }', "refunds must be an object of limits"],
    ["a list", "[]", "the file must hold a JSON object"],
    [
      "an amount past exact cents",
      '{ "sales": { "max_total": 1e20 } }',
      "sales.max_total must be at most 10000000000000",
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}, naming the file and the field`, () => {
      const path = file(text);
      expect(() => loadLimits(path)).toThrow(ConfigError);
      expect(() => loadLimits(path)).toThrow(`limits file ${path}: ${message}`);
    });
  }

  it("names every wrong field, up to five, in one line", () => {
    const path = file('{ "refunds": { "max_amount": 0, "max_calls": -1 } }');
    expect(() => loadLimits(path)).toThrow(
      `limits file ${path}: refunds.max_amount must be a positive number; refunds.max_calls must be a positive whole number`,
    );
  });

  it("refuses bad JSON and a missing file, naming the file", () => {
    const broken = file('{ "refunds": ');
    expect(() => loadLimits(broken)).toThrow(ConfigError);
    expect(() => loadLimits(broken)).toThrow(new RegExp(`^limits file ${broken}: not valid JSON \\(`));
    const missing = join(dir, "missing.json");
    expect(() => loadLimits(missing)).toThrow(ConfigError);
    expect(() => loadLimits(missing)).toThrow(`limits file ${missing}: cannot read it (ENOENT)`);
  });
});

const refunds: MoneyClass = "refunds";
const refund = { operation: "RefundTransaction", moneyClass: refunds, destructive: false, credential: "k1" };

describe("allowancesFor", () => {
  it("a refund with amount and customer counts against every refund rule, keyed by credential and customer", () => {
    expect(allowancesFor(FULL, { ...refund, customer: "cus1", amount: 42.5 })).toEqual({
      allowances: [
        { key: "refunds.max_total:k1", name: "refunds.max_total", windowMs: DAY, max: 2000, amount: 42.5 },
        {
          key: "refunds.max_per_customer:k1:cus1",
          name: "refunds.max_per_customer",
          windowMs: 30 * DAY,
          max: 1000,
          amount: 42.5,
        },
        { key: "refunds.max_calls:k1", name: "refunds.max_calls", windowMs: HOUR, max: 30, amount: 1 },
      ],
      // The operation's own max_amount (100) is tighter than the class's (500).
      perCall: { name: "operations.RefundTransaction.max_amount", max: 100 },
    });
  });

  it("without a customer or an amount, a rule that needs it is named as uncounted (the caller refuses)", () => {
    const noCustomer = allowancesFor(FULL, { ...refund, amount: 10 });
    expect(noCustomer.allowances.map((a) => a.name)).toEqual(["refunds.max_total", "refunds.max_calls"]);
    expect(noCustomer.uncounted).toBe("refunds.max_per_customer");
    const noAmount = allowancesFor(FULL, { ...refund, customer: "cus1" });
    expect(noAmount.allowances.map((a) => a.name)).toEqual(["refunds.max_calls"]);
    expect(noAmount.uncounted).toBe("refunds.max_total");
    expect(noAmount.perCall).toEqual({ name: "operations.RefundTransaction.max_amount", max: 100 });
    expect(allowancesFor(FULL, { ...refund, amount: 10, customer: "cus1" }).uncounted).toBeUndefined();
  });

  it("a destructive call that moves no money counts only against destructive.max_calls", () => {
    expect(
      allowancesFor(FULL, { operation: "DeleteCustomer", destructive: true, credential: "k1", customer: "cus1" }),
    ).toEqual({
      allowances: [
        { key: "destructive.max_calls:k1", name: "destructive.max_calls", windowMs: HOUR, max: 20, amount: 1 },
      ],
    });
  });

  it("a void that also destroys counts against both classes, the money class first", () => {
    const { allowances, perCall } = allowancesFor(FULL, {
      operation: "VoidTransaction",
      moneyClass: "voids",
      destructive: true,
      credential: "k1",
      amount: 5,
    });
    expect(allowances.map((a) => a.key)).toEqual(["voids.max_calls:k1", "destructive.max_calls:k1"]);
    expect(perCall).toEqual({ name: "voids.max_amount", max: 300.5 });
  });

  it("a per-operation override adds its own counters beside the class's", () => {
    const limits: Limits = {
      refunds: { max_total: 2000 },
      operations: { RefundTransaction: { max_total: 150, max_calls: 3 } },
    };
    expect(allowancesFor(limits, { ...refund, amount: 20 }).allowances).toEqual([
      { key: "refunds.max_total:k1", name: "refunds.max_total", windowMs: DAY, max: 2000, amount: 20 },
      {
        key: "operations.RefundTransaction.max_total:k1",
        name: "operations.RefundTransaction.max_total",
        windowMs: DAY,
        max: 150,
        amount: 20,
      },
      {
        key: "operations.RefundTransaction.max_calls:k1",
        name: "operations.RefundTransaction.max_calls",
        windowMs: HOUR,
        max: 3,
        amount: 1,
      },
    ]);
    // Another operation of the class gets only the class's rule.
    expect(allowancesFor(limits, { ...refund, operation: "RefundSale", amount: 20 }).allowances).toHaveLength(1);
  });

  it("no two credentials (or customers) share a counter, however their names are spelled", () => {
    const keysOf = (credential: string, customer: string) =>
      allowancesFor(FULL, { ...refund, credential, customer, amount: 1 }).allowances.map((a) => a.key);
    const a = keysOf("k1:cus1", "x");
    const b = keysOf("k1", "cus1:x");
    expect(a).toEqual([
      "refunds.max_total:k1%3Acus1",
      "refunds.max_per_customer:k1%3Acus1:x",
      "refunds.max_calls:k1%3Acus1",
    ]);
    expect(a.filter((key) => b.includes(key))).toEqual([]);
  });

  it("nothing applies to a call no rule names", () => {
    expect(allowancesFor(FULL, { operation: "ListCustomers", destructive: false, credential: "k1" })).toEqual({
      allowances: [],
    });
    expect(allowancesFor({}, { ...refund, amount: 5, customer: "c" })).toEqual({ allowances: [] });
  });

  it("the support defaults: 50 a refund, 100 a customer in 30 days", () => {
    expect(limitsSchema.parse(SUPPORT_REFUND_DEFAULTS)).toEqual(SUPPORT_REFUND_DEFAULTS); // a file could say the same
    expect(allowancesFor(SUPPORT_REFUND_DEFAULTS, { ...refund, customer: "cus1", amount: 50 })).toEqual({
      allowances: [
        {
          key: "refunds.max_per_customer:k1:cus1",
          name: "refunds.max_per_customer",
          windowMs: 30 * DAY,
          max: 100,
          amount: 50,
        },
      ],
      perCall: { name: "refunds.max_amount", max: 50 },
    });
  });
});

describe("checkPerCall", () => {
  const perCall = { name: "refunds.max_amount", max: 0.3 };
  it("passes exactly the max, in cents, and refuses a cent more or an unknown amount", () => {
    expect(checkPerCall(perCall, 0.1 + 0.2)).toEqual({ ok: true });
    expect(checkPerCall(perCall, 0.31)).toEqual({ ok: false, limit: "refunds.max_amount", max: 0.3 });
    expect(checkPerCall(perCall, undefined)).toEqual({ ok: false, limit: "refunds.max_amount", max: 0.3 });
    expect(checkPerCall(undefined, 1e6)).toEqual({ ok: true });
  });
});
