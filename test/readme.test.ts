// README sections generated from the registry (never hand-kept): the toolset table and the error
// codes. Run
// `npm run docs` to rewrite them; this test fails when they drift.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/client/errors.js";
import { DEFAULT_TOOLSETS } from "../src/client/policy.js";
import { loadOperations } from "../src/tools/openapi.js";

const README = new URL("../README.md", import.meta.url);
const operations = loadOperations(JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8")));

function toolsetTable(): string {
  const byToolset = new Map<string, typeof operations>();
  for (const op of operations) byToolset.set(op.toolset, [...(byToolset.get(op.toolset) ?? []), op]);
  const defaults = new Set<string>(DEFAULT_TOOLSETS);
  const rows = [...byToolset.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, ops]) => {
    const reads = ops.filter((o) => o.readOnly).length;
    return `| \`${name}\` | ${ops[0]!.tag} | ${ops.length} | ${reads} | ${ops.length - reads} | ${defaults.has(name) ? "yes" : ""} |`;
  });
  const inDefault = operations.filter((o) => defaults.has(o.toolset)).length;
  return [
    `${byToolset.size} toolsets, ${operations.length} operations; the default set has ${inDefault}.`,
    "",
    "| toolset | API section | tools | read | write | default |",
    "|---|---|---:|---:|---:|:---:|",
    ...rows,
  ].join("\n");
}

/** The codes as one list item's continuation lines: indented, wrapped under 100 columns. */
function errorCodes(): string {
  const lines: string[] = [];
  let line = " ";
  for (const code of Object.keys(ERROR_CODES)) {
    const word = ` \`${code}\`,`;
    if (line.length + word.length > 100) {
      lines.push(line);
      line = " ";
    }
    line += word;
  }
  lines.push(line.replace(/,$/, "."));
  return lines.join("\n");
}

function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
  // The end marker keeps its indentation (a section inside a list item stays inside it).
  const indent = /[ \t]*$/.exec(text.slice(0, j))![0];
  return `${text.slice(0, i + start.length)}\n${body}\n${indent}${text.slice(j)}`;
}

describe("README", () => {
  it("toolset table is generated from the registry and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    const expected = replaceSection(current, "toolsets", toolsetTable());
    if (process.env.UPDATE_DOCS) writeFileSync(README, expected);
    else expect(current).toBe(expected);
  });

  it("error codes are generated from the taxonomy and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    const expected = replaceSection(current, "error-codes", errorCodes());
    if (process.env.UPDATE_DOCS) writeFileSync(README, expected);
    else expect(current).toBe(expected);
  });

  it("gives the test command that .ci/run runs", () => {
    const readme = readFileSync(README, "utf8");
    const ci = readFileSync(new URL("../.ci/run", import.meta.url), "utf8");
    expect(readme).toContain("npm ci && npm test");
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });
});
