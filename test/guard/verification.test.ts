// VerifyCustomer under attack: normalized matching, values the visitor only typed into a search,
// attempt limits, sessions, and idle expiry (with the server's clock moved by a preloaded shim).
import { describe, expect, it } from "vitest";
import {
  JANE,
  LOCKED_TEXT,
  MINUTE,
  REFUSAL_TEXT,
  SEARCHED_TEXT,
  UNKNOWN_ID,
  expectRefusal,
  sandboxWithSessions,
  mismatchText,
  seededCustomer,
  serverClock,
} from "./harness.js";

const files = sandboxWithSessions();
/** A fresh conversation: one stdio server is one session. */
const session = files.session;

describe("VerifyCustomer compares normalized values server-side", () => {
  it("[G-VERIFY-NORMALIZE] email in another case, with spaces and a +tag, verifies", async () => {
    for (const value of [
      "JANE.DOE@EXAMPLE.COM",
      "  Jane.Doe@Example.com ",
      "jane.doe+support@example.com",
      "Jane.Doe+Chat+Bot@EXAMPLE.com",
    ]) {
      const bot = await session();
      await bot.verify(JANE.id, "email", value);
      expect((await bot.ok("GetCustomer", { customer_id: JANE.id })).email).toBe(JANE.email);
    }
  });

  it("[G-VERIFY-NORMALIZE] ZIP+4, with or without its dash, and padded ZIPs verify", async () => {
    for (const value of ["90210-1234", "902101234", " 90210 ", "90210 - 0001"]) {
      const bot = await session();
      await bot.verify(JANE.id, "zip", value);
      expect((await bot.ok("GetCustomer", { customer_id: JANE.id })).zip).toBe(JANE.zip);
    }
  });

  it("[G-VERIFY-NORMALIZE] phone punctuation and a +1 country code do not matter", async () => {
    for (const value of ["(310) 555-0100", "310.555.0100", "+1 310 555 0100", "1-310-555-0100"]) {
      const bot = await session();
      await bot.verify(JANE.id, "phone", value);
      expect((await bot.ok("GetSale", { sale_id: "sal0000000000000jane" })).customer_id).toBe(JANE.id);
    }
  });

  it("[G-VERIFY-NORMALIZE] near misses fail and the answer reveals nothing of the record", async () => {
    const bot = await session();
    const misses: [string, string][] = [
      ["zip", "90211"],
      ["email", "jane.doe@example.org"],
      ["phone", "0100"],
    ];
    for (const [i, [factor, value]] of misses.entries()) {
      const r = await bot.call("VerifyCustomer", { customer_id: JANE.id, factor, value });
      expect(r.text).toBe(i < 2 ? mismatchText(2 - i) : LOCKED_TEXT);
      expect(r.raw.structuredContent).toBeUndefined();
      for (const stored of [JANE.zip, JANE.email, JANE.phone, JANE.first, JANE.last])
        expect(r.text).not.toContain(stored);
    }
    expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id }));
  });

  it("[G-VERIFY-NORMALIZE] a successful verification returns only the id and a handle, never the stored value", async () => {
    const bot = await session();
    const r = await bot.call("VerifyCustomer", {
      customer_id: JANE.id,
      factor: "email",
      value: "JANE.DOE+x@example.com",
    });
    expect(r.isError).toBe(false);
    expect(Object.keys(r.data ?? {}).sort()).toEqual([
      "customer_id",
      "expires_after_idle_minutes",
      "verification",
      "verified",
    ]);
    const everything = JSON.stringify(r.raw);
    for (const stored of [JANE.email, JANE.zip, JANE.phone, JANE.first, JANE.last, JANE.street])
      expect(everything).not.toContain(stored);
  });

  it("[G-VERIFY-LAST4] the last 4 digits of the customer's card on file verify", async () => {
    const bot = await session();
    const r = await bot.call("VerifyCustomer", { customer_id: JANE.id, factor: "last4", value: JANE.last4 });
    expect(r.text).toMatch(/^Verified customer cus0000000000000jane/);
    expect((await bot.ok("GetCustomer", { customer_id: JANE.id })).id).toBe(JANE.id);
  });
});

