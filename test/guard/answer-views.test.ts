// Issue 18's views under the guard: the summary and `fields` shape what the guard left, after it,
// so neither can bring back what it withheld from an unverified visitor.
import { describe, expect, it } from "vitest";
import { JANE, expectNotLeaked, sandboxWithSessions } from "./harness.js";

const { session } = sandboxWithSessions();

const IDENTIFYING = [JANE.first, JANE.last, JANE.email, JANE.phone, JANE.zip, JANE.street, JANE.city, JANE.last4];
const FAMILIES = ["SearchSales", "SearchTransactions", "SearchSubscriptions", "SearchTrials", "SearchShipping"];
/** Every way of asking: the summary, whole items, and named fields that the summary or the record holds. */
const VIEWS: (string[] | undefined)[] = [
  undefined,
  ["*"],
  ["results.customer", "results.customer_card", "results.email", "results.ship_to", "results.customer_id"],
];

describe("both views under the guard", () => {
  it("[G-VIEWS] an unverified customer's sales, transactions, subscriptions, trials and shipments show nothing identifying in any view", async () => {
    for (const tool of FAMILIES) {
      // A conversation per family: each has a budget of searches.
      const bot = await session();
      for (const fields of VIEWS) {
        const page = await bot.ok(tool, { search_term: "Jane Doe", ...(fields ? { fields } : {}) });
        const context = `${tool} fields=${JSON.stringify(fields)}`;
        expect((page.results as unknown[]).length, context).toBeGreaterThan(0);
        const text = JSON.stringify(page.results);
        for (const value of IDENTIFYING) expectNotLeaked(text, value, `${context} leaked ${value}`);
        for (const item of page.results as Record<string, unknown>[]) {
          expect(item.customer, context).toBeUndefined();
          expect(item.customer_id, context).toBe(JANE.id);
        }
        expect(page.guard, context).toMatch(/only ids and non-identifying fields/);
        expect(page.view, context).toBe(fields ? undefined : "summary");
      }
    }
  });

  it("[G-VIEWS] an unverified customer found by email shows no more than its reduced item, summary or whole", async () => {
    const bot = await session();
    const summary = await bot.ok("SearchCustomers", { search_term: JANE.email });
    const whole = await bot.ok("SearchCustomers", { search_term: JANE.email, fields: ["*"] });
    const [s] = summary.results as Record<string, unknown>[];
    const [w] = whole.results as Record<string, unknown>[];
    // The summary is a part of what the guard left, never more.
    expect(w).toMatchObject(s!);
    for (const key of Object.keys(s!)) expect(Object.keys(w!), key).toContain(key);
    for (const item of [s, w]) {
      expect(item!.first_name).toBeUndefined();
      expect(item!.email).toBeUndefined();
    }
  });

  it("[G-VIEWS] once verified, the customer's own items show their summary's name fields, and whole items in full", async () => {
    const bot = await session();
    await bot.verify(JANE.id, "zip", JANE.zip);
    const summary = await bot.ok("SearchTransactions", { search_term: JANE.email });
    const mine = (summary.results as Record<string, any>[]).filter((t) => t.customer?.id === JANE.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const t of mine) {
      expect(t.customer).toEqual({ id: JANE.id, first_name: JANE.first, last_name: JANE.last });
      expect(t.customer_card).toEqual({ last_4: expect.stringMatching(/^\d{4}$/) });
    }
    const whole = await bot.ok("SearchTransactions", { search_term: JANE.email, fields: ["*"] });
    const full = (whole.results as Record<string, any>[]).find((t) => t.customer?.id === JANE.id);
    expect(full?.customer.email).toBe(JANE.email);
    expect(full?.customer.zip).toBe(JANE.zip);
  });
});
