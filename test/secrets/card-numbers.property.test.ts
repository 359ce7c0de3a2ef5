// The card-number detector against generated text (fast-check): card numbers of the major brands in
// random spellings are always found in arguments and always masked in results, and generated text
// that holds no card (order numbers, phone numbers, dates, amounts, ids) is left alone. The false
// positive rate on 10,000 generated texts is printed and must be 0.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findCardNumbers, luhnValid, maskCardNumbers } from "../../src/secrets/card-numbers.js";

// ---------------------------------------------------------------------------- cards

/** [prefix, length]: a few real issuer prefixes of each major brand (this file's own list). */
const ISSUERS: [string, number][] = [
  ["4", 16],
  ["4", 19],
  ["51", 16],
  ["55", 16],
  ["2221", 16],
  ["2720", 16],
  ["34", 15],
  ["37", 15],
  ["6011", 16],
  ["65", 16],
  ["644", 19],
  ["3528", 16],
  ["3589", 19],
  ["36", 14],
  ["38", 16],
  ["62", 16],
  ["62", 19],
  ["6759", 16],
  ["2200", 16],
];

function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

const cardNumber = fc
  .record({
    issuer: fc.constantFrom(...ISSUERS),
    fill: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }),
  })
  .map(({ issuer: [prefix, length], fill }) =>
    withCheckDigit(prefix + fill.slice(0, length - prefix.length - 1).join("")),
  )
  .filter((n) => !/^(\d)\1+$/.test(n));

/** Zero of each digit script a person (or a model told to disguise a number) might type. */
const SCRIPTS = [0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1d7ce, 0x1d7ec];
const SEPARATORS = [
  " ",
  "  ",
  "-",
  " - ",
  ".",
  "/",
  "_",
  ",",
  ", ",
  "\n",
  "\r\n",
  "\t",
  "\u00a0",
  "\u2009",
  "\u2013",
  "\u2011",
  "\u3000",
  "\uff0d",
  "\u2212",
];
const HIDDEN = ["\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff"];
const BEFORE = ["", "card ", "x", "Card:", "pay with ", "7", "#", "(", "number=", "cc ", "\u202e"];
const AFTER = ["", " 12/27", "/1227", "x", ")", " exp 09/29 cvv 123", "9", " thanks", "12/27/123", "."];

/** How card numbers are grouped when written: none, fours, Amex/Diners style (4-6-5, 4-6-4), digit by digit. */
function groupsOf(digits: string, style: number): string[] {
  const amexStyle = () => [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)];
  if (style === 0) return [digits];
  if (style === 3) return [...digits];
  // 14-digit cards (Diners) are printed 4-6-4, never in fours.
  if (digits.length === 14 || (style === 2 && digits.length === 15)) return amexStyle();
  return digits.match(/.{1,4}/g)!;
}

const spelledCard = fc
  .record({
    card: cardNumber,
    script: fc.constantFrom(...SCRIPTS),
    style: fc.integer({ min: 0, max: 3 }),
    separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 19, maxLength: 19 }),
    hidden: fc.array(fc.option(fc.constantFrom(...HIDDEN), { freq: 4 }), { minLength: 19, maxLength: 19 }),
    before: fc.constantFrom(...BEFORE),
    after: fc.constantFrom(...AFTER),
    prose: fc.constantFrom("", "Customer wrote: ", "Note — "),
  })
  .map(({ card, script, style, separators, hidden, before, after, prose }) => {
    const inScript = (digits: string) => [...digits].map((d) => String.fromCodePoint(script + Number(d))).join("");
    const groups = groupsOf(card, style).map((group) =>
      [...group].map((d, i) => inScript(d) + (i < group.length - 1 ? (hidden[i] ?? "") : "")).join(""),
    );
    const body = groups.map((g, i) => (i ? separators[i]! : "") + g).join("");
    return { card, text: `${prose}${before}${body}${after}` };
  });

/** Digits of every script as ASCII, everything else but the mask's stars dropped. */
function asciiDigits(text: string): string {
  return [...text]
    .map((ch) => {
      if (ch === "*") return "*";
      const cp = ch.codePointAt(0)!;
      const zero = SCRIPTS.find((z) => cp >= z && cp < z + 10);
      return zero === undefined ? "" : String(cp - zero);
    })
    .join("");
}

// ---------------------------------------------------------------------------- text without cards

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));
const nonZero = fc.integer({ min: 1, max: 9 }).map(String);
const pad2 = (n: number) => String(n).padStart(2, "0");

