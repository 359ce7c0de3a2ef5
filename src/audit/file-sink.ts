// The audit trail in a file: one JSON line per write, appended.
//
// Durability. The file is opened once, for appending, and each line is written with one
// synchronous write(2): when `write` resolves (for any line, even before the fsync below), the line
// is in the kernel's page cache, and a process killed at any moment after that — kill -9, an OOM
// kill, a crash — leaves it in the file. That covers the failure the trail exists for: a write sent
// upstream by a process that died before recording its outcome.
// The page cache does not survive the machine losing power or its kernel. For that, intent lines
// (and only they) are fsynced before `write` resolves: a lost intent would hide a write that may
// have happened, while a lost outcome only makes its intent look unfinished, which sends the
// operator to check — the safe direction. Writes are a small share of calls and each already waits
// on RevCent, so one fdatasync (off the event loop, on libuv's pool) per write is cheap; doing it for
// every guard decision and outcome too would double that for no safety gained.
//
// Lines are never interleaved: each is one buffer in one write(2) to a file opened with O_APPEND,
// which places it whole at the end even with several processes appending to the same file (on a
// local file system; NFS does not keep that promise).
import { closeSync, fdatasync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { ConfigError } from "../errors.js";
import type { AuditLine, AuditSink } from "./audit-log.js";
import { auditLineJson } from "./redact.js";

const datasync = promisify(fdatasync);

export class FileAuditSink implements AuditSink {
  private fd: number | undefined;
  /** fsyncs in flight, so close waits for them instead of closing the descriptor under them. */
  private readonly syncing = new Set<Promise<void>>();

  /**
   * Opens (or creates, mode 0600: the trail names operations, customers and amounts) the file.
   * A file that already exists keeps its mode: an operator may have opened it to a log shipper.
   * A missing directory is not created: a typo in the path should stop the start, not scatter
   * trails over the disk. Throws ConfigError naming the path and the setting.
   */
  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "a", 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === "ENOENT"
          ? `its directory ${dirname(path)} does not exist`
          : code === "EACCES"
            ? "permission denied"
            : code === "EISDIR"
              ? "it is a directory"
              : (code ?? (err as Error).message);
      throw new ConfigError(`--audit-log / REVCENT_AUDIT_LOG: cannot open ${path} for appending: ${why}.`);
    }
  }

  async write(line: AuditLine): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) throw new Error(`audit file ${this.path} is closed`);
    const bytes = Buffer.from(`${auditLineJson(line)}\n`);
    // A regular file takes the whole buffer in one write unless the disk is full (then this throws
    // and the caller learns the line was not recorded); the loop covers a short write all the same.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    if (line.event !== "intent") return;
    const sync = datasync(fd);
    this.syncing.add(sync);
    try {
      await sync;
    } finally {
      this.syncing.delete(sync);
    }
  }

  async close(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    await Promise.allSettled(this.syncing);
    closeSync(fd);
  }
}
