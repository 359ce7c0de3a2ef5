// The file sink: one parseable JSON line per write, a new file readable by its owner only, appends
// across reopening, a missing directory refused at start-up; and the redaction every sink stores
// through, seen in the file itself.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AuditLine } from "../../src/audit/audit-log.js";
import { FileAuditSink } from "../../src/audit/file-sink.js";
import { redactAuditLine } from "../../src/audit/redact.js";
import { auditSinks, openAuditSink } from "../../src/audit/sinks.js";
import { ConfigError } from "../../src/errors.js";
import { auditLine, TRAIL } from "./lines.js";

const tempFile = () => join(mkdtempSync(join(tmpdir(), "audit-file-")), "audit.jsonl");
const storedLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((text) => JSON.parse(text) as AuditLine);

describe("FileAuditSink", () => {
  it("writes one JSON line per write, in order, to a new file of mode 0600", async () => {
    const path = tempFile();
    const sink = new FileAuditSink(path);
    for (const line of TRAIL) await sink.write(line);
    await sink.close();
    const text = readFileSync(path, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(TRAIL.length + 1);
    expect(storedLines(path)).toEqual(TRAIL);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("appends to what is there when reopened, never truncating", async () => {
    const path = tempFile();
    const first = new FileAuditSink(path);
    await first.write(TRAIL[0]!);
    await first.close();
    const second = new FileAuditSink(path);
    await second.write(TRAIL[1]!);
    await second.close();
    expect(storedLines(path)).toEqual([TRAIL[0], TRAIL[1]]);
  });

  it("refuses a path whose directory does not exist, naming the path and the setting, and creates nothing", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "audit-file-")), "missing");
    const path = join(dir, "audit.jsonl");
    expect(() => new FileAuditSink(path)).toThrow(ConfigError);
    expect(() => new FileAuditSink(path)).toThrow(
      `--audit-log / REVCENT_AUDIT_LOG: cannot open ${path} for appending: its directory ${dir} does not exist.`,
    );
    expect(() => statSync(dir)).toThrow(/ENOENT/);
  });

  it("refuses writes after close instead of writing to a reused descriptor", async () => {
    const sink = new FileAuditSink(tempFile());
    await sink.close();
    await expect(sink.write(TRAIL[0]!)).rejects.toThrow(/is closed/);
  });
});

describe("what reaches the file", () => {
  it("a line with nothing to redact is stored as given", () => {
    for (const line of TRAIL) expect(redactAuditLine(line)).toEqual(line);
  });

  it("a card number is masked, a target that is not an id (or is a card number) is dropped, a field not in AuditLine is left out", async () => {
    const path = tempFile();
    const sink = new FileAuditSink(path);
    const line = {
      ...auditLine({
        targets: {
          customer_id: "cus001",
          email: "jane@example.com",
          card: "4111111111111111",
          "4000 0000 0000 0002": "x",
          long: "a".repeat(65),
        },
        outcome: "declined for 4111 1111 1111 1111",
      }),
      args: { card_number: "5500000000000004" },
    };
    await sink.write(line);
    await sink.close();
    const text = readFileSync(path, "utf8");
    for (const secret of ["4111111111111111", "4111 1111 1111 1111", "4000 0000 0000 0002", "5500000000000004"])
      expect(text).not.toContain(secret);
    expect(text).not.toContain("jane@example.com");
    expect(storedLines(path)).toEqual([
      auditLine({
        targets: { customer_id: "cus001" },
        outcome: "declined for 411111******1111",
      }),
    ]);
  });
});

describe("auditSinks and openAuditSink", () => {
  it("a failing sink does not keep the line from the others, and the write still rejects with its error", async () => {
    const path = tempFile();
    // Throwing at once, not rejecting: the worst-behaved sink.
    const down = {
      write: () => {
        throw new Error("redis down");
      },
      close: () => Promise.resolve(),
    };
    const both = auditSinks([down, new FileAuditSink(path)]);
    await expect(both.write(TRAIL[0]!)).rejects.toThrow("redis down");
    await both.close();
    expect(storedLines(path)).toEqual([TRAIL[0]]);
  });

  it("opens nothing without a file or Redis, and the file sink for a file", async () => {
    const logger = pino({ level: "silent" });
    expect(openAuditSink({ logger })).toBeUndefined();
    const path = tempFile();
    const sink = openAuditSink({ file: path, logger })!;
    await sink.write(TRAIL[1]!);
    await sink.close();
    expect(storedLines(path)).toEqual([TRAIL[1]]);
  });
});
