// Primary account numbers in free text: 13-19 digits, optionally grouped by spaces, dashes or dots,
// that pass the Luhn check. Found to refuse them in arguments, masked to first 6 + last 4 in results.
import { stripInvisible } from "./text.js";

// Not inside a word or a longer number (ids like cus0000000000000jane are not cards).
const CANDIDATE = /(?<![A-Za-z0-9])(?:\d[ .-]?){12,18}\d(?![A-Za-z0-9])/g;
const SEPARATORS = /[ .-]/g;
// Other spaces a number can be grouped with; invisible characters are removed first.
const UNICODE_SPACES = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g;

/** The text as a reader sees it: nothing hidden between the digits. */
function visible(text: string): string {
  return stripInvisible(text).replace(UNICODE_SPACES, " ");
}

/** No issuer starts a card number with 0, and a run of one digit is filler, not a card. */
function plausible(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && digits[0] !== "0" && !/^(\d)\1+$/.test(digits) && luhnValid(digits);
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

/** The card numbers in a text, as digit strings. */
export function findCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const match of visible(text).matchAll(CANDIDATE)) {
    const digits = match[0].replace(SEPARATORS, "");
    if (plausible(digits)) found.push(digits);
  }
  return found;
}

/** The text with every card number shown as its first 6 and last 4 digits at most. */
export function maskCardNumbers(text: string): string {
  return visible(text).replace(CANDIDATE, (match) => {
    const digits = match.replace(SEPARATORS, "");
    if (!plausible(digits)) return match;
    return `${digits.slice(0, 6)}${"*".repeat(digits.length - 10)}${digits.slice(-4)}`;
  });
}
