// What a visitor may search by, how a search is remembered, and when a verification value counts
// as already provided. Searches are the guard's weak point: whether a customer appears is a yes/no
// answer, so a search is only allowed in the shapes a visitor who knows their own details would use
// (a whole email, a whole phone number, a name, a RevCent id), never fragments that could be
// guessed a few characters at a time; and a factor value any 4 characters of which appeared in a
// search cannot verify, since it may have been learned through searches rather than known.
import { hasHiddenCharacters } from "../secrets/hidden-text.js";

export const SEARCH_SHAPES =
  "a whole email address, a whole phone number (7-15 digits), a person's name (letters, spaces, ' - .), or a 20-character RevCent id";

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const PHONE = /^\+?[0-9 ().-]+$/;
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;
const REVCENT_ID = /^[A-Za-z0-9]{20}$/;
const MAX_TERM_LENGTH = 254;

export type SearchShape = "email" | "phone" | "name" | "id";

/** The visitor shape a search term has, or undefined when it has none. */
export function searchShapeOf(term: string): SearchShape | undefined {
  const text = term.trim();
  if (!text || text.length > MAX_TERM_LENGTH || hasHiddenCharacters(text)) return undefined;
  if (EMAIL.test(text)) return "email";
  if (PHONE.test(text)) {
    const digits = text.replace(/\D/g, "").length;
    return digits >= 7 && digits <= 15 ? "phone" : undefined;
  }
  if (REVCENT_ID.test(text)) return "id";
  if (NAME.test(text) && (text.match(/\p{L}/gu)?.length ?? 0) >= 2) return "name";
  return undefined;
}

/**
 * The forms a search term is remembered in, all lower case: as typed, without spaces and
 * punctuation other than @ . + (so "jane . doe @ example.com" still holds the email), without an
 * email's +tag, and its digits alone (so a phone's digits are found however it was punctuated).
 */
export function searchTextForms(term: string): string[] {
  const lower = term.trim().toLowerCase();
  const compact = lower.replace(/[^\p{L}\p{N}@.+]/gu, "");
  const withoutTags = compact.replace(/\+[^@]*@/g, "@");
  const untaggedAsTyped = lower.replace(/\+[^@\s<>(),;"']*@/g, "@");
  const digits = lower.replace(/\D/g, "");
  return [...new Set([lower, untaggedAsTyped, compact, withoutTags, digits])].filter(Boolean);
}

/** A piece is this many consecutive characters of a factor's normalized value. */
const PIECE_LENGTH = 4;

/**
 * The pieces of a normalized factor value that count: the value itself when it is short, else
 * every run of 4 consecutive characters (any longer piece holds one of them).
 */
export function piecesOf(normalized: string): string[] {
  const value = normalized.toLowerCase();
  if (value.length <= PIECE_LENGTH) return [value];
  const pieces = new Set<string>();
  for (let i = 0; i + PIECE_LENGTH <= value.length; i++) pieces.add(value.slice(i, i + PIECE_LENGTH));
  return [...pieces];
}
