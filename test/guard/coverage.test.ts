// Every written guard rule has a test whose title names it, and no title names a rule that does
// not exist (as the MCP SDK's e2e suite checks its requirements).
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL("./", import.meta.url));
const requirements = JSON.parse(readFileSync(`${dir}requirements.json`, "utf8")) as { id: string; rule: string }[];
const sources = readdirSync(dir)
  .filter((f) => f.endsWith(".test.ts") && f !== "coverage.test.ts")
  .map((f) => ({ file: f, text: readFileSync(dir + f, "utf8") }));

/** Titles of it(...), it(...), test(...) calls: their first string argument. */
function titles(source: string): string[] {
  const found: string[] = [];
  const call = /\b(?:it|test)(?:\.(?:fails|skip|only|todo|concurrent))?\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g;
  for (const m of source.matchAll(call)) found.push(m[2]!);
  return found;
}

/** The rule ids a title starts with: one or more bracketed ids, e.g. "[G-A] [G-B] does x". */
function idsOf(title: string): string[] {
  const lead = /^(\s*\[[A-Z0-9-]+\])+/.exec(title)?.[0] ?? "";
  return [...lead.matchAll(/\[([A-Z0-9-]+)\]/g)].map((m) => m[1]!);
}

const all = sources.flatMap(({ file, text }) => titles(text).map((title) => ({ file, title, ids: idsOf(title) })));

describe("guard requirements coverage", () => {
  it("requirements.json is well formed: unique G- ids, one sentence each", () => {
    const ids = requirements.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of requirements) {
      expect(r.id).toMatch(/^G-[A-Z0-9-]+$/);
      expect(r.rule.trim().length, r.id).toBeGreaterThan(20);
      expect(r.rule.trim().endsWith("."), r.id).toBe(true);
    }
  });

  it("finds the guard tests (at least 40) and every title starts with the rule id(s) it covers", () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
    for (const t of all) expect(t.ids.length, `${t.file}: "${t.title}" names no rule`).toBeGreaterThan(0);
  });

  it("every rule id is covered by at least one test title", () => {
    const covered = new Set(all.flatMap((t) => t.ids));
    const missing = requirements.map((r) => r.id).filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it("no test title names an unknown rule id", () => {
    const known = new Set(requirements.map((r) => r.id));
    const unknown = all.flatMap((t) =>
      t.ids.filter((id) => !known.has(id)).map((id) => `${t.file}: ${id} in "${t.title}"`),
    );
    expect(unknown).toEqual([]);
  });
});
