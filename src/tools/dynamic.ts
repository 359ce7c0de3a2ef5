// --tools-mode dynamic (design §3): three tools instead of one per operation, for clients with
// small context or tool-count limits. They reach exactly the operations the session may list,
// and CallOperation goes through the same validation, guard and policy path as a static tool.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ToolCatalog } from "./catalog.js";
import { effectOf, summaryOf, type Operation } from "./operation.js";

export const SEARCH_OPERATIONS = "SearchOperations";
export const DESCRIBE_OPERATION = "DescribeOperation";
export const CALL_OPERATION = "CallOperation";

export const searchInput = z.strictObject({
  query: z.string().min(1).max(300).describe("What you want to do, in plain words (e.g. 'refund the shipping on an order')."),
  toolset: z.string().optional().describe("Only operations of this toolset (e.g. sales, customers)."),
});
export const describeInput = z.strictObject({ operation: z.string().min(1).describe("An operation name from SearchOperations.") });
export const callInput = z.strictObject({
  operation: z.string().min(1).describe("An operation name from SearchOperations."),
  arguments: z.record(z.string(), z.unknown()).default({}).describe("The operation's arguments, as DescribeOperation shows them."),
});

export const DYNAMIC_TOOLS: Tool[] = [
  {
    name: SEARCH_OPERATIONS,
    title: "Search RevCent Operations",
    description: "Find the RevCent operation for a task. Returns up to 10 operation names, best first, one line each. Then call DescribeOperation for its arguments and CallOperation to run it.",
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
    description: "Run an operation with its arguments. Operations that DescribeOperation marks destructive move money or cannot be undone: confirm with the user first.",
    inputSchema: z.toJSONSchema(callInput) as Tool["inputSchema"],
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  },
];

// Words people use for what the API calls otherwise; each maps to words found in operation text.
const SYNONYMS: Record<string, string[]> = {
  order: ["sale"], orders: ["sale"], purchase: ["sale"], buy: ["sale"], charge: ["sale", "transaction"],
  payment: ["transaction"], payments: ["transaction"], money: ["refund"], back: ["refund"], cancel: ["cancel", "void"],
  shipping: ["shipment", "shipping"], delivery: ["shipment", "shipping"], tracking: ["shipment", "tracking"], package: ["shipment"],
  membership: ["subscription"], plan: ["subscription"], recurring: ["subscription"], renewal: ["renew", "renewal"],
  client: ["customer"], buyer: ["customer"], person: ["customer"], card: ["card"], cards: ["card"],
  dispute: ["chargeback"], disputes: ["chargeback"], fraud: ["fraud"], block: ["fraud"], tax: ["tax"], taxes: ["tax"],
  report: ["bigquery", "query"], revenue: ["bigquery", "query"], sql: ["bigquery", "query"], analytics: ["bigquery"],
  comment: ["note"], email: ["smtp", "email"], find: ["search"], lookup: ["search", "get"], look: ["search", "get"],
  list: ["get"], show: ["get"], change: ["edit"], update: ["edit", "update"], modify: ["edit"], remove: ["delete", "remove"],
  pause: ["suspend"], resume: ["activate"], restart: ["activate"], extend: ["extend"], product: ["product"], item: ["product"],
  stop: ["disable", "cancel"], end: ["expire", "cancel"], attach: ["insert", "add"], deactivate: ["disable"],
};
const STOP = new Set(["a", "an", "the", "to", "of", "on", "for", "in", "my", "an", "and", "or", "with", "by", "from", "i", "want", "need", "please", "their", "his", "her", "this", "that", "it", "is", "be", "all"]);

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !STOP.has(w))
    .map((w) => (w.length > 4 && w.endsWith("s") ? w.slice(0, -1) : w));
}

interface IndexedOperation {
  op: Operation;
  name: ReadonlySet<string>;
  title: ReadonlySet<string>;
  text: ReadonlySet<string>;
}

/** The listed operations' words, and how rare each word is among them (rarer words decide more). */
export interface SearchIndex {
  operations: readonly IndexedOperation[];
  weight(word: string): number;
}

export function buildSearchIndex(operations: readonly Operation[]): SearchIndex {
  const indexed = operations.map((op) => ({
    op,
    name: new Set(words(op.id)),
    title: new Set(words(op.title)),
    // Argument names say what an operation changes (EditSubscription takes `amount`).
    text: new Set(words(`${op.description} ${op.tag} ${Object.keys((op.inputSchema.properties ?? {}) as object).join(" ")}`)),
  }));
  const documents = new Map<string, number>();
  for (const d of indexed) for (const w of new Set([...d.name, ...d.title, ...d.text])) documents.set(w, (documents.get(w) ?? 0) + 1);
  const n = indexed.length;
  return { operations: indexed, weight: (w) => Math.log(1 + n / (documents.get(w) ?? n)) };
}

/**
 * Ranks the listed operations for a task: each query word (and its synonyms) counts by how rare it
 * is among the operations, three times in an operation's name, once in its title or description.
 */
export function searchOperations(catalog: ToolCatalog, query: string, toolset?: string, limit = 10): Operation[] {
  const index = catalog.searchIndex();
  const terms = new Set<string>();
  for (const w of words(query)) {
    terms.add(w);
    for (const s of SYNONYMS[w] ?? []) terms.add(s);
  }
  const scored = index.operations
    .filter((d) => !toolset || d.op.toolset === toolset)
    .map((d) => {
      let score = 0;
      for (const t of terms) score += index.weight(t) * ((d.name.has(t) ? 3 : 0) + (d.title.has(t) ? 1 : 0) + (d.text.has(t) ? 1 : 0));
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
