// Where a deployment's audit lines go: to a file, to a Redis stream, or to both at once.
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AuditLine, AuditSink } from "./audit-log.js";
import { FileAuditSink } from "./file-sink.js";
import { AUDIT_STREAM, RedisAuditSink } from "./redis-sink.js";

/**
 * One sink writing every line to each of several. Every sink is tried even when another fails, so
 * the file still gets the line while Redis is down; `write` then rejects all the same (with the
 * one error, or an AggregateError of several), because the line is not where it was promised to be
 * and the caller must decide whether the call may go ahead.
 */
export function auditSinks(sinks: AuditSink[]): AuditSink {
  if (sinks.length === 1) return sinks[0]!;
  const all = async (each: (sink: AuditSink) => Promise<void>) => {
    // async: a sink that throws at once, not in its promise, must not keep the rest from the line.
    const failed = (await Promise.allSettled(sinks.map(async (sink) => each(sink)))).flatMap((r) =>
      r.status === "rejected" ? [r.reason as unknown] : [],
    );
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1) throw new AggregateError(failed, `${failed.length} audit sinks failed`);
  };
  return {
    write: (line: AuditLine) => all((sink) => sink.write(line)),
    close: () => all((sink) => sink.close()),
  };
}

export interface AuditSinkOptions {
  /** The file (Config.auditLog); it is opened now, so a bad path fails the start with a ConfigError. */
  file?: string;
  /** A connected client: lines also go to the stream `streamKey`. */
  redis?: Redis;
  streamKey?: string;
  logger: Logger;
}

/** The sink a configuration asks for; undefined when it asks for none (no file, no Redis). */
export function openAuditSink(options: AuditSinkOptions): AuditSink | undefined {
  const sinks: AuditSink[] = [];
  if (options.file) sinks.push(new FileAuditSink(options.file));
  const streamKey = options.streamKey ?? AUDIT_STREAM;
  if (options.redis) sinks.push(new RedisAuditSink(options.redis, streamKey));
  if (!sinks.length) return undefined;
  options.logger.info(
    { auditFile: options.file, auditStream: options.redis ? streamKey : undefined },
    "audit trail: one line per write intent, outcome and guard or money decision",
  );
  return auditSinks(sinks);
}
