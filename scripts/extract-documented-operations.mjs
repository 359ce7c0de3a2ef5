#!/usr/bin/env node
// Derives the list of documented V2 operations (section, title, method, path) from RevCent's
// V2 reference text, so coverage can be checked without ../shared. Run:
//   node scripts/extract-documented-operations.mjs ../shared/revcent-docs/000_*.txt > test/fixtures/documented-operations.json
// With --ids, lists instead the operationIds the docs name in their prose (GetCustomer, VoidSale …):
//   node scripts/extract-documented-operations.mjs --ids ../shared/revcent-docs/00[04]_*.txt > test/fixtures/documented-operation-ids.json
// With --fields, the field-like words of the V1 reference and of the V2 seeds (see below).
import { readFileSync, readdirSync } from "node:fs";

const TRAILERS = new Set(["Path Parameters", "URL Parameters", "Request Body", "View Properties"]);
const METHODS = new Set(["get", "post", "put", "patch", "delete"]);

const args = process.argv.slice(2);
if (args[0] === "--fields") {
  // Every field-like word (snake_case or a plain lower-case word) of the V1 reference and of the
  // V2 seeds, so a test can check that a body field said to come from them is named there:
  //   node scripts/extract-documented-operations.mjs --fields ../shared/revcent-docs > test/fixtures/doc-field-names.json
  const dir = args[1];
  const words = (files) =>
    [
      ...new Set(
        files.flatMap((f) => readFileSync(`${dir}/${f}`, "utf8").match(/[a-z][a-z0-9]*(?:_[a-z0-9]+)*/g) ?? []),
      ),
    ].sort();
  const all = readdirSync(dir)
    .filter((f) => /^\d{3}_.*\.txt$/.test(f))
    .sort();
  process.stdout.write(
    JSON.stringify({
      v1: words(all.filter((f) => f.startsWith("001_"))),
      v2: words(all.filter((f) => !f.startsWith("001_"))),
    }) + "\n",
  );
  process.exit(0);
}
if (args[0] === "--ids") {
  // Operation names in prose: a verb-led CamelCase word followed by "operation"/"method", or any
  // CamelCase word starting with an operation verb. Product names (RevCent, PayPal …) never start so.
  const VERB =
    /^(Get|Search|Create|Edit|Delete|Refund|Void|Validate|Fix|Send|Sync|Update|Process|Initialize|Subscription|BigQuery)[A-Z]/;
  const ids = new Set();
  for (const f of args.slice(1)) {
    for (const m of readFileSync(f, "utf8").matchAll(/\b[A-Z][a-z]+(?:[A-Z][A-Za-z]*)+\b/g))
      if (VERB.test(m[0])) ids.add(m[0]);
  }
  process.stdout.write(JSON.stringify([...ids].sort(), null, 1) + "\n");
  process.exit(0);
}
const file = args[0];
if (!file) {
  console.error("usage: extract-documented-operations.mjs [--ids] <000_…txt> [004_…txt]");
  process.exit(2);
}
const lines = readFileSync(file, "utf8")
  .split("\n")
  .map((l) => l.trim());

// A title is the first line of an operation block: it follows the previous block's trailer lines
// (or the section's introduction) and precedes the description. We find blocks by their method
// line and walk back to the line after the previous trailer; the section header, when present,
// is the first line of that run, followed by a paragraph ending in "." before the title.
const ops = [];
let section = null;
let prevEnd = 0;
for (let i = 0; i < lines.length; i++) {
  if (!METHODS.has(lines[i]) || !lines[i + 1]?.startsWith("/")) continue;
  const method = lines[i].toUpperCase();
  const path = lines[i + 1].replace(/(Path Parameters|URL Parameters|Request Body)$/, "").trim();
  const block = lines.slice(prevEnd, i).filter((l) => l && !TRAILERS.has(l));
  // The title is the last line of the block that reads like a heading (no sentence punctuation)
  // before the description begins; headings never end with "." or ":".
  let titleIdx = block.length && isHeading(block[0]) ? 0 : -1;
  // If the block starts with a section header, the title is the next heading after the intro.
  const headings = block.map((l, k) => (isHeading(l) ? k : -1)).filter((k) => k >= 0);
  if (headings.length >= 2 && headings[0] === 0 && prevEnd > 0) {
    section = block[0];
    titleIdx = headings[1];
  } else if (prevEnd === 0) {
    // First operation: the section header is the heading before the intro.
    section = block[headings[headings.length - 2]];
    titleIdx = headings[headings.length - 1];
  }
  // Four operations lost their heading in the published text (POST /products, POST /sales,
  // GET /sales/{sale_id}, GET /trials/{trial_id}): the block then starts at the method line.
  const title = titleIdx >= 0 && titleIdx < block.length ? block[titleIdx] : null;
  const description = title ? block.slice(titleIdx + 1).join(" ") : "";
  // What the published text shows after the path: "Path Parameters", "URL Parameters" (a query),
  // "Request Body" (a body with properties), as a suffix of the path line or the lines after it.
  const trailer = [lines[i + 1].slice(path.length), lines[i + 2], lines[i + 3]].join("\n");
  const shows = {
    ...(/URL Parameters/.test(trailer) ? { urlParameters: true } : {}),
    ...(/Request Body/.test(trailer) ? { body: true } : {}),
  };
  ops.push({ section, title, method, path, ...listFacts(description), ...shows });
  prevEnd = i + 2;
}

// Which paging/date parameters the docs say are required, and the maximum day range.
function listFacts(text) {
  const facts = {};
  if (/date_start, date_end, page and limit URL parameters are required/i.test(text))
    facts.requires = "date_range_and_page";
  else if (/page and limit URL parameters are required/i.test(text)) facts.requires = "page";
  const range = /cannot exceed an? (?:(\d+)|\w+ \((\d+)\)) day period/.exec(text);
  if (range) facts.maxRangeDays = Number(range[1] ?? range[2]);
  return facts;
}

function isHeading(l) {
  return l.length < 90 && !/[.:)\]}"?!,]$/.test(l) && !/^[{[|"]/.test(l) && !/^curl /.test(l) && /^[A-Z]/.test(l);
}

process.stdout.write(JSON.stringify(ops, null, 1) + "\n");
