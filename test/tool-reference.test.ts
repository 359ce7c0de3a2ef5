// docs/tools.md, the tool reference: one line per operation, grouped by toolset, generated from
// the registry (never hand-kept). `npm run docs` rewrites it; this test fails when it drifts.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLSETS, SUPPORT_OPERATIONS } from "../src/operations/policy.js";
import type { Operation } from "../src/operations/operation.js";
import { SPEC_PATH, expectCurrent, operations, operationsByToolset, v1Operations } from "./helpers/registry.js";

const TOOLS_MD = new URL("../docs/tools.md", import.meta.url);

/** The description's first sentence: abbreviations such as "e.g." do not end it. */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  for (const m of flat.matchAll(/[.!?](?= |$)/g)) {
    if (!/\b(?:e\.g|i\.e|etc|vs)$/.test(flat.slice(0, m.index))) return flat.slice(0, m.index + 1);
  }
  return flat;
}

function kind(op: Operation): string {
  return op.readOnly ? "read" : op.destructive ? "destructive" : "write";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function toolReference(): string {
  const defaults = new Set<string>(DEFAULT_TOOLSETS);
  const support = new Set<string>(SUPPORT_OPERATIONS);
  const groups = operationsByToolset();
  const legacy = operationsByToolset(v1Operations);
  const lines = [
    `<!-- Generated from ${SPEC_PATH} and spec/v1-operations.json by test/tool-reference.test.ts (npm run docs). Do not edit. -->`,
    "# Tool reference",
    "",
    `${operations.length} tools in ${groups.length} toolsets. A tool's name is RevCent's operationId. **read** tools change nothing`,
    "(`readOnlyHint`); **write** tools change data; **destructive** ones delete, void, refund, cancel, expire,",
    "disable or suspend (`destructiveHint`), so clients ask before calling them. *(support)* marks the tools the",
    "`support` profile offers a public chatbot. Choose toolsets with `--toolsets` (README, Toolsets).",
    `Last, opt-in: ${v1Operations.length} legacy V1 operations (\`--toolsets v1-legacy\`), for what only RevCent's V1 API does.`,
  ];
  for (const [toolset, ops] of [...groups, ...legacy]) {
    const reads = ops.filter((o) => o.readOnly).length;
    lines.push(
      "",
      `## \`${toolset}\` — ${ops[0]!.tag}`,
      "",
      `${ops.length} tools, ${reads} read, ${ops.length - reads} write${defaults.has(toolset) ? "; in the default set" : ""}.`,
      "",
      "| tool | kind | what it does |",
      "|---|---|---|",
      ...ops.map(
        (o) =>
          `| \`${o.id}\`${support.has(o.id) ? " *(support)*" : ""} | ${kind(o)} | ${cell(firstSentence(o.description))} |`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("docs/tools.md", () => {
  it("is generated from the registry and current (npm run docs)", () => {
    const current = existsSync(TOOLS_MD) ? readFileSync(TOOLS_MD, "utf8") : "";
    expectCurrent(current, toolReference(), (text) => writeFileSync(TOOLS_MD, text));
  });

  it("has one line for every operation, each under its toolset", () => {
    const text = toolReference();
    const rows = [...text.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]);
    const all = [...operations, ...v1Operations];
    expect(rows.sort()).toEqual(all.map((o) => o.id).sort());
    const toolsetOf = new Map(all.map((o) => [o.id, o.toolset]));
    let heading = "";
    for (const line of text.split("\n")) {
      heading = /^## `([\w-]+)`/.exec(line)?.[1] ?? heading;
      const id = /^\| `(\w+)`/.exec(line)?.[1];
      if (id) expect(heading, id).toBe(toolsetOf.get(id));
    }
  });

  it("cuts descriptions at the first sentence, not at an abbreviation", () => {
    expect(firstSentence("Updates a chargeback by ID, e.g. its status. Send only changes.")).toBe(
      "Updates a chargeback by ID, e.g. its status.",
    );
    expect(firstSentence("Lists sales.\nDate range at most 90 days.")).toBe("Lists sales.");
    expect(firstSentence("No full stop")).toBe("No full stop");
  });
});
