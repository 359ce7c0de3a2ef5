// Reading the audit trail back, oldest first, from a file or a Redis stream. A source is a
// snapshot: the file up to its size when opened, the stream up to its last entry then. Reading it
// twice (the command does: once to find which intents have an outcome, once to print) sees the same
// lines, however many are appended meanwhile.
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Redis } from "ioredis";
import type { AuditLine } from "./audit-log.js";

/** A line as stored (the exact text) and as read. */
interface StoredLine {
  raw: string;
  line: AuditLine;
}

export interface AuditSource {
  /** The stored lines from `since` (ms) on, oldest first; lines that are not audit lines are skipped and counted. */
  lines(): AsyncIterable<StoredLine>;
  /** How many lines the last reading skipped (a line cut short by a crash mid-write, or foreign text). */
  readonly unreadable: number;
}

/** A trail that cannot be read: the message says which and why. */
export class AuditReadError extends Error {
  override name = "AuditReadError";
}

/** A stored text as an audit line, or undefined when it is not one. */
function parseAuditLine(raw: string): AuditLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const line = value as Record<string, unknown>;
  const texts = ["time", "event", "operation", "call"].every((field) => typeof line[field] === "string");
  return texts && !Number.isNaN(Date.parse(line.time as string)) ? (value as AuditLine) : undefined;
}

/**
 * A source over stored texts: each reading parses them afresh and counts the ones that are not
 * audit lines. `texts` yields the stored texts, undefined for an entry that holds none.
 */
function sourceOf(texts: () => AsyncIterable<string | undefined>, keep: (line: AuditLine) => boolean): AuditSource {
  let unreadable = 0;
  return {
    get unreadable() {
      return unreadable;
    },
    async *lines() {
      unreadable = 0;
      for await (const raw of texts()) {
        const line = raw === undefined ? undefined : parseAuditLine(raw);
        if (raw === undefined || !line) unreadable += 1;
        else if (keep(line)) yield { raw, line };
      }
    },
  };
}

/** The file's lines whose time is at or after `since` (ms; undefined = all). */
export function fileSource(path: string, since?: number): AuditSource {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AuditReadError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (code ?? String(err))}`);
  }
  return sourceOf(
    async function* () {
      if (size === 0) return;
      const input = createReadStream(path, { encoding: "utf8", start: 0, end: size - 1 });
      for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }))
        if (raw !== "") yield raw;
    },
    (line) => since === undefined || Date.parse(line.time) >= since,
  );
}

const PAGE = 500;

/**
 * The stream's entries from `since` on. Stream ids are Redis's clock in ms, so the range is read by
 * id (XRANGE since +), not by each line's own time: instances' clocks may differ, Redis's is one.
 */
export async function streamSource(redis: Redis, key: string, since?: number): Promise<AuditSource> {
  const newest = await redis.xrevrange(key, "+", "-", "COUNT", 1);
  const last = newest[0]?.[0];
  return sourceOf(
    async function* () {
      if (last === undefined) return;
      let start = since === undefined ? "-" : String(Math.max(0, Math.floor(since)));
      for (;;) {
        const page: [id: string, fields: string[]][] = await redis.xrange(key, start, last, "COUNT", PAGE);
        for (const [, fields] of page) yield fieldValue(fields, "line");
        const lastId = page.at(-1)?.[0];
        if (page.length < PAGE || lastId === undefined || lastId === last) return;
        start = nextId(lastId);
      }
    },
    // The range is Redis's clock already (see above).
    () => true,
  );
}

/** A stream entry's field, from XRANGE's flat [name, value, name, value …]. */
function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The smallest id after `id` (`ms-seq`), for paging without XRANGE's exclusive `(` (Redis 6.2+ only). */
function nextId(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${BigInt(seq ?? "0") + 1n}`;
}
