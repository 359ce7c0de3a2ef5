// The Redis sink and the stream reader against a real redis-server of this file's own: one entry
// per line with one field, capped with MAXLEN ~ 100000, redacted like the file; and `revcent-mcp
// audit` over REDIS_URL reading by stream id (Redis's clock), paging in order past one page, and
// failing without showing the URL's password.
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditLine } from "../../src/audit/audit-log.js";
import { runAuditCommand } from "../../src/audit/command.js";
import { auditLineJson } from "../../src/audit/redact.js";
import { AUDIT_STREAM, RedisAuditSink } from "../../src/audit/redis-sink.js";
import { freePort, startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { auditLine, NOW, TRAIL } from "./lines.js";

let server: RedisServer | undefined;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

beforeEach(async () => {
  await redis.flushall();
});

async function audit(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuditCommand(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) }, NOW);
  return { code, out, err };
}

describe("RedisAuditSink", () => {
  it("adds one entry per line to revcent:audit, one field `line` holding the redacted JSON, trimmed with MAXLEN ~ 100000", async () => {
    // monitor() opens a connection of its own (closed below); redis itself stays as it is.
    const monitor = await redis.monitor();
    const commands: string[][] = [];
    // MONITOR reports commands on its own connection, after they ran: wait until both XADDs are seen.
    const seenBoth = new Promise<void>((resolve) =>
      monitor.on("monitor", (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === "xadd") commands.push(args);
        if (commands.length === 2) resolve();
      }),
    );
    const sink = new RedisAuditSink(redis);
    const withCard = auditLine({ targets: { customer_id: "cus001", note: "call 4111 1111 1111 1111" } });
    await sink.write(withCard);
    await sink.write(TRAIL[1]!);
    await sink.close();
    expect(redis.status).toBe("ready"); // close leaves the caller's client open

    const entries = await redis.xrange(AUDIT_STREAM, "-", "+");
    expect(entries.map(([, fields]) => fields)).toEqual([
      ["line", auditLineJson(auditLine({ targets: { customer_id: "cus001" } }))],
      ["line", auditLineJson(TRAIL[1]!)],
    ]);
    await seenBoth;
    monitor.disconnect();
    expect(commands.map((args) => args.slice(0, 6))).toEqual([
      ["xadd", AUDIT_STREAM, "MAXLEN", "~", "100000", "*"],
      ["xadd", AUDIT_STREAM, "MAXLEN", "~", "100000", "*"],
    ]);
  });
});

describe("revcent-mcp audit over REDIS_URL", () => {
  /** Adds lines with chosen stream ids, as if Redis's clock had read `ms` when each was written. */
  async function addAt(key: string, entries: [id: string, line: AuditLine][]) {
    const pipeline = redis.pipeline();
    for (const [id, line] of entries) pipeline.xadd(key, id, "line", auditLineJson(line));
    await pipeline.exec();
  }

  it("reads the stream named by --stream from the --since time by entry id, flagging the intent without outcome", async () => {
    const at = (line: AuditLine, skewMs = 0) => `${Date.parse(line.time) + skewMs}-0`;
    // The instance's clock ran 5 s behind Redis's: --since goes by Redis's.
    await addAt(
      "test:audit",
      TRAIL.map((line) => [at(line, 5_000), line]),
    );
    const r = await audit(["--stream", "test:audit", "--since", "2026-03-01T11:45:02Z"], { REDIS_URL: server!.url });
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.map((row) => row.replace(/ {2,}/g, " | "))).toEqual([
      "time | event | operation | targets | amount | confirmation | outcome | call",
      "2026-03-01T11:45:00.000Z | intent | VoidTransaction | transaction_id=txn002 | - | token | NO OUTCOME: may have happened | cccccccc",
      "2026-03-01T11:50:00.000Z | intent | RefundTransaction | - | 5 USD | off | - | dddddddd",
      "2026-03-01T11:50:02.000Z | outcome | RefundTransaction | - | - | - | timeout | dddddddd",
    ]);
  });

  it("pages through more than one XRANGE page in order, ids sharing a millisecond included", async () => {
    const base = Date.parse("2026-03-01T10:00:00.000Z");
    const lines = Array.from({ length: 1203 }, (_, i) =>
      auditLine({ event: "guard", call: `call-${i}`, time: new Date(base + Math.floor(i / 3)).toISOString() }),
    );
    await addAt(
      AUDIT_STREAM,
      lines.map((line, i) => [`${base + Math.floor(i / 3)}-${i % 3}`, line]),
    );
    const r = await audit(["--json"], { REDIS_URL: server!.url });
    expect(r.code).toBe(0);
    expect(r.out.map((raw) => JSON.parse(raw).call)).toEqual(lines.map((line) => line.call));
  });

  it("an unreachable Redis is an error naming it without its password, exit 2", async () => {
    const port = await freePort();
    const r = await audit([], { REDIS_URL: `redis://:hunter2-smtp-password@127.0.0.1:${port}` });
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(
      new RegExp(`^revcent-mcp: audit: cannot read the audit stream at redis://127\\.0\\.0\\.1:${port}`),
    );
    expect(r.err[0]).not.toContain("hunter2");
  });
});
