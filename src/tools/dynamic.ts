// --tools-mode dynamic: three tools instead of one per operation, for clients with
// small context or tool-count limits. They reach exactly the operations the session may list,
// and CallOperation goes through the same validation, guard and policy path as a static tool.
import type { Tool } from "@modelcontextprotocol/server";
import { stemmer } from "stemmer";
import { z } from "zod";
import { effectOf, summaryOf, type Operation } from "../operations/operation.js";

export const SEARCH_OPERATIONS = "SearchOperations";
export const DESCRIBE_OPERATION = "DescribeOperation";
export const CALL_OPERATION = "CallOperation";

export const searchInput = z.strictObject({
  query: z
    .string()
    .min(1)
    .max(300)
    .describe("What you want to do, in plain words (e.g. 'refund the shipping on an order')."),
  toolset: z.string().optional().describe("Only operations of this toolset (e.g. sales, customers)."),
});
export const describeInput = z.strictObject({
  operation: z.string().min(1).describe("An operation name from SearchOperations."),
});
export const callInput = z.strictObject({
  operation: z.string().min(1).describe("An operation name from SearchOperations."),
  arguments: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("The operation's arguments, as DescribeOperation shows them."),
});

export const DYNAMIC_TOOLS: Tool[] = [
  {
    name: SEARCH_OPERATIONS,
    title: "Search RevCent Operations",
    description:
      "Find the RevCent operation for a task. Returns up to 10 operation names, best first, one line each. Then call DescribeOperation for its arguments and CallOperation to run it.",
    inputSchema: z.toJSONSchema(searchInput) as Tool["inputSchema"],
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: DESCRIBE_OPERATION,
    title: "Describe A RevCent Operation",
    description: "An operation's description, input schema and hints (read-only, destructive).",
    inputSchema: z.toJSONSchema(describeInput) as Tool["inputSchema"],
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: CALL_OPERATION,
    title: "Call A RevCent Operation",
    description:
      "Run an operation with its arguments. Operations that DescribeOperation marks destructive move money or cannot be undone: confirm with the user first.",
    inputSchema: z.toJSONSchema(callInput) as Tool["inputSchema"],
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  },
];

// Words people use for what the API calls otherwise; each maps to words found in operation text.
// Both sides are stemmed before matching, so one form of a word covers the others ("charges",
// "charged" -> charge). Grouped by what they are about.
const SYNONYMS: Record<string, string[]> = {
  // actions
  find: ["search"],
  lookup: ["search", "get"],
  look: ["search", "get"],
  pull: ["get", "search"],
  list: ["get"],
  show: ["get"],
  check: ["get", "validate"],
  verify: ["validate"],
  change: ["edit"],
  update: ["edit", "update"],
  modify: ["edit"],
  switch: ["edit"],
  rename: ["edit"],
  reword: ["edit"],
  rewrite: ["edit"],
  tweak: ["edit"],
  set: ["create", "edit"],
  remove: ["delete", "remove"],
  add: ["add", "create", "insert"],
  attach: ["insert", "add"],
  connect: ["create", "add"],
  hook: ["create", "add"],
  new: ["create"],
  make: ["create"],
  generate: ["create"],
  register: ["create"],
  run: ["trigger", "run"],
  execute: ["trigger", "run"],
  kick: ["trigger", "run"],
  import: ["sync"],
  repair: ["fix"],
  broken: ["fix"],
  pause: ["suspend"],
  resume: ["activate"],
  restart: ["activate"],
  stop: ["disable", "cancel"],
  end: ["expire", "cancel"],
  deactivate: ["disable"],
  kill: ["cancel", "delete"],
  undo: ["void", "refund", "cancel"],
  reverse: ["void", "refund"],
  entire: ["whole"],
  flag: ["alert"],
  tag: ["metadata", "insert"],
  label: ["metadata", "insert"],
  preview: ["estimate"],
  quote: ["estimate"],
  waiting: ["pending"],
  wait: ["pending"],
  retry: ["salvage", "process"],
  recover: ["salvage"],
  // commerce
  order: ["sale"],
  purchase: ["sale"],
  buy: ["sale"],
  sell: ["product", "sale"],
  charge: ["sale", "transaction"],
  again: ["renew"],
  payment: ["transaction"],
  money: ["refund"],
  back: ["refund"],
  cancel: ["cancel", "void"],
  bill: ["invoice"],
  shipping: ["shipment", "shipping"],
  delivery: ["shipment", "shipping"],
  tracking: ["shipment", "tracking"],
  package: ["shipment"],
  warehouse: ["fulfillment"],
  "3pl": ["fulfillment"],
  catalog: ["product"],
  item: ["product"],
  membership: ["subscription"],
  plan: ["subscription"],
  recurring: ["subscription"],
  subscriber: ["subscription", "customer"],
  renewal: ["renew", "renewal"],
  cycle: ["renew"],
  client: ["customer"],
  buyer: ["customer"],
  person: ["customer"],
  coupon: ["coupon", "discount"],
  markdown: ["discount"],
  dispute: ["chargeback"],
  evidence: ["document"],
  proof: ["document"],
  paperwork: ["document"],
  block: ["fraud", "disable"],
  firewall: ["sentinel"],
  suspicious: ["fraud"],
  // accounts and set-up
  mid: ["gateway"],
  processor: ["gateway"],
  merchant: ["gateway"],
  rotation: ["group"],
  pool: ["group"],
  out: ["remove"],
  store: ["shop"],
  marketing: ["campaign"],
  script: ["function"],
  automation: ["function"],
  javascript: ["function"],
  mail: ["smtp", "email"],
  sender: ["smtp"],
  https: ["ssl"],
  certificate: ["ssl"],
  comment: ["note"],
  email: ["smtp", "email"],
  link: ["secure", "form"],
  // analytics
  report: ["bigquery", "query"],
  revenue: ["bigquery", "query"],
  sql: ["bigquery", "query"],
  analytics: ["bigquery"],
  much: ["bigquery", "total"],
  many: ["bigquery", "count"],
  earn: ["bigquery", "total"],
  total: ["bigquery", "total"],
};
// Nouns that are also verbs when a task starts with them: "email the customer" sends one, while
// "the customer with email …" is a search.
const AS_ACTION: Record<string, string[]> = { email: ["send"], mail: ["send"], message: ["send"] };
const byStem = (table: Record<string, string[]>) =>
  new Map(Object.entries(table).map(([word, alike]) => [stemmer(word), alike.map(stemmer)]));
