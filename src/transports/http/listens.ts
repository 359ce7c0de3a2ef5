// 2026-07-28 subscriptions/listen streams: each holds a connection for as long as it is open, and
// a caller needs one. So a caller may hold only a few at once, and none for longer than a session
// may sit idle; the client re-listens when one ends (it sees the stream end and opens another).
import type { Response } from "express";
import { sendError } from "./replies.js";

/** Open listen streams one caller may hold at once. */
export const MAX_LISTENS_PER_CALLER = 4;

export class ListenStreams {
  private readonly open = new Map<string, number>();

  constructor(private readonly lifetimeMs: number) {}

  /** Admits a stream for this caller (answering 429 otherwise) and ends it after its lifetime. */
  admit(principal: string, res: Response): boolean {
    const held = this.open.get(principal) ?? 0;
    if (held >= MAX_LISTENS_PER_CALLER) {
      sendError(
        res,
        429,
        -32000,
        `Too many open listen streams for this caller (at most ${MAX_LISTENS_PER_CALLER}); close one first.`,
      );
      return false;
    }
    this.open.set(principal, held + 1);
    const lifetime = setTimeout(() => res.destroy(), this.lifetimeMs);
    lifetime.unref();
    res.once("close", () => {
      clearTimeout(lifetime);
      const left = (this.open.get(principal) ?? 1) - 1;
      if (left > 0) this.open.set(principal, left);
      else this.open.delete(principal);
    });
    return true;
  }
}
