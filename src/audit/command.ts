// `revcent-mcp audit`: prints the audit trail, oldest first, from the file (--file, else
// REVCENT_AUDIT_LOG) or, with neither, the Redis stream at REDIS_URL. An intent with no outcome
// line for its call is flagged: the process died (or the call is still running) after the write
// was sent, so it may have happened, and the operator should check RevCent before repeating it.
// Exit 0 when read (even if nothing matched), 2 on a usage error or an unreadable trail.
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import type { AuditLine } from "./audit-log.js";
import { AuditReadError, fileSource, streamSource, type AuditSource } from "./reader.js";
import { AUDIT_STREAM } from "./redis-sink.js";

const AUDIT_USAGE = `usage: revcent-mcp audit [--since WHEN] [--operation NAME] [--json] [--file FILE]

Prints the audit trail, oldest first: one line per write intent (before the call), its outcome
(after), and each guard or money decision. An intent whose outcome is missing is flagged
"NO OUTCOME: may have happened": check RevCent before repeating it.

  --file FILE       the trail's file (default: REVCENT_AUDIT_LOG; with neither, the Redis stream
                    at REDIS_URL)
  --stream KEY      the Redis stream (default: ${AUDIT_STREAM})
  --since WHEN      only lines from then on: 30m, 1h, 2d ago, or an ISO time (2026-01-31T12:00:00Z)
  --operation NAME  only this operation's lines
  --json            each line as stored (JSON), for jq; no flags added
  -h, --help        this text`;

const SINCE_FORMS = "a duration (30m, 1h, 2d) or an ISO time (2026-01-31 or 2026-01-31T12:00:00Z)";
const ORPHAN = "NO OUTCOME: may have happened";
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const CONNECT_TIMEOUT_MS = 5_000;

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs `audit …` with the words after it; returns the exit code. `now` is for --since durations. */
export async function runAuditCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
  now: number = Date.now(),
): Promise<number> {
  const fail = (message: string) => {
    io.err(`revcent-mcp: audit: ${message}`);
    return 2;
  };
  let flags;
  try {
    flags = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        file: { type: "string" },
        stream: { type: "string" },
        since: { type: "string" },
        operation: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    return fail(`${(err as Error).message}. Run revcent-mcp audit --help for the flags.`);
  }
  if (flags.help) {
    io.out(AUDIT_USAGE);
    return 0;
  }
  const since = flags.since === undefined ? undefined : parseSince(flags.since, now);
  if (since === null) return fail(`--since "${flags.since}" is not ${SINCE_FORMS}.`);

  const file = flags.file ?? nonEmpty(env.REVCENT_AUDIT_LOG);
  const redisUrl = nonEmpty(env.REDIS_URL);
  if (!file && !redisUrl)
    return fail("no trail to read: pass --file FILE, or set REVCENT_AUDIT_LOG, or REDIS_URL for the stream.");
  let redis: Redis | undefined;
  try {
    let source: AuditSource;
    if (file) source = fileSource(file, since);
    else {
      redis = await connect(redisUrl!);
      source = await streamSource(redis, flags.stream ?? AUDIT_STREAM, since);
    }
    await print(source, flags.operation, flags.json === true, io);
    if (source.unreadable)
      io.err(
        `revcent-mcp: audit: skipped ${source.unreadable} line(s) that are not audit lines (cut short, or foreign)`,
      );
    return 0;
  } catch (err) {
    if (err instanceof AuditReadError) return fail(err.message);
    // Redis answered, but not with a stream (WRONGTYPE), or went away while being read.
    if (redis) return fail(`cannot read the audit stream at ${safeUrl(redisUrl!)}: ${(err as Error).message}`);
    throw err;
  } finally {
    redis?.disconnect();
  }
}

/** Since when, in ms: `N` m/h/d ago, or an ISO date or time; null when it is neither. */
function parseSince(text: string, now: number): number | null {
  const ago = /^(\d+)([mhd])$/.exec(text);
  if (ago) return now - Number(ago[1]) * UNITS[ago[2]!]!;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

async function print(source: AuditSource, operation: string | undefined, json: boolean, io: CommandIo) {
  const matches = (line: AuditLine) => operation === undefined || line.operation === operation;
  if (json) {
    for await (const { raw, line } of source.lines()) if (matches(line)) io.out(raw);
    return;
  }
  // First reading: which calls have an outcome, which intents do not, and how wide each column is.
  const intents = new Set<string>();
  const outcomes = new Set<string>();
  const widths = HEADER.map((title) => title.length);
  for await (const { line } of source.lines()) {
    if (line.event === "outcome") outcomes.add(line.call);
    if (!matches(line)) continue;
    if (line.event === "intent") intents.add(line.call);
    cells(line, false).forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)));
  }
  if (![...intents].every((call) => outcomes.has(call))) widths[6] = Math.max(widths[6]!, ORPHAN.length);
  const row = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  let printed = 0;
  for await (const { line } of source.lines()) {
    if (!matches(line)) continue;
    if (printed++ === 0) io.out(row(HEADER));
    io.out(row(cells(line, line.event === "intent" && !outcomes.has(line.call))));
  }
  if (!printed) io.err("revcent-mcp: audit: no lines match");
}

const HEADER = ["time", "event", "operation", "targets", "amount", "confirmation", "outcome", "call"];

function cells(line: AuditLine, orphan: boolean): string[] {
  const targets = Object.entries(line.targets ?? {}).map(([name, id]) => `${name}=${id}`);
  const amount = line.amount === undefined ? "" : `${line.amount}${line.currency ? ` ${line.currency}` : ""}`;
  return [
    line.time,
    line.event,
    line.operation,
    targets.join(",") || "-",
    amount || "-",
    line.confirmation ?? "-",
    orphan ? ORPHAN : (line.outcome ?? "-"),
    // Enough of the call id to match an intent with its outcome by eye; --json has it whole.
    line.call.slice(0, 8),
  ];
}

/** A connected client, or an AuditReadError naming the server (never its password). */
async function connect(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  redis.on("error", () => {}); // reported through connect's rejection below
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new AuditReadError(`cannot read the audit stream at ${safeUrl(url)}: ${(err as Error).message}`);
  }
}

function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "REDIS_URL (unparsable)";
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}
