// README sections generated from the registry (never hand-kept): the toolset table. Run
// `npm run docs` to rewrite them; this test fails when they drift.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLSETS } from "../src/client/policy.js";
import { loadOperations } from "../src/tools/openapi.js";
import type { Operation } from "../src/tools/operation.js";
import { loadV1Operations } from "../src/tools/v1-catalog.js";

const README = new URL("../README.md", import.meta.url);
const operations = loadOperations(JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8")));
const v1Operations = loadV1Operations(JSON.parse(readFileSync(new URL("../spec/v1-operations.json", import.meta.url), "utf8")));

function rowsOf(ops: Operation[], defaults: Set<string>): string[] {
  const byToolset = new Map<string, Operation[]>();
  for (const op of ops) byToolset.set(op.toolset, [...(byToolset.get(op.toolset) ?? []), op]);
  return [...byToolset.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, members]) => {
    const reads = members.filter((o) => o.readOnly).length;
    return `| \`${name}\` | ${members[0]!.tag} | ${members.length} | ${reads} | ${members.length - reads} | ${defaults.has(name) ? "yes" : ""} |`;
  });
}

function toolsetTable(): string {
  const defaults = new Set<string>(DEFAULT_TOOLSETS);
  const toolsets = new Set(operations.map((o) => o.toolset));
  const inDefault = operations.filter((o) => defaults.has(o.toolset)).length;
  const legacy = new Set(v1Operations.map((o) => o.toolset));
  return [
    `${toolsets.size} toolsets, ${operations.length} operations; the default set has ${inDefault}. ` +
      `Opt-in, named only explicitly (not part of \`all\`): ${[...legacy].map((t) => `\`${t}\``).join(", ")}, ${v1Operations.length} legacy V1 operations.`,
    "",
    "| toolset | API section | tools | read | write | default |",
    "|---|---|---:|---:|---:|:---:|",
    ...rowsOf(operations, defaults),
    ...rowsOf(v1Operations, defaults).map((row) => row.replace(/ \|$/, "opt-in |")),
  ].join("\n");
}

function v1Table(): string {
  return [
    "| tool | V1 request (`type` / `method`) | what it does |",
    "|---|---|---|",
    ...v1Operations.map((o) => `| \`${o.id}\` | \`${o.v1!.type}\` / \`${o.v1!.method}\` | ${o.title.replace(/ \(V1\)$/, "")}${o.destructive ? " (destructive)" : ""} |`),
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
  it("toolset and V1 tables are generated from the registries and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    const expected = replaceSection(replaceSection(current, "toolsets", toolsetTable()), "v1-operations", v1Table());
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
