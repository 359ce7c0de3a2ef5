// The audit trail in a Redis stream, for several instances writing one trail: each line is an
// entry with one field, `line`, holding the JSON. The entry's id is Redis's clock in ms, which is
// what `revcent-mcp audit --since` reads ranges by. The stream is capped near MAX_ENTRIES
// (`MAXLEN ~` trims whole macro nodes, which is cheap), so it is a recent window, not an archive:
// keep the file sink, or ship the stream elsewhere, for longer.
// Durability is Redis's: `write` resolves once Redis holds the entry in memory; whether it survives
// Redis restarting is its persistence setting (appendonly) — the operator's call.
import type { Redis } from "ioredis";
import type { AuditLine, AuditSink } from "./audit-log.js";
import { auditLineJson } from "./redact.js";

export const AUDIT_STREAM = "revcent:audit";
const MAX_ENTRIES = 100_000;

export class RedisAuditSink implements AuditSink {
  /** The client is the caller's (it is shared with the guard's and the ledger's stores): close leaves it open. */
  constructor(
    private readonly redis: Redis,
    readonly key: string = AUDIT_STREAM,
  ) {}

  async write(line: AuditLine): Promise<void> {
    await this.redis.xadd(this.key, "MAXLEN", "~", MAX_ENTRIES, "*", "line", auditLineJson(line));
  }

  async close(): Promise<void> {}
}
