// Card numbers (PANs) however a person or a model writes them, found by one detector that both
// refuses them in tool arguments and masks them in results and error texts.
//
// How a number is found:
// - digits of any script count (fullwidth ４, Arabic-Indic ٤, Devanagari ४ …), read as ASCII;
//   hidden characters between them are ignored;
// - a run is groups of digits joined by separators, any number of them: whitespace, dashes of
//   every kind, . / _ , and their fullwidth forms; anything else (a letter, #, $, :) ends the run
//   but does not protect the number;
// - every 13-19 digit window of a run is a candidate, so digits touching a card (an expiry written
//   after it, a CVV, padding) do not hide it;
// - a candidate is a card when it is grouped the way card numbers are written (one group, fours
//   with a shorter last group, 4-6-5 or 4-6-4, or digit by digit), starts as a payment brand's
//   numbers start, has one of that brand's lengths, is not one digit repeated, and passes Luhn.
// Luhn alone passes 1 in 10 of any digit string. Brands keep phone numbers (up to 15 digits) from
// being read as cards; groupings keep lists (phone numbers, dates, order numbers joined by commas
// or spaces) from being read as one long run that happens to hold a valid window.

const SEPARATOR = /[\s\p{Pd}._/,\u2212\uff0c\uff0e\uff0f\uff3f]/u;
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const UNICODE_DIGIT = /\p{Nd}/u;
const MIN_LENGTH = 13;

/** [first prefix, last prefix, lengths]: where each brand's numbers start, and how long they are. */
const BRANDS: readonly [number, number, readonly number[]][] = [
  [4, 4, [16, 19]], // Visa (13-digit numbers are no longer issued)
  [51, 55, [16]], // Mastercard
  [2221, 2720, [16]], // Mastercard 2-series
  [34, 34, [15]], // American Express
  [37, 37, [15]],
  [6011, 6011, [16, 17, 18, 19]], // Discover
  [644, 649, [16, 17, 18, 19]],
  [65, 65, [16, 17, 18, 19]], // Discover, RuPay, Verve, Elo
  [622126, 622925, [16, 17, 18, 19]], // Discover co-branded UnionPay
  [62, 62, [16, 17, 18, 19]], // UnionPay
  [81, 82, [16]], // UnionPay / RuPay
  [3528, 3589, [16, 17, 18, 19]], // JCB
  [300, 305, [14, 15, 16, 17, 18, 19]], // Diners Club
  [3095, 3095, [14, 15, 16, 17, 18, 19]],
  [36, 36, [14, 15, 16, 17, 18, 19]],
  [38, 39, [14, 15, 16, 17, 18, 19]],
  [2200, 2204, [16, 17, 18, 19]], // Mir
  [5018, 5020, [13, 14, 15, 16, 17, 18, 19]], // Maestro, Dankort
  [5038, 5038, [13, 14, 15, 16, 17, 18, 19]],
  [5893, 5893, [13, 14, 15, 16, 17, 18, 19]],
  [6304, 6304, [13, 14, 15, 16, 17, 18, 19]],
  [6759, 6759, [13, 14, 15, 16, 17, 18, 19]],
  [6761, 6763, [13, 14, 15, 16, 17, 18, 19]],
  [504, 509, [16]], // Elo, Verve, RuPay
  [60, 60, [16, 19]], // RuPay, Hipercard
  [636, 639, [16, 17, 18, 19]], // Elo, InterPayment, InstaPayment
  [9792, 9792, [16]], // Troy
];

