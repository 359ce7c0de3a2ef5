// A token bucket per caller: a flood from one caller is refused while others are served.
import type { Response } from "express";
import { sendError } from "./replies.js";

export interface Rate {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once above the sustained rate. */
  burst: number;
}

/** Buckets untouched this long are full again, and forgotten. */
const FORGET_AFTER_MS = 60_000;

export class CallerRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = Date.now,
    /** Who is refused, in the 429's words. */
    private readonly subject = "this caller",
  ) {}

  /** Takes one request's token, or answers 429 with Retry-After and returns false. */
  take(principal: string, res: Response): boolean {
    const now = this.now();
    const { perSecond, burst } = this.rate;
    const bucket = this.buckets.get(principal) ?? { tokens: burst, at: now };
    // A clock set back (NTP, a VM resumed) must not take tokens away: elapsed time is never negative.
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(principal, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    sendError(res, 429, -32000, `Too many requests from ${this.subject}; retry after ${retryAfter} s.`, {
      "retry-after": String(retryAfter),
    });
    return false;
  }

  forgetIdle(): void {
    const now = this.now();
    // Only a bucket that would be full again may be forgotten: forgetting sooner would refill it
    // early (a slow limit, like registrations per hour, would reset every minute).
    const refillMs = (this.rate.burst / this.rate.perSecond) * 1000;
    const after = Math.max(FORGET_AFTER_MS, refillMs);
    for (const [principal, bucket] of this.buckets) if (now - bucket.at > after) this.buckets.delete(principal);
  }
}