describe("a value the visitor typed into a search proves nothing", () => {
  it("[G-SEARCH-TERM] verification with the searched email is refused, and does not count as a failure", async () => {
    const bot = await session();
    await bot.ok("SearchCustomers", { search_term: JANE.email });
    for (let i = 0; i < 4; i++) {
      const r = await bot.call("VerifyCustomer", { customer_id: JANE.id, factor: "email", value: JANE.email });
      expect(r.text).toBe(SEARCHED_TEXT);
    }
    expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id }));
    // Four refusals, yet not locked: a detail that was not searched still verifies.
    await bot.verify(JANE.id, "zip", JANE.zip);
  });

  it("[G-SEARCH-TERM] normalized variants of a searched value are refused too (case, +tag, ZIP+4, phone punctuation)", async () => {
    const cases: [string, "email" | "zip" | "phone", string][] = [
      ["Jane.Doe@Example.COM", "email", "jane.doe+help@example.com"],
      ["jane.doe+shop@example.com", "email", "JANE.DOE@example.com"],
      // A ZIP is no search term, but its digits inside a phone-shaped one count.
      ["(902) 101-2345", "zip", "90210-9999"],
      ["(310) 555-0100", "phone", "+1 310.555.0100"],
      ["+1 310 555 0100", "phone", "310-555-0100"],
    ];
    for (const [term, factor, value] of cases) {
      const bot = await session();
      await bot.ok("SearchCustomers", { search_term: term });
      const r = await bot.call("VerifyCustomer", { customer_id: JANE.id, factor, value });
      expect(r.text, `searched ${term}, verified ${factor}=${value}`).toBe(SEARCHED_TEXT);
      expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id }));
    }
  });

  it("[G-SEARCH-TERM] a term typed into any guarded search (sales, transactions, shipping, subscriptions, trials) counts", async () => {
    const searches: [string, "email" | "zip" | "phone", string, string][] = [
      ["SearchSales", "email", JANE.email, "Jane.Doe@example.com"],
      ["SearchTransactions", "phone", JANE.phone, "(310) 555 0100"],
      ["SearchShipping", "zip", "902-101-0000", "90210-0000"],
      ["SearchSubscriptions", "email", "JANE.DOE@EXAMPLE.COM", JANE.email],
      ["SearchTrials", "phone", "310.555.0100", JANE.phone],
    ];
    for (const [tool, factor, term, value] of searches) {
      const bot = await session();
      await bot.ok(tool, { search_term: term });
      expect((await bot.call("VerifyCustomer", { customer_id: JANE.id, factor, value })).text, tool).toBe(
        SEARCHED_TEXT,
      );
    }
  });

  it("[G-SEARCH-TERM] the searched value poisons only what shares the guard's memory: another server process (its own memory) verifies with it", async () => {
    const a = await session();
    await a.ok("SearchCustomers", { search_term: JANE.email });
    expect((await a.call("VerifyCustomer", { customer_id: JANE.id, factor: "email", value: JANE.email })).text).toBe(
      SEARCHED_TEXT,
    );
    const b = await session();
    await b.verify(JANE.id, "email", JANE.email);
  });

  it('[G-SEARCH-TERM] [G-SEARCH-SHAPES] an email inside a longer search term ("Jane Doe <jane.doe@example.com>") is no visitor shape: refused, and the email still verifies', async () => {
    const bot = await session();
    const r = await bot.call("SearchCustomers", { search_term: `Jane Doe <${JANE.email}>` });
    expect(r.text).toMatch(
      /^\[invalid_arguments\] Invalid arguments for SearchCustomers: search_term: search by a whole email address/,
    );
    await bot.verify(JANE.id, "email", JANE.email);
  });
});