/** The lengths a number starting with these digits may have; empty when no brand starts so. */
function brandLengths(digits: string): readonly number[] {
  const lengths = new Set<number>();
  for (const [first, last, allowed] of BRANDS) {
    const prefix = Number(digits.slice(0, String(first).length));
    if (prefix >= first && prefix <= last) for (const length of allowed) lengths.add(length);
  }
  return [...lengths];
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** What a brand-length window must also be to be a card: not one digit repeated, and Luhn-valid. */
function passesChecks(digits: string): boolean {
  return !/^(\d)\1+$/.test(digits) && luhnValid(digits);
}

/** Digits of one run, in ASCII, with where each stands in the text (UTF-16 offsets) and its group. */
interface Run {
  digits: string;
  starts: number[];
  ends: number[];
  groups: number[];
}

/** Unicode decimal digits come in blocks of ten, 0 to 9; their zeros, found once when first needed. */
let digitZeros: number[] | undefined;
function digitValue(codePoint: number): number {
  if (codePoint >= 48 && codePoint <= 57) return codePoint - 48;
  digitZeros ??= findDigitZeros();
  let zero = 0;
  for (const z of digitZeros) if (z <= codePoint) zero = z;
  return codePoint - zero;
}

function findDigitZeros(): number[] {
  const zeros: number[] = [];
  let inBlock = 0;
  for (let cp = 0; cp < 0x20000; cp++) {
    if (UNICODE_DIGIT.test(String.fromCodePoint(cp))) {
      if (inBlock % 10 === 0) zeros.push(cp);
      inBlock += 1;
    } else inBlock = 0;
  }
  return zeros;
}

/** The runs of a text that hold at least 13 digits. */
function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  const empty = (): Run => ({ digits: "", starts: [], ends: [], groups: [] });
  let run = empty();
  let group = 0;
  let afterSeparator = false;
  const close = () => {
    if (run.digits.length >= MIN_LENGTH) runs.push(run);
    run = empty();
    group = 0;
    afterSeparator = false;
  };
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const char = text.slice(i, i + width);
    if ((codePoint >= 48 && codePoint <= 57) || (codePoint > 127 && UNICODE_DIGIT.test(char))) {
      if (afterSeparator) group += 1;
      afterSeparator = false;
      run.digits += String(digitValue(codePoint));
      run.starts.push(i);
      run.ends.push(i + width);
      run.groups.push(group);
    } else if (codePoint > 127 && HIDDEN.test(char)) {
      // Invisible: neither a digit nor a separator (U+FEFF would otherwise count as whitespace).
    } else if (run.digits.length > 0 && SEPARATOR.test(char)) afterSeparator = true;
    else close();
    i += width;
  }
  close();
  return runs;
}

/**
 * Whether digits grouped so (group sizes in order) are written the way card numbers are: one
 * group, digit by digit, 4-6-5 (American Express), 4-6-4 (Diners Club), or fours with a shorter
 * last group for 15 digits and more. 13- and 14-digit numbers are not written in fours; a phone
 * number's last groups followed by a date's year and month are (3624 0187 1993 10).
 */
function cardGrouping(sizes: number[]): boolean {
  if (sizes.length === 1 || sizes.every((size) => size === 1)) return true;
  const last = sizes[sizes.length - 1]!;
  const length = sizes.reduce((sum, size) => sum + size, 0);
  if (length >= 15 && sizes.slice(0, -1).every((size) => size === 4) && last >= 1 && last <= 4) return true;
  return sizes.length === 3 && sizes[0] === 4 && sizes[1] === 6 && (last === 5 || last === 4);
}

/** The sizes of the groups a window [from, to) of a run covers, as far as it covers them. */
function groupSizes(run: Run, from: number, to: number): number[] {
  const sizes: number[] = [];
  for (let i = from; i < to; i++) {
    if (i === from || run.groups[i] !== run.groups[i - 1]) sizes.push(0);
    sizes[sizes.length - 1]! += 1;
  }
  return sizes;
}

/** The digit ranges [from, to) of a run that are card numbers, overlapping ones merged. */
function cardSpans(run: Run): [number, number][] {
  const { digits } = run;
  const spans: [number, number][] = [];
  for (let from = 0; from + MIN_LENGTH <= digits.length; from++) {
    const lengths = brandLengths(digits.slice(from, from + 6));
    for (const length of lengths) {
      const to = from + length;
      // The lengths already come from this window's brand prefix.
      if (to > digits.length || !passesChecks(digits.slice(from, to)) || !cardGrouping(groupSizes(run, from, to)))
        continue;
      const previous = spans[spans.length - 1];
      if (previous && from <= previous[1]) previous[1] = Math.max(previous[1], to);
      else spans.push([from, to]);
    }
  }
  return spans;
}

// Whether a text can hold a card at all: 13 digits with only separators between them. Checked
// first, so that the great majority of strings skip the full scan (hidden characters and other
// scripts' digits are never ASCII).
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const MAYBE_CARD_ASCII = /\d(?:[\s\-._/,]*\d){12}/;

function mayHoldCard(text: string): boolean {
  return ASCII_ONLY.test(text) ? MAYBE_CARD_ASCII.test(text) : true;
}

/** The card numbers in a text, as ASCII digit strings. */
export function findCardNumbers(text: string): string[] {
  if (!mayHoldCard(text)) return [];
  return runsOf(text).flatMap((run) => cardSpans(run).map(([from, to]) => run.digits.slice(from, to)));
}

/** The text with every card number shown as its first 6 and last 4 digits at most. */
export function maskCardNumbers(text: string): string {
  if (!mayHoldCard(text)) return text;
  let out = "";
  let at = 0;
  for (const run of runsOf(text)) {
    for (const [from, to] of cardSpans(run)) {
      const digits = run.digits.slice(from, to);
      out += text.slice(at, run.starts[from]) + digits.slice(0, 6) + "*".repeat(digits.length - 10) + digits.slice(-4);
      at = run.ends[to - 1]!;
    }
  }
  return out + text.slice(at);
}