const orderNumber = fc.oneof(
  fc.tuple(nonZero, digits(4, 11)).map(([a, b]) => `Order #${a}${b}`),
  fc.tuple(nonZero, digits(5, 9)).map(([a, b]) => `ORD-${a}${b}`),
  fc.tuple(digits(3, 3), digits(7, 7), digits(7, 7)).map(([a, b, c]) => `order ${a}-${b}-${c}`),
  fc.tuple(nonZero, digits(5, 9)).map(([a, b]) => `invoice ${a}${b}`),
);
const phoneNumber = fc.oneof(
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `${a}-${b}-${c}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `+1 ${a} ${b} ${c}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.tuple(digits(2, 2), digits(4, 4), digits(4, 4)).map(([a, b, c]) => `+44 ${a} ${b} ${c}`),
  fc.tuple(digits(3, 3), digits(4, 4), digits(4, 4)).map(([a, b, c]) => `+86 1${a.slice(1)} ${b} ${c}`),
  fc.tuple(digits(4, 4), digits(7, 7)).map(([a, b]) => `+49 ${a} ${b}`),
  fc.tuple(digits(5, 5), digits(5, 5)).map(([a, b]) => `+91 ${a} ${b}`),
  fc.tuple(digits(3, 3), digits(4, 4), digits(4, 4)).map(([a, b, c]) => `+62 8${a.slice(1)} ${b} ${c}`),
  fc.tuple(digits(2, 2), digits(5, 5), digits(4, 4)).map(([a, b, c]) => `+55 ${a} 9${b.slice(1)}-${c}`),
  fc.tuple(digits(11, 13)).map(([a]) => `+${a}`),
);
const date = fc
  .record({
    y: fc.integer({ min: 1990, max: 2035 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    style: fc.integer({ min: 0, max: 6 }),
  })
  .map(
    ({ y, m, d, h, style }) =>
      [
        `${y}-${pad2(m)}-${pad2(d)}`,
        `${pad2(m)}/${pad2(d)}/${y}`,
        `${pad2(d)}.${pad2(m)}.${y}`,
        `${y}-${pad2(m)}-${pad2(d)}T${pad2(h)}:15:00Z`,
        `${pad2(m)}/${pad2(d)}/${String(y).slice(2)}`,
        String(Math.floor(Date.UTC(y, m - 1, d, h) / 1000)),
        String(Date.UTC(y, m - 1, d, h)),
      ][style]!,
  );
const amount = fc
  .record({
    whole: fc.integer({ min: 0, max: 9_999_999 }),
    cents: fc.integer({ min: 0, max: 99 }),
    style: fc.integer({ min: 0, max: 4 }),
  })
  .map(
    ({ whole, cents, style }) =>
      [
        `$${whole.toLocaleString("en-US")}.${pad2(cents)}`,
        `USD ${whole}.${pad2(cents)}`,
        `${whole.toLocaleString("de-DE")},${pad2(cents)} €`,
        `${whole}.${pad2(cents)}`,
        `£${whole.toLocaleString("en-GB")}`,
      ][style]!,
  );
const revcentId = fc
  .array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), {
    minLength: 20,
    maxLength: 20,
  })
  .map((c) => c.join(""));
const piece = fc.oneof(orderNumber, phoneNumber, date, amount, revcentId);
const JOINERS = [
  " ",
  ", ",
  "; ",
  " and ",
  " - ",
  "\n",
  " | ",
  " / ",
  ": ",
  " on ",
  " for ",
  " call ",
  ", ref ",
  " (",
  ") ",
];
const textWithoutCards = fc
  .record({
    pieces: fc.array(piece, { minLength: 1, maxLength: 6 }),
    joiners: fc.array(fc.constantFrom(...JOINERS), { minLength: 6, maxLength: 6 }),
  })
  .map(({ pieces, joiners }) => pieces.map((p, i) => (i ? joiners[i]! : "") + p).join(""));

// ---------------------------------------------------------------------------- properties

describe("card-number detector (property-based)", () => {
  it("finds every generated card however it is spelled, and names the card itself", () => {
    fc.assert(
      fc.property(spelledCard, ({ card, text }) => {
        const found = findCardNumbers(text);
        expect(
          found.some((f) => f.includes(card)),
          JSON.stringify(text),
        ).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it("masks every generated card in results: no more than its first 6 and last 4 remain", () => {
    fc.assert(
      fc.property(spelledCard, ({ card, text }) => {
        const masked = maskCardNumbers(text);
        const shown = asciiDigits(masked);
        expect(shown, JSON.stringify(masked)).not.toContain(card);
        expect(shown, JSON.stringify(masked)).not.toContain(card.slice(5, -4)); // the middle is gone
        expect(masked).toContain("*");
      }),
      { numRuns: 5_000 },
    );
  });

  it("leaves generated text without cards alone: false positives on 10,000 texts are reported and must be 0", () => {
    const texts = fc.sample(textWithoutCards, { numRuns: 10_000, seed: 20261203 });
    const flagged = texts.filter((t) => findCardNumbers(t).length > 0 || maskCardNumbers(t) !== t);
    const rate = flagged.length / texts.length;
    console.log(
      `card-number detector: ${flagged.length} false positives in ${texts.length} generated texts (rate ${rate})`,
    );
    expect(flagged.slice(0, 5)).toEqual([]);
  });

  // A fixed seed keeps CI deterministic; FC_SEED=<n> explores others (0 in 200,000 when measured).
  it("leaves text without cards alone on another 20,000 texts (order numbers, phones, dates, amounts, ids)", () => {
    fc.assert(
      fc.property(textWithoutCards, (text) => {
        expect(findCardNumbers(text), JSON.stringify(text)).toEqual([]);
      }),
      { numRuns: 20_000, seed: Number(process.env.FC_SEED ?? 1) },
    );
  });
});
