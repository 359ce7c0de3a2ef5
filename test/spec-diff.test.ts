// `revcent-mcp spec diff`, run as a user runs it (the built CLI), on fixtures in the shape of
// RevCent's official files: an operation only RevCent has, one only we have, a changed enum and a
// new body field, reported exactly; exit 0 / 1 / 2; unreadable input named.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const fixtures = fileURLToPath(new URL("./fixtures/spec-diff/", import.meta.url));
const OURS = join(fixtures, "ours.openapi.json");
const SERVER = fileURLToPath(new URL("../dist/server.js", import.meta.url));

/** Runs the CLI; `ours` is REVCENT_OPENAPI, or null for the bundled spec. */
function specDiff(args: string[], ours: string | null = OURS) {
  const env = { PATH: process.env.PATH ?? "", ...(ours ? { REVCENT_OPENAPI: ours } : {}) };
  const run = spawnSync(process.execPath, [SERVER, "spec", ...args], { env, encoding: "utf8", timeout: 15_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("revcent-mcp spec diff", () => {
  it("reports an added operation, a removed one, a changed enum and a new body field, exactly, and exits 1", () => {
    const r = specDiff(["diff", join(fixtures, "official-files")]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "~ GET /widgets GetWidgets: parameter query status_filter: optional array<string> enum[active|archived] -> optional array<string> enum[active|archived|deleted]",
        "~ POST /widgets CreateWidget: body field size only in RevCent's (optional string)",
        "- POST /widgets/{widget_id}/archive ArchiveWidget: only in ours",
        "+ POST /widgets/{widget_id}/polish PolishWidget: only in RevCent's",
        "1 operation(s) only in RevCent's, 1 only in ours, 2 changed",
        "",
      ].join("\n"),
    );
    expect(r.code).toBe(1);
  });

  it("exits 0 with 'no differences' when RevCent's document says what ours says (an OpenAPI file as input)", () => {
    const r = specDiff(["diff", OURS]);
    expect(r.stdout).toBe("no differences\n");
    expect(r.code).toBe(0);
  });

  it("compares the bundled spec when REVCENT_OPENAPI is not set: the bundled file against itself agrees", () => {
    const bundled = fileURLToPath(new URL("../spec/revcent-v2.openapi.json", import.meta.url));
    const r = specDiff(["diff", bundled], null);
    expect(r.stdout).toBe("no differences\n");
    expect(r.code).toBe(0);
  });

  it("a renamed operation is reported by its method and path", () => {
    const dir = mkdtempSync(join(tmpdir(), "spec-diff-"));
    writeFileSync(
      join(dir, "ArchiveWidgetNow.json"),
      JSON.stringify({
        method: "POST",
        path: "https://api.revcent.com/v2/widgets/{widget_id}/archive",
        operationId: "ArchiveWidgetNow",
        parameters: [{ name: "widget_id", in: "path", required: true, schema: { type: "string" } }],
      }),
    );
    const r = specDiff(["diff", dir]);
    expect(r.stdout).toContain(
      "~ POST /widgets/{widget_id}/archive ArchiveWidget: operationId ArchiveWidget -> ArchiveWidgetNow\n",
    );
    expect(r.code).toBe(1);
  });

  it("bad input: a clear error naming what could not be read, exit 2, nothing on stdout", () => {
    const dir = mkdtempSync(join(tmpdir(), "spec-diff-bad-"));
    writeFileSync(join(dir, "Broken.json"), "{ not json");
    const empty = mkdtempSync(join(tmpdir(), "spec-diff-empty-"));
    const notAnOperation = join(mkdtempSync(join(tmpdir(), "spec-diff-odd-")), "odd.json");
    writeFileSync(notAnOperation, JSON.stringify({ hello: "world" }));
    const cases: [string[], RegExp, string][] = [
      [
        ["diff", "/nonexistent/folder"],
        /^revcent-mcp: spec diff: \/nonexistent\/folder: no such file or folder\n$/,
        OURS,
      ],
      [["diff", dir], /^revcent-mcp: spec diff: .*Broken\.json is not valid JSON: /, OURS],
      [["diff", empty], /the folder holds no \.json files/, OURS],
      [["diff", notAnOperation], /odd\.json: not an operation file \(it needs "method" and "path"\)/, OURS],
      [["diff"], /^revcent-mcp: usage: revcent-mcp spec diff FILE\|DIR/, OURS],
      [["compare", OURS], /^revcent-mcp: usage: /, OURS],
      [["diff", OURS], /cannot read the spec this server runs on: ENOENT/, "/nonexistent/spec.json"],
    ];
    for (const [args, message, ours] of cases) {
      const r = specDiff(args, ours);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(r.code, args.join(" ")).toBe(2);
    }
  });
});
