// What an answer looks like once it is clean: list items as their family's summary unless `fields`
// asks for more, and never larger than the answer budget. Clients cut long tool results (Claude
// Code at 25,000 tokens), and a JSON answer cut anywhere but here is unreadable; here the cut is
// made where the answer can say what was left out and how to get it.
import { pickFields } from "../operations/field-filter.js";
import { isObject, type Operation } from "../operations/operation.js";
import { ALL_PAGES_ARGUMENT } from "./paging.js";

export const DEFAULT_MAX_ANSWER_TOKENS = 20_000;
/** `fields: ["*"]`: whole items, no summary and no filter. */
export const FULL_ITEMS = "*";

/**
 * UTF-8 bytes per o200k token, rounded down from the fewest seen on the sandbox's answers (2.85,
 * on short answers made mostly of random 20-character ids; whole records run 3.6-3.9, prose 4.2).
 * Dividing by it over-counts, never under-counts, so an answer the estimate lets through fits;
 * the price is up to 1.5x on prose. Non-ASCII text takes 2-4 bytes per character and rarely more
 * than one token each, so counting bytes keeps it safe too.
 */
const BYTES_PER_TOKEN = 2.8;

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / BYTES_PER_TOKEN);
}

const SUMMARY_NOTE = 'Items are summaries: fields ["*"] gives them whole, or name the fields you need.';

/** A list or search answer with each item cut to its family's summary, and saying so. */
export function summarized(op: Operation, answer: unknown): unknown {
  if (!op.summaryFields || !isObject(answer) || !Array.isArray(answer.results)) return answer;
  const { results, ...rest } = answer;
  const paths = op.summaryFields;
  return { ...rest, view: "summary", note: SUMMARY_NOTE, results: results.map((item) => pickFields(item, paths)) };
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

/**
 * The answer within `maxTokens`: as it is when it fits; a list keeps as many whole items as fit and
 * says where to continue; anything else loses its largest nested sections first, named.
 */
export function fitAnswer(
  op: Operation,
  args: Record<string, unknown>,
  answer: Record<string, unknown>,
  maxTokens: number,
): Record<string, unknown> {
  const room = Math.floor(maxTokens * BYTES_PER_TOKEN);
  if (bytesOf(answer) <= room) return answer;
  const fitted = Array.isArray(answer.results) ? fitList(op, args, answer, room) : fitRecord(answer, room);
  return bytesOf(fitted) <= room ? fitted : fitRecord(fitted, room);
}

function fitList(
  op: Operation,
  args: Record<string, unknown>,
  answer: Record<string, unknown>,
  room: number,
): Record<string, unknown> {
  const items = answer.results as unknown[];
  const cut = (count: number, results: unknown[]) => ({
    ...answer,
    results,
    current_count: results.length,
    ...continuation(op, args, answer, count, items),
  });
  let left = room - bytesOf(cut(items.length, []));
  let count = 0;
  for (const item of items) {
    left -= bytesOf(item) + 1;
    if (left < 0) break;
    count += 1;
  }
  // The continuation's own words grow with its numbers; a few tries settle it.
  for (let exact = exactCount(args, answer, count); exact > 0; exact = exactCount(args, answer, exact - 1)) {
    const fitted = cut(exact, items.slice(0, exact));
    if (bytesOf(fitted) <= room) return fitted;
  }
  if (!items.length) return cut(0, []);
  // Not even one whole item fits: the first, with its largest sections left out.
  const empty = cut(1, []);
  return cut(1, [fitRecord(items[0] as Record<string, unknown>, room - bytesOf(empty) - 1)]);
}

const number = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) ? v : undefined);

/**
 * How many items to show so that a next call starts exactly after them: a page of `limit` items
 * cut to k continues at page ((page-1)*limit + k)/k + 1 with limit k, which needs k to divide
 * (page-1)*limit; all_pages cut at whole pages continues at the next page.
 */