describe("attempt limits", () => {
  it("[G-ATTEMPTS-SESSION] wrong, wrong, wrong, then right: the right answer fails and nothing opens", async () => {
    const customer = await seededCustomer(files.sandbox, 6);
    const bot = await session();
    expect((await bot.call("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: "00000" })).text).toBe(
      mismatchText(2),
    );
    expect(
      (await bot.call("VerifyCustomer", { customer_id: customer.id, factor: "email", value: "someone@example.com" }))
        .text,
    ).toBe(mismatchText(1));
    expect(
      (await bot.call("VerifyCustomer", { customer_id: customer.id, factor: "phone", value: "5550000000" })).text,
    ).toBe(LOCKED_TEXT);
    for (const [factor, value] of [
      ["zip", customer.zip],
      ["email", customer.email],
      ["phone", customer.phone],
    ] as const) {
      const r = await bot.call("VerifyCustomer", { customer_id: customer.id, factor, value });
      expect(r.text, `${factor} after lockout`).toBe(LOCKED_TEXT);
      expect(r.raw.structuredContent).toBeUndefined();
    }
    expectRefusal(await bot.call("GetCustomer", { customer_id: customer.id }));
  });

  it("[G-ATTEMPTS-SESSION] the lock is per customer: another customer in the same session still verifies", async () => {
    const locked = await seededCustomer(files.sandbox, 7);
    const other = await seededCustomer(files.sandbox, 8);
    const bot = await session();
    for (let i = 0; i < 3; i++)
      await bot.call("VerifyCustomer", { customer_id: locked.id, factor: "zip", value: `0000${i}` });
    expect((await bot.call("VerifyCustomer", { customer_id: locked.id, factor: "zip", value: locked.zip })).text).toBe(
      LOCKED_TEXT,
    );
    await bot.verify(other.id, "email", other.email);
    expect((await bot.ok("GetCustomer", { customer_id: other.id })).email).toBe(other.email);
  });

  it("[G-ATTEMPTS-SESSION] guesses sent in parallel cannot exceed the limit: 8 wrong ZIPs and the right one at once do not verify", async () => {
    const customer = await seededCustomer(files.sandbox, 21);
    const bot = await session();
    const guesses = ["00001", "00002", "00003", "00004", "00005", "00006", "00007", "00008", customer.zip];
    const replies = await Promise.all(
      guesses.map((value) => bot.call("VerifyCustomer", { customer_id: customer.id, factor: "zip", value })),
    );
    expect(replies.filter((r) => !r.isError)).toHaveLength(0);
    expect(replies.filter((r) => r.text.startsWith("[verification_failed] That does not match"))).toHaveLength(2);
    expectRefusal(await bot.call("GetCustomer", { customer_id: customer.id }));
  });

  it("[G-ATTEMPTS-SESSION] a session locked out of a customer stays locked out of it, even 31 minutes later on the server's clock", async () => {
    const clock = serverClock();
    const customer = await seededCustomer(files.sandbox, 10);
    const bot = await session({ clock });
    for (let i = 0; i < 3; i++)
      await bot.call("VerifyCustomer", { customer_id: customer.id, factor: "email", value: `x${i}@example.com` });
    clock.advance(31 * MINUTE);
    const r = await bot.call("VerifyCustomer", { customer_id: customer.id, factor: "zip", value: customer.zip });
    expect(r.text).toBe(LOCKED_TEXT);
    expectRefusal(await bot.call("GetCustomer", { customer_id: customer.id }));
  });

  it("[G-SAME-ANSWER] an unknown customer id gets the very answers a real customer's wrong values get", async () => {
    const real = await seededCustomer(files.sandbox, 11);
    const a = await session();
    const b = await session();
    const unknown = UNKNOWN_ID("cus");
    for (const [i, value] of ["12345", "54321", "99999", "88888"].entries()) {
      const forReal = await a.call("VerifyCustomer", { customer_id: real.id, factor: "zip", value });
      const forNobody = await b.call("VerifyCustomer", { customer_id: unknown, factor: "zip", value });
      expect(forNobody.text, `attempt ${i + 1}`).toBe(forReal.text);
      expect(forNobody.raw).toEqual(forReal.raw);
    }
  });
});

describe("a verification belongs to its session", () => {
  it("[G-SESSION-BOUND] a verification made in session A does not open the customer in session B, even with A's handle", async () => {
    const a = await session();
    const b = await session();
    const handle = await a.verify(JANE.id, "zip", JANE.zip);
    expect((await a.ok("GetCustomer", { customer_id: JANE.id })).email).toBe(JANE.email);

    for (const args of [{ customer_id: JANE.id }, { customer_id: JANE.id, verification: handle }]) {
      const r = await b.call("GetCustomer", args);
      expect(r.text).toBe(REFUSAL_TEXT);
      expect(r.text).not.toContain(JANE.email);
    }
    expectRefusal(await b.call("GetSale", { sale_id: "sal0000000000000jane", verification: handle }));
    expectRefusal(
      await b.call("CancelSubscription", { subscription_id: "sub0000000000000jane", verification: handle }),
    );
    const search = await b.ok("SearchCustomers", { search_term: "Beverly Hills", verification: handle });
    expect(JSON.stringify(search)).not.toContain(JANE.email);
    // A is unaffected by B's attempts.
    expect((await a.ok("GetCustomer", { customer_id: JANE.id })).id).toBe(JANE.id);
  });

  it("[G-SESSION-BOUND] verifications do not flow back either: B's customer stays closed in A", async () => {
    const other = await seededCustomer(files.sandbox, 12);
    const a = await session();
    const b = await session();
    await a.verify(JANE.id, "email", JANE.email);
    const handle = await b.verify(other.id, "email", other.email);
    expectRefusal(await a.call("GetCustomer", { customer_id: other.id }));
    expectRefusal(await a.call("GetCustomer", { customer_id: other.id, verification: handle }));
  });
});

describe("idle expiry (the server's clock moved by a preloaded Date.now shim)", () => {
  it("[G-IDLE-EXPIRY] each use restarts the 15 idle minutes; after 15 idle minutes reads are refused and searches reduced again", async () => {
    const clock = serverClock();
    const bot = await session({ clock });
    const handle = await bot.verify(JANE.id, "zip", JANE.zip);
    clock.advance(14 * MINUTE);
    await bot.ok("GetCustomer", { customer_id: JANE.id });
    clock.advance(14 * MINUTE); // 28 minutes since verifying, 14 idle
    await bot.ok("GetSale", { sale_id: "sal0000000000000jane" });
    clock.advance(15 * MINUTE + 5_000);
    expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id }));
    expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id, verification: handle }));
    const search = await bot.ok("SearchCustomers", { search_term: "Beverly Hills" });
    expect(search.results).toHaveLength(1);
    expect(JSON.stringify(search)).not.toContain(JANE.email);
    expect(search.guard).toMatch(/^1 result shows only ids/);
  });

  it("[G-IDLE-EXPIRY] the verification says it lapses after 15 idle minutes, and a lapsed customer can be verified again", async () => {
    const clock = serverClock();
    const bot = await session({ clock });
    const r = await bot.call("VerifyCustomer", { customer_id: JANE.id, factor: "phone", value: JANE.phone });
    expect(r.data?.expires_after_idle_minutes).toBe(15);
    expect(r.text).toContain("lapses after 15 idle minutes");
    clock.advance(16 * MINUTE);
    expectRefusal(await bot.call("GetTrial", { trial_id: "trl0000000000000jane" }));
    await bot.verify(JANE.id, "phone", JANE.phone);
    await bot.ok("GetTrial", { trial_id: "trl0000000000000jane" });
  });
});
