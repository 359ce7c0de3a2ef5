#!/usr/bin/env node
// After the test suite: every log line the servers under test wrote (.test-logs/) is searched for
// API keys, card numbers (plain, spaced or dashed) and secret values the tests used. Any hit, or
// no logs at all (which would make this check meaningless), fails the run.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const canaries = JSON.parse(readFileSync(root + "test/fixtures/leak-canaries.json", "utf8"));
let files = [];
let auditFiles = [];
try {
  const all = readdirSync(root + ".test-logs");
  files = all.filter((f) => f.endsWith(".log"));
  // The audit trails the servers under test wrote are held to the same rule as their logs.
  auditFiles = all.filter((f) => f.endsWith(".audit.jsonl"));
} catch {
  // no directory: reported below
}
const read = (f) => readFileSync(root + ".test-logs/" + f, "utf8");
const auditLines = auditFiles.map(read).join("\n").split("\n").filter(Boolean).length;
if (auditLines < 10) {
  console.error(
    `log leak check: too few audit lines to mean anything (${auditFiles.length} files, ${auditLines} lines)`,
  );
  process.exit(1);
}
const text = [...files, ...auditFiles].map(read).join("\n");
const lines = text.split("\n").filter(Boolean).length;
const failures = (text.match(/"msg":"(tool call failed|revcent call failed)"/g) ?? []).length;
if (files.length < 5 || lines < 50 || failures < 10) {
  console.error(
    `log leak check: too little was captured to mean anything (${files.length} server logs, ${lines} lines, ${failures} failed-call lines in .test-logs)`,
  );
  process.exit(1);
}
// Card numbers may be logged grouped or in another script's digits: compare also with every digit
// read as ASCII and whatever is not a letter or digit between two digits removed.
const UNICODE_DIGIT = /\p{Nd}/u;
function asciiDigit(ch) {
  let cp = ch.codePointAt(0);
  let start = cp;
  while (UNICODE_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1; // digits come in blocks of ten from 0
  return String((cp - start) % 10);
}
const ascii = text.replace(/[^\x00-\x7f]/gu, (ch) => (UNICODE_DIGIT.test(ch) ? asciiDigit(ch) : ch));
const compact = ascii.replace(/(\d)[^\p{L}\p{N}]+(?=\d)/gu, "$1");
const hits = [];
for (const [kind, values] of Object.entries({
  apiKeys: canaries.apiKeys,
  bearerTokens: canaries.bearerTokens,
  cardNumbers: canaries.cardNumbers,
  secretValues: canaries.secretValues,
})) {
  for (const value of values)
    if (text.includes(value) || ascii.includes(value) || compact.includes(value)) hits.push(`${kind}: ${value}`);
}
// OAuth tokens are random, so no fixed canary can stand for them; the sandbox's carry a prefix.
for (const match of text.matchAll(/rcsb_(?:at|rt|code)_[\w-]{8,}/g))
  hits.push(`sandbox OAuth token: ${match[0].slice(0, 12)}…`);
if (hits.length) {
  console.error(`log leak check: ${hits.length} secret value(s) found in server logs:\n  ${hits.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `log leak check: ${files.length} server logs, ${lines} lines (${failures} failed calls), ${auditFiles.length} audit trails (${auditLines} lines), 0 hits for ${canaries.apiKeys.length + canaries.bearerTokens.length + canaries.cardNumbers.length + canaries.secretValues.length} canaries`,
);
