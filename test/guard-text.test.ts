import { describe, expect, it } from "vitest";
import { normalizeEmail, normalizeFactor, normalizePhone, normalizeZip } from "../src/guard/normalize.js";
import { piecesOf, searchShapeOf, searchTextForms } from "../src/guard/search-terms.js";
import { findCardNumbers, luhnValid, maskCardNumbers } from "../src/secrets/card-numbers.js";
import { stripHidden } from "../src/secrets/hidden-text.js";

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
  it("an email typed with spaces, or with its +tag, is remembered in a form that holds it whole", () => {
    for (const typed of ["jane . doe @ example.com", "Jane.Doe+chat@Example.com"]) {
      expect(searchTextForms(typed), typed).toContain("jane.doe@example.com");
    }
  });
  it("a factor's pieces are its runs of 4 characters, or the value itself when short", () => {
    expect(piecesOf("90210")).toEqual(["9021", "0210"]);
    expect(piecesOf("4242")).toEqual(["4242"]);
    expect(piecesOf("M5V3L9")).toEqual(["m5v3", "5v3l", "v3l9"]);
  });
});

describe("search terms have a visitor's shapes", () => {
  it("whole emails, whole phone numbers, names and RevCent ids pass", () => {
    const allowed: [string, string][] = [
      ["jane.doe@example.com", "email"],
      ["Jane.Doe+x@Example.co.uk", "email"],
      ["(310) 555-0100", "phone"],
      ["+1 310 555 0100", "phone"],
      ["3105550100", "phone"],
      ["555-0100", "phone"],
      ["+44 20 7946 0958", "phone"],
      ["Jane Doe", "name"],
      ["O'Brien", "name"],
      ["Anne-Marie St. John", "name"],
      ["José Ñúñez", "name"],
      ["李小龍", "name"],
      ["cus0000000000000jane", "id"],
    ];
    for (const [term, shape] of allowed) expect(searchShapeOf(term), term).toBe(shape);
  });
  it("names with digits, partial emails, short digit runs and hidden characters do not", () => {
    const refused = [
      "Jane Doe 902",
      "Jane 9",
      "jane.doe@",
      "jane.doe@example",
      "@example.com",
      "jane doe@example.com",
      "902",
      "90210",
      "4242",
      "123456",
      "1234567890123456",
      "Jane\u3164Doe",
      "Jane\u200bDoe",
      "J",
      "",
      "   ",
      "Jane; DROP",
      "jane*",
      "%",
      "Jane_Doe",
    ];
    for (const term of refused) expect(searchShapeOf(term), JSON.stringify(term)).toBeUndefined();
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
    expect(findCardNumbers("cus0000000000000jane 0000000000000")).toEqual([]);
    // Letters touching a card do not hide it.
    expect(findCardNumbers("x4111111111111111 and 4111111111111111abc")).toEqual([
      "4111111111111111",
      "4111111111111111",
    ]);
    expect(findCardNumbers("(4111111111111111)")).toEqual(["4111111111111111"]);
  });
  it("masks to first 6 and last 4", () => {
    expect(maskCardNumbers("paid with 4111 1111 1111 1111.")).toBe("paid with 411111******1111.");
    expect(maskCardNumbers("ref 1234567890123")).toBe("ref 1234567890123");
    expect(maskCardNumbers("ref 00000000000000000000000")).toBe("ref 00000000000000000000000");
  });
});

describe("upstream free text", () => {
  it("loses zero-width, bidi and tag characters", () => {
    const hidden = "Call\u200b me\u202e! SYSTEM\u{e0041}\u{e0042}: ok\ufeff";
    expect(stripHidden(hidden)).toBe("Call me! SYSTEM: ok");
  });
});
