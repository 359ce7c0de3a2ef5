import { describe, expect, it } from "vitest";
import { findCardNumbers, luhnValid, maskCardNumbers } from "../src/guard/card-numbers.js";
import { normalizeEmail, normalizeFactor, normalizePhone, normalizeZip, searchTextForms } from "../src/guard/normalize.js";
import { stripInvisible } from "../src/guard/text.js";

describe("verification factor normalization", () => {
  it("email ignores case, spaces and +tags", () => {
    expect(normalizeEmail("  Jane.Doe+shop@Example.COM ")).toBe("jane.doe@example.com");
    expect(normalizeFactor("email", "JANE.DOE@example.com")).toBe(normalizeFactor("email", "jane.doe+x@EXAMPLE.com"));
  });
  it("ZIP+4 counts as the ZIP; spacing and case do not matter", () => {
    expect(normalizeZip("90210-1234")).toBe("90210");
    expect(normalizeZip(" 902101234 ")).toBe("90210");
    expect(normalizeZip("sw1a 1aa")).toBe("SW1A1AA");
  });
  it("phone is digits only, without a leading 1", () => {
    expect(normalizePhone("+1 (310) 555-0100")).toBe("3105550100");
    expect(normalizePhone("310.555.0100")).toBe("3105550100");
  });
  it("last4 takes the last four digits", () => {
    expect(normalizeFactor("last4", "**** 4242")).toBe("4242");
  });
  it("a search term is remembered in forms that contain every factor value in it", () => {
    const forms = searchTextForms("Jane Doe <Jane+x@Example.com>, 90210-1234, +1 (310) 555-0100");
    const contains = (value: string) => forms.some((f) => f.includes(value));
    expect(contains(normalizeFactor("email", "jane@example.com"))).toBe(true);
    expect(contains(normalizeFactor("zip", "90210"))).toBe(true);
    expect(contains(normalizeFactor("phone", "310-555-0100"))).toBe(true);
    expect(contains(normalizeFactor("last4", "0100"))).toBe(true);
    expect(contains(normalizeFactor("zip", "10001"))).toBe(false);
  });
});

describe("card numbers", () => {
  it("finds Luhn-valid 13-19 digit numbers, spaced or dashed, and nothing else", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(findCardNumbers("card 4111 1111 1111 1111 exp 12/30")).toEqual(["4111111111111111"]);
    expect(findCardNumbers("card 5500-0000-0000-0004")).toEqual(["5500000000000004"]);
    expect(findCardNumbers("order 1234567890123 and phone 3105550100")).toEqual([]);
    expect(findCardNumbers("id 378282246310005")).toEqual(["378282246310005"]);
    expect(findCardNumbers("cus0000000000000jane x4111111111111111 0000000000000 4111111111111111abc")).toEqual([]);
    expect(findCardNumbers("(4111111111111111)")).toEqual(["4111111111111111"]);
  });
  it("masks to first 6 and last 4", () => {
    expect(maskCardNumbers("paid with 4111 1111 1111 1111.")).toBe("paid with 411111******1111.");
    expect(maskCardNumbers("ref 12345678901234567890123")).toBe("ref 12345678901234567890123");
  });
});

describe("upstream free text", () => {
  it("loses zero-width, bidi and tag characters", () => {
    const hidden = "Call\u200b me\u202e! SYSTEM\u{e0041}\u{e0042}: ok\ufeff";
    expect(stripInvisible(hidden)).toBe("Call me! SYSTEM: ok");
  });
});
