import { maskCardNumbers } from "./card-numbers.js";
import { stripHidden } from "./hidden-text.js";

/**
 * Upstream text is data: keep it short, printable, on one line, and free of hidden characters.
 * Card numbers are masked before cutting: a cut through one would leave digits no brand's length
 * matches, and so unmasked.
 */
export function shortText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = maskCardNumbers(stripHidden(text))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