/** A word in an operation's name counts this many times one in its title or description. */
const NAME_WEIGHT = 3;
/** A merchants' word for an operation counts this many times one in its title or description. */
const KEYWORD_WEIGHT = 2;
const STOP = new Set(
  "a an the to of on in at for my our your and or with by from into as so i we us want need please their his her this that these those it its is are be all how did do does can what which who whose someone s up".split(
    " ",
  ),
);

// Phrasal verbs, whose particle would otherwise be dropped as a stop word ("set up" is not "set").
const PHRASES: [RegExp, string][] = [
  [/\b(set|sign) up\b/g, "create"],
  [/\b(pull|look) up\b/g, "lookup"],
  [/\bkick off\b/g, "trigger"],
  [/\bhook up\b/g, "connect"],
  [/\bcharg(e|es|ed|ing) back\b/g, "chargeback"],
];

/** The words of a text, lower-cased, camelCase split, without stop words, not yet stemmed. */
function rawWords(text: string): string[] {
  let lower = text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2") // GetAPICall: API Call
    .toLowerCase();
  for (const [phrase, word] of PHRASES) lower = lower.replace(phrase, word);
  return lower.split(/[^a-z0-9]+/).filter((w) => w && !STOP.has(w));
}

const words = (text: string): string[] => rawWords(text).map(stemmer);

/** A query word's stem and the stems of what it is another word for (as the task's action, too). */
function termsOf(index: SearchIndex, word: string, action = false): string[] {
  const stem = stemmer(word);
  return [stem, ...(index.synonyms.get(stem) ?? []), ...((action && index.asAction.get(stem)) || [])];
}

interface IndexedOperation {
  op: Operation;
  /** The first word of its name: what it does (Get, Search, Edit, Refund, Renew …). */
  verb: string;
  name: ReadonlySet<string>;
  title: ReadonlySet<string>;
  text: ReadonlySet<string>;
  /** Merchants' words for it (spec x-revcent-keywords). */
  keywords: ReadonlySet<string>;
}

/** The listed operations' words, and how rare each word is among them (rarer words decide more). */
export interface SearchIndex {
  operations: readonly IndexedOperation[];
  weight(word: string): number;
  // The synonym tables by stem, built here rather than at module load: only searches need them.
  synonyms: ReadonlyMap<string, string[]>;
  asAction: ReadonlyMap<string, string[]>;
}

export function buildSearchIndex(operations: readonly Operation[]): SearchIndex {
  const indexed = operations.map((op) => {
    const name = words(op.id);
    return {
      op,
      verb: name[0] ?? "",
      name: new Set(name),
      title: new Set(words(op.title)),
      // Argument names say what an operation changes (EditSubscription takes `amount`).
      text: new Set(
        words(`${op.description} ${op.tag} ${Object.keys((op.inputSchema.properties ?? {}) as object).join(" ")}`),
      ),
      keywords: new Set(words(op.keywords ?? "")),
    };
  });
  const documents = new Map<string, number>();
  for (const d of indexed)
    for (const w of new Set([...d.name, ...d.title, ...d.text, ...d.keywords]))
      documents.set(w, (documents.get(w) ?? 0) + 1);
  const n = indexed.length;
  return {
    operations: indexed,
    weight: (w) => Math.log(1 + n / (documents.get(w) ?? n)),
    synonyms: byStem(SYNONYMS),
    asAction: byStem(AS_ACTION),
  };
}

/**
 * Ranks the listed operations for a task: each query word (and its synonyms) counts by how rare it
 * is among the operations, three times in an operation's name, once in its title or description.
 * A task usually starts with its action ("change the renewal date of a subscription"), so an
 * operation whose verb is that first word's gets as much again as a name match.
 */
export function searchOperations(index: SearchIndex, query: string, toolset?: string, limit = 10): Operation[] {
  const queryWords = rawWords(query);
  const action = new Set(queryWords.length ? termsOf(index, queryWords[0]!, true) : []);
  const terms = new Set([...action, ...queryWords.slice(1).flatMap((w) => termsOf(index, w))]);
  const scored = index.operations
    .filter((d) => !toolset || d.op.toolset === toolset)
    .map((d) => {
      let score = 0;
      for (const t of terms) {
        score +=
          index.weight(t) *
          ((d.name.has(t) ? NAME_WEIGHT : 0) +
            (d.title.has(t) ? 1 : 0) +
            (d.text.has(t) ? 1 : 0) +
            (d.keywords.has(t) ? KEYWORD_WEIGHT : 0));
      }
      if (score > 0 && action.has(d.verb)) score += NAME_WEIGHT * index.weight(d.verb);
      // A list and a search of the same thing tie often; a plain question prefers the search.
      if (score > 0 && d.op.id.startsWith("Search")) score += 0.1;
      return { op: d.op, score };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.op.id.localeCompare(b.op.id));
  return scored.slice(0, limit).map((r) => r.op);
}

export function searchLine(op: Operation): string {
  return `${op.id} (${effectOf(op)}): ${summaryOf(op)}`;
}
