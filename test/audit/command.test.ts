// `revcent-mcp audit` in-process over a file: --since and --operation filtering, --json giving the
// stored lines unchanged, an intent without an outcome flagged, and the errors (bad --since, a
// missing file, no trail named) with exit code 2. One spawned run checks the built CLI's wiring.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runAuditCommand } from "../../src/audit/command.js";
import { FileAuditSink } from "../../src/audit/file-sink.js";
import { NOW, TRAIL } from "./lines.js";

const SERVER = fileURLToPath(new URL("../../dist/server.js", import.meta.url));
let file = "";

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), "audit-command-")), "audit.jsonl");
  const sink = new FileAuditSink(file);
  for (const line of TRAIL) await sink.write(line);
  await sink.close();
});

/** Runs the command in-process; stdout and stderr as text, one line per io call. */
async function audit(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuditCommand(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) }, NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const HEADER =
  "time                      event    operation          targets                amount    confirmation  outcome                        call";

describe("revcent-mcp audit", () => {
  it("prints every line oldest first, and flags the intent that has no outcome", async () => {
    const r = await audit(["--file", file]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        HEADER,
        "2026-03-01T09:00:00.000Z  intent   RefundTransaction  transaction_id=txn001  12.5 USD  elicit        -                              aaaaaaaa",
        "2026-03-01T09:00:01.000Z  outcome  RefundTransaction  -                      -         -             ok                             aaaaaaaa",
        "2026-03-01T11:00:00.000Z  guard    VerifyCustomer     customer_id=cus001     -         -             verification_failed            bbbbbbbb",
        "2026-03-01T11:45:00.000Z  intent   VoidTransaction    transaction_id=txn002  -         token         NO OUTCOME: may have happened  cccccccc",
        "2026-03-01T11:50:00.000Z  intent   RefundTransaction  -                      5 USD     off           -                              dddddddd",
        "2026-03-01T11:50:02.000Z  outcome  RefundTransaction  -                      -         -             timeout                        dddddddd",
      ].join("\n"),
    );
  });

  it("--since 1h keeps the lines from 11:00 on; an ISO time is read the same way", async () => {
    const times = (text: string) =>
      text
        .split("\n")
        .slice(1)
        .map((row) => row.slice(0, 24));
    const expected = [
      "2026-03-01T11:00:00.000Z",
      "2026-03-01T11:45:00.000Z",
      "2026-03-01T11:50:00.000Z",
      "2026-03-01T11:50:02.000Z",
    ];
    expect(times((await audit(["--file", file, "--since", "1h"])).out)).toEqual(expected);
    expect(times((await audit(["--file", file, "--since", "60m"])).out)).toEqual(expected);
    expect(times((await audit(["--file", file, "--since", "2026-03-01T11:00:00Z"])).out)).toEqual(expected);
    expect(times((await audit(["--file", file, "--since", "2d"])).out)).toHaveLength(6);
  });

  it("--operation keeps that operation's lines, and --json prints them exactly as stored", async () => {
    const stored = readFileSync(file, "utf8").split("\n");
    const r = await audit(["--file", file, "--operation", "RefundTransaction", "--json"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe([stored[0], stored[1], stored[4], stored[5]].join("\n"));
    const text = await audit(["--file", file, "--operation", "VoidTransaction", "--since", "30m"]);
    expect(text.out.split("\n")).toEqual([
      "time                      event   operation        targets                amount  confirmation  outcome                        call",
      "2026-03-01T11:45:00.000Z  intent  VoidTransaction  transaction_id=txn002  -       token         NO OUTCOME: may have happened  cccccccc",
    ]);
  });

  it("reads REVCENT_AUDIT_LOG when --file is not given", async () => {
    const r = await audit(["--json", "--since", "10m"], { REVCENT_AUDIT_LOG: file, REDIS_URL: "redis://127.0.0.1:1" });
    expect(r.out.split("\n").map((l) => JSON.parse(l).time)).toEqual([
      "2026-03-01T11:50:00.000Z",
      "2026-03-01T11:50:02.000Z",
    ]);
  });

  it("skips a line cut short mid-write and says how many it skipped", async () => {
    const cut = join(mkdtempSync(join(tmpdir(), "audit-command-")), "audit.jsonl");
    appendFileSync(cut, `${readFileSync(file, "utf8")}{"time":"2026-03-01T11:5`);
    const r = await audit(["--file", cut, "--json"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toHaveLength(6);
    expect(r.err).toBe("revcent-mcp: audit: skipped 1 line(s) that are not audit lines (cut short, or foreign)");
  });

  it("refuses a bad --since in one line naming the flag and the accepted forms, exit 2", async () => {
    for (const since of ["yesterday", "1w", "1.5h", "2026-13-45", "2026-03-01 11:00"]) {
      const r = await audit(["--file", file, "--since", since]);
      expect(r).toEqual({
        code: 2,
        out: "",
        err: `revcent-mcp: audit: --since "${since}" is not a duration (30m, 1h, 2d) or an ISO time (2026-01-31 or 2026-01-31T12:00:00Z).`,
      });
    }
  });

  it("a missing file, or no trail named at all, is an error naming what to do, exit 2", async () => {
    const missing = join(tmpdir(), "no-such-dir-audit", "audit.jsonl");
    expect(await audit(["--file", missing])).toEqual({
      code: 2,
      out: "",
      err: `revcent-mcp: audit: cannot read ${missing}: no such file`,
    });
    expect(await audit([])).toEqual({
      code: 2,
      out: "",
      err: "revcent-mcp: audit: no trail to read: pass --file FILE, or set REVCENT_AUDIT_LOG, or REDIS_URL for the stream.",
    });
  });

  it("--help prints the usage, exit 0; an unknown flag is a usage error, exit 2", async () => {
    const help = await audit(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: revcent-mcp audit \[--since WHEN\]/);
    const bad = await audit(["--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^revcent-mcp: audit: Unknown option '--bogus'.*\. Run revcent-mcp audit --help for the flags\.$/,
    );
  });
});

describe("the built CLI", () => {
  it("dispatches `audit` and prints the trail with the flag, exit 0", () => {
    const run = spawnSync(process.execPath, [SERVER, "audit", "--operation", "VoidTransaction"], {
      env: { PATH: process.env.PATH ?? "", REVCENT_AUDIT_LOG: file },
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^2026-03-01T11:45:00\.000Z +intent +VoidTransaction .* NO OUTCOME: may have happened +cccccccc$/m,
    );
  });
});