function exactCount(args: Record<string, unknown>, answer: Record<string, unknown>, count: number): number {
  const limit = number(args.limit);
  if (limit === undefined || count === 0 || answer.date_windows !== undefined) return count;
  const page = number(args.page) ?? 1;
  if (args[ALL_PAGES_ARGUMENT] === true && count >= limit) return count - (count % limit);
  let k = count;
  while (k > 1 && ((page - 1) * limit) % k !== 0) k -= 1;
  return k;
}

/** What a cut list says: that it is cut, and the call that continues it where there is one. */
function continuation(
  op: Operation,
  args: Record<string, unknown>,
  answer: Record<string, unknown>,
  shown: number,
  items: unknown[],
): Record<string, unknown> {
  const of = `${shown} of ${items.length} items fit the answer budget`;
  const narrower = "or name fewer fields";
  const limit = number(args.limit);
  if (limit === undefined)
    return {
      truncated: true,
      more: `${of}; ask with a narrower ${op.kind === "search" ? "search_term" : "query"} ${narrower}.`,
    };
  if (answer.date_windows !== undefined)
    return { truncated: true, more: `${of}; ask for a shorter date range, or max_items ${shown}, ${narrower}.` };
  const page = number(args.page) ?? 1;
  if (args[ALL_PAGES_ARGUMENT] === true && shown >= limit && shown % limit === 0) {
    const next = { page: page + shown / limit, [ALL_PAGES_ARGUMENT]: true };
    return { truncated: true, more: `${of}; continue with page ${next.page}, ${narrower}.`, next };
  }
  const next = { limit: shown, page: ((page - 1) * limit + shown) / shown + 1 };
  if (!Number.isInteger(next.page)) return { truncated: true, more: `${of}; ask with a smaller limit, ${narrower}.` };
  return {
    truncated: true,
    more: `${of}; continue with limit ${next.limit} and page ${next.page}, a narrower date range, ${narrower}.`,
    next,
  };
}

/**
 * A record within `room` bytes: its largest nested sections left out first and named, then its
 * largest plain fields; a record that is one section (fields named it) is shrunk inside that
 * section, and a lone long string is cut, so whatever is named comes back as much as fits.
 */
function fitRecord(doc: Record<string, unknown>, room: number): Record<string, unknown> {
  const omitted: string[] = [];
  const out = structuredClone(doc);
  const note = () => ({
    truncated: true,
    omitted,
    more: "Left out to fit the answer budget; ask for them by name with fields (one at a time if need be).",
  });
  const over = () => bytesOf({ ...out, ...note() }) - room;
  while (over() > 0) if (!shrink(out, over(), "", omitted)) break;
  if (over() > 0) return { truncated: true, more: "The answer is too large to show; name fewer fields." };
  return { ...out, ...note() };
}

const isNested = (v: unknown) => typeof v === "object" && v !== null;

/** One step smaller: false when nothing is left to leave out. */
function shrink(doc: Record<string, unknown>, excess: number, prefix: string, omitted: string[]): boolean {
  const entries = Object.entries(doc).sort(([, a], [, b]) => bytesOf(b) - bytesOf(a));
  const [largest] = entries;
  if (!largest) return false;
  const [key, value] = largest;
  if (entries.length === 1) {
    if (isObject(value)) return shrink(value, excess, `${prefix}${key}.`, omitted);
    if (typeof value !== "string" || value.length <= 16) return false;
    // A character takes at least one byte, so cutting the excess in characters is enough.
    doc[key] = `${value.slice(0, Math.max(0, value.length - excess - 16))}…`;
    if (!omitted.includes(`${prefix}${key} (cut)`)) omitted.push(`${prefix}${key} (cut)`);
    return true;
  }
  const [nestedKey] = entries.find(([, v]) => isNested(v)) ?? [key];
  delete doc[nestedKey];
  omitted.push(prefix + nestedKey);
  return true;
}
