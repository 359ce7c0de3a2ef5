#!/usr/bin/env node
// After the test suite: every log line the servers under test wrote (.test-logs/) is searched for
// API keys, card numbers (plain, spaced or dashed) and secret values the tests used. Any hit, or
// no logs at all (which would make this check meaningless), fails the run.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const canaries = JSON.parse(readFileSync(root + "test/fixtures/leak-canaries.json", "utf8"));
let files = [];
try {
  files = readdirSync(root + ".test-logs").filter((f) => f.endsWith(".log"));
} catch {
  // no directory: reported below
}
const text = files.map((f) => readFileSync(root + ".test-logs/" + f, "utf8")).join("\n");
const lines = text.split("\n").filter(Boolean).length;
const failures = (text.match(/"msg":"(tool call failed|revcent call failed)"/g) ?? []).length;
if (files.length < 5 || lines < 50 || failures < 10) {
  console.error(`log leak check: too little was captured to mean anything (${files.length} server logs, ${lines} lines, ${failures} failed-call lines in .test-logs)`);
  process.exit(1);
}
// Card numbers may be logged grouped; compare with separators between digits removed too.
const compact = text.replace(/(\d)[ -](?=\d)/g, "$1");
const hits = [];
for (const [kind, values] of Object.entries({ apiKeys: canaries.apiKeys, cardNumbers: canaries.cardNumbers, secretValues: canaries.secretValues })) {
  for (const value of values) if (text.includes(value) || compact.includes(value)) hits.push(`${kind}: ${value}`);
}
if (hits.length) {
  console.error(`log leak check: ${hits.length} secret value(s) found in server logs:\n  ${hits.join("\n  ")}`);
  process.exit(1);
}
console.log(`log leak check: ${files.length} server logs, ${lines} lines (${failures} failed calls), 0 hits for ${canaries.apiKeys.length + canaries.cardNumbers.length + canaries.secretValues.length} canaries`);
