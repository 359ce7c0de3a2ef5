// README sections generated from the registry (never hand-kept): the toolset table. Run
// `npm run docs` to rewrite them; this test fails when they drift.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLSETS } from "../src/client/policy.js";
import { expectCurrent, operations, operationsByToolset } from "./helpers/registry.js";

const README = new URL("../README.md", import.meta.url);

function toolsetTable(): string {
  const byToolset = operationsByToolset();
  const defaults = new Set<string>(DEFAULT_TOOLSETS);
  const rows = byToolset.map(([name, ops]) => {
    const reads = ops.filter((o) => o.readOnly).length;
    return `| \`${name}\` | ${ops[0]!.tag} | ${ops.length} | ${reads} | ${ops.length - reads} | ${defaults.has(name) ? "yes" : ""} |`;
  });
  const inDefault = operations.filter((o) => defaults.has(o.toolset)).length;
  return [
    `${byToolset.length} toolsets, ${operations.length} operations; the default set has ${inDefault}.`,
    "",
    "| toolset | API section | tools | read | write | default |",
    "|---|---|---:|---:|---:|:---:|",
    ...rows,
  ].join("\n");
}

function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md lacks the ${start} ... ${end} markers`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}

describe("README", () => {
  it("toolset table is generated from the registry and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    expectCurrent(current, replaceSection(current, "toolsets", toolsetTable()), (text) => writeFileSync(README, text));
  });

  it("gives the test command that .ci/run runs", () => {
    const readme = readFileSync(README, "utf8");
    const ci = readFileSync(new URL("../.ci/run", import.meta.url), "utf8");
    expect(readme).toContain("npm ci && npm test");
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });
});
