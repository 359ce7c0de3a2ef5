// README sections generated from the registry (never hand-kept): the toolset and V1 tables and the
// error codes, checked current (run `npm run docs` to rewrite them); and the Configuration table,
// checked to have a row for every flag the parser accepts.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/errors.js";
import { FLAGS } from "../src/config.js";
import { configurationTable } from "../src/settings.js";
import { DEFAULT_TOOLSETS } from "../src/operations/policy.js";
import type { Operation } from "../src/operations/operation.js";
import { expectCurrent, operations, operationsByToolset, v1Operations } from "./helpers/registry.js";

const README = new URL("../README.md", import.meta.url);

function rowsOf(ops: readonly Operation[], defaults: Set<string>): string[] {
  return operationsByToolset(ops).map(([name, members]) => {
    const reads = members.filter((o) => o.readOnly).length;
    return `| \`${name}\` | ${members[0]!.tag} | ${members.length} | ${reads} | ${members.length - reads} | ${defaults.has(name) ? "yes" : ""} |`;
  });
}

function toolsetTable(): string {
  const defaults = new Set<string>(DEFAULT_TOOLSETS);
  const inDefault = operations.filter((o) => defaults.has(o.toolset)).length;
  const legacy = new Set(v1Operations.map((o) => o.toolset));
  return [
    `${operationsByToolset().length} toolsets, ${operations.length} operations; the default set has ${inDefault}. ` +
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
    ...v1Operations.map(
      (o) =>
        `| \`${o.id}\` | \`${o.v1!.type}\` / \`${o.v1!.method}\` | ${o.title.replace(/ \(V1\)$/, "")}${o.destructive ? " (destructive)" : ""} |`,
    ),
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

/** How many request body fields come from each source, and the documented bodies still without fields. */
function specSources(): string {
  const spec = JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
  const documented: { method: string; path: string; body?: boolean }[] = JSON.parse(
    readFileSync(new URL("./fixtures/documented-operations.json", import.meta.url), "utf8"),
  );
  const counts = new Map<string, number>();
  const walk = (schema: Record<string, any>) => {
    for (const child of Object.values((schema.properties ?? {}) as Record<string, Record<string, any>>)) {
      if (child.$ref) continue;
      const source = String(child["x-revcent-provenance"] ?? "none");
      counts.set(source, (counts.get(source) ?? 0) + 1);
      walk(child);
      if (child.items) walk(child.items);
    }
  };
  let placeholders = 0;
  for (const d of documented) {
    const body = spec.paths[d.path]?.[d.method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
    if (!body) continue;
    walk(body);
    const fields = Object.keys(body.properties ?? {}).filter((f) => f !== "idempotency_key");
    if (d.body && body.additionalProperties === true && fields.length === 0) placeholders += 1;
  }
  const order = ["official-operation-file", "official-guide", "v2-docs", "v1-docs", "get-response", "inferred"];
  const withBody = documented.filter((d) => d.body).length;
  return [
    "| where a body field comes from | fields |",
    "|---|---:|",
    ...order.filter((source) => counts.has(source)).map((source) => `| \`${source}\` | ${counts.get(source)} |`),
    "",
    `Of the ${withBody} POSTs the V2 reference shows with a request body, ${placeholders} still have no fields: no source readable here names them (listed in \`test/fixtures/bodies-without-source.json\`).`,
  ].join("\n");
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

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md lacks the section "## ${heading}"`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

interface ServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

describe("README", () => {
  it("toolset and V1 tables are generated from the registries and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    const expected = replaceSection(replaceSection(current, "toolsets", toolsetTable()), "v1-operations", v1Table());
    expectCurrent(current, expected, (text) => writeFileSync(README, text));
  });

  it("the spec's sources table is generated from the spec and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    expectCurrent(current, replaceSection(current, "spec-sources", specSources()), (text) =>
      writeFileSync(README, text),
    );
  });

  it("error codes are generated from the taxonomy and current (npm run docs)", () => {
    const current = readFileSync(README, "utf8");
    expectCurrent(current, replaceSection(current, "error-codes", errorCodes()), (text) => writeFileSync(README, text));
  });

  it("the Configuration table is generated from the settings table", () => {
    const current = readFileSync(README, "utf8");
    expectCurrent(current, replaceSection(current, "configuration", configurationTable()), (text) =>
      writeFileSync(README, text),
    );
  });

  it("client snippets parse and pass the API key in the server's environment, never as its argument", () => {
    const configure = section(readFileSync(README, "utf8"), "Configure your client");
    const configs = [...configure.matchAll(/```json\n([\s\S]*?)```/g)].map(
      (m) =>
        JSON.parse(m[1]!) as {
          mcpServers?: Record<string, ServerEntry>;
          servers?: Record<string, ServerEntry>;
          inputs?: { id: string; type: string; password?: boolean }[];
        },
    );
    expect(configs).toHaveLength(3); // Claude Desktop, Cursor, VS Code
    for (const config of configs) {
      const servers = Object.values(config.mcpServers ?? config.servers ?? {});
      expect(servers).toHaveLength(1);
      for (const server of servers) {
        expect(server.command).toBe("node");
        expect(server.args[0]).toMatch(/\/dist\/server\.js$/);
        expect(server.args.join(" ")).not.toMatch(/key/i);
        expect(Object.keys(server.env ?? {})).toEqual(["REVCENT_API_KEY"]);
      }
    }
    const vscode = configs.find((c) => c.servers)!;
    const input = vscode.inputs?.find((i) => i.type === "promptString" && i.password === true);
    expect(vscode.servers!.revcent!.env!.REVCENT_API_KEY).toBe(`\${input:${input?.id}}`);

    const claudeCode = [...configure.matchAll(/^claude mcp add (.*?) -- (.*)$/gm)];
    expect(claudeCode.length).toBeGreaterThan(0);
    for (const [, options, serverCommand] of claudeCode) {
      expect(serverCommand).toMatch(/^node \S+\/dist\/server\.js/);
      expect(serverCommand).not.toMatch(/key/i);
      if (/REVCENT_API_KEY/.test(options!)) expect(options).toMatch(/--env REVCENT_API_KEY=/);
    }
  });

  it("gives the test command that .ci/run runs", () => {
    const readme = readFileSync(README, "utf8");
    const ci = readFileSync(new URL("../.ci/run", import.meta.url), "utf8");
    expect(readme).toContain("npm ci && npm test");
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });

  it("the Configuration table has a row for every flag the parser accepts", () => {
    const readme = readFileSync(README, "utf8");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Toolsets"));
    for (const name of Object.keys(FLAGS).filter((f) => f !== "help"))
      expect(table, name).toMatch(new RegExp(`^\\| [^|]*\`--${name}\``, "m"));
  });
});
